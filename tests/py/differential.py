"""Differential test for copy.deepcopy variants.

Usage:
    differential.py --count N --seed S [--check-memo]

Builds N object graphs (graph i from ``random.Random(S + i)``), deep-copies each with
whatever ``copy`` module is installed, and prints one line per graph:

    <seed> <canonical signature of the copy>

Run it once per copy.py variant (same interpreter) and compare the outputs: two lines are
equal exactly when the two copies are isomorphic. If the deepcopy raises, the line is
``<seed> !<ExceptionType>: <message>``.

The signature records
  * the type of every object (module-qualified name) and the value of every atom;
  * aliasing: every object that has an identity of its own (containers, instances, ...) is
    numbered in first-visit order, ``#n`` at its first visit; a later visit prints ``@n``;
  * which objects of the copy *are* (``is``) objects of the original: such an object is
    marked ``=oK`` where K is its number in the same walk over the original graph.
It depends on nothing process-specific (no ids, no hash order) and is pure ASCII. Set and
frozenset elements are written in the order of their own context-free signatures, dict
items in insertion order, instance attributes in ``__dict__`` order, then slots in MRO
order. Outputs are comparable between runs on the same interpreter; across interpreters
they can differ where the interpreters do (RustPython's empty frozenset is a singleton,
some error messages differ).

What the graphs contain: lists, dicts, tuples, sets, frozensets, bytearrays, slices,
bound methods, dataclasses (plain, frozen, slotted), ``__slots__`` classes, namedtuples
(also with more fields than a short fast path handles), list and dict subclasses, classes
with ``__reduce__`` / ``__reduce_ex__`` (every tuple shape from 2 to 5 items, a list
instead of a tuple, list/dict iterators), ``__getstate__``/``__setstate__`` (dict and
non-dict state), ``__deepcopy__`` hooks that receive the memo (store themselves in it, pass
it on to nested deepcopy calls, read its size, overwrite another object's entry, or return
self), a ``copyreg`` registration, a reduce that returns a string, classes with a
metaclass, shared references, cycles through lists, dicts, tuples (via a list inside) and
instances, an instance next to its own ``__dict__``. The top-level call is
``deepcopy(x)``, ``deepcopy(x, memo)`` with a memo reused by a second call, or a memo
pre-filled with substitutions; a few graphs hold an object deepcopy must refuse
(copy.Error) or a malformed reduce value (TypeError).

``--check-memo`` appends `` memo=<entries>/<kept alive>`` for the calls that pass a memo in,
for checking that a variant leaves a caller's memo exactly as the baseline does.

Runs under CPython (3.11+) and RustPython.
"""

import argparse
import copy
import copyreg
import dataclasses
import random
import sys
import types
from abc import ABCMeta
from collections import namedtuple

# ---------------------------------------------------------------------------
# The classes the graphs are made of. They live at module level so that their
# qualified names are stable and copyreg/pickle-style reduce can name them.
# ---------------------------------------------------------------------------


class Plain:
    """An ordinary class: object.__reduce_ex__(4) gives (__newobj__, (cls,), __dict__)."""

    def method(self):
        return self


class WithMeta(metaclass=ABCMeta):
    """An ordinary class whose metaclass is not `type` (so it is no atomic type)."""


class NoDeepcopy:
    """__deepcopy__ = None: deepcopy must fall through to the reduce protocol."""

    __deepcopy__ = None


class Slotted:
    __slots__ = ("a", "b", "c")


class SlottedWithDict:
    __slots__ = ("a", "__dict__")


class Lookup:
    """__getattr__ answers every missing attribute: hasattr(y, '__setstate__') calls it."""

    def __getattr__(self, name):
        if name.startswith("__"):
            raise AttributeError(name)
        return "computed:" + name


@dataclasses.dataclass
class Point:
    x: object
    y: object
    tags: list = dataclasses.field(default_factory=list)


@dataclasses.dataclass(frozen=True)
class Key:
    """Hashable by value (an int), so it can sit in sets and be a dict key."""

    n: int


@dataclasses.dataclass(slots=True)
class SlotPoint:
    x: object
    y: object


Pair = namedtuple("Pair", "left right")
Wide = namedtuple("Wide", "a b c d e f g")  # more constructor args than a short fast path


class TaggedList(list):
    """A list subclass: reduce gives a listiter (and the instance dict as state)."""


class TaggedDict(dict):
    """A dict subclass: reduce gives a dictiter (and the instance dict as state)."""


class Reducer:
    """__reduce__ returning (cls, atom args, state dict)."""

    def __init__(self, a, b):
        self.a = a
        self.b = b
        self.payload = None

    def __reduce__(self):
        return (Reducer, (self.a, self.b), {"payload": self.payload})


def _rebuild_shaped(shape, n):
    obj = Shaped.__new__(Shaped)
    obj.shape = shape
    obj.n = n
    return obj


class Shaped:
    """__reduce_ex__ returning every shape _reconstruct accepts, chosen per instance."""

    SHAPES = ("2", "3", "3none", "3tuple", "4", "5", "5iter", "list", "argslist", "6none")

    def __init__(self, shape, n, payload):
        self.shape = shape
        self.n = n
        self.payload = payload

    def __reduce_ex__(self, protocol):
        args = (self.shape, self.n)
        state = {"payload": self.payload}
        if self.shape == "2":
            return (_rebuild_shaped, args)
        if self.shape == "3":
            return (_rebuild_shaped, args, state)
        if self.shape == "3none":
            return (_rebuild_shaped, args, None)
        if self.shape == "3tuple":
            return (_rebuild_shaped, args, (state, None))
        if self.shape == "4":
            return (_rebuild_shaped, args, state, None)
        if self.shape == "5":
            return (_rebuild_shaped, args, state, None, None)
        if self.shape == "5iter":
            return (_rebuild_shaped, args, state, None, iter([]))
        if self.shape == "list":
            return [_rebuild_shaped, args, state]
        if self.shape == "argslist":
            return (_rebuild_shaped, list(args), state)
        # "6none": a 6th item (state setter); deepcopy must raise TypeError.
        return (_rebuild_shaped, args, state, None, None, None)

    def __reduce__(self):
        raise AssertionError("__reduce_ex__ takes precedence")


class StateTuple:
    """__getstate__ returns a tuple, __setstate__ takes it back."""

    def __init__(self, a, payload):
        self.a = a
        self.payload = payload

    def __getstate__(self):
        return (self.a, self.payload)

    def __setstate__(self, state):
        self.a, self.payload = state


class StateDict:
    """__setstate__ receives the (deep-copied) __dict__ and records that it ran."""

    def __init__(self, payload):
        self.payload = payload

    def __setstate__(self, state):
        self.__dict__.update(state)
        self.restored = True


class FalsyState:
    """__getstate__ returns a false state (0): __setstate__ must still be called."""

    def __getstate__(self):
        return 0

    def __setstate__(self, state):
        self.state_seen = state


class MemoStorer:
    """__deepcopy__ that puts itself in the memo first (so cycles work) and passes the
    memo on to a nested deepcopy call."""

    def __init__(self, payload):
        self.payload = payload

    def __deepcopy__(self, memo):
        new = MemoStorer.__new__(MemoStorer)
        memo[id(self)] = new
        new.payload = copy.deepcopy(self.payload, memo)
        return new


class MemoProbe:
    """__deepcopy__ that records what it sees in the memo: its size and whether its
    payload has already been copied."""

    def __init__(self, payload):
        self.payload = payload

    def __deepcopy__(self, memo):
        new = MemoProbe.__new__(MemoProbe)
        new.seen_before = id(self.payload) in memo
        new.memo_size = len(memo)
        memo[id(self)] = new
        new.payload = copy.deepcopy(self.payload, memo)
        return new


class SelfCopier:
    """__deepcopy__ returning self: deepcopy must not memoize it."""

    def __init__(self, payload):
        self.payload = payload

    def __deepcopy__(self, memo):
        return self


class MemoRewriter:
    """__deepcopy__ that overwrites the memo entry of another object with that object
    itself ("keep it shared from now on"), possibly while that object is being copied."""

    def __init__(self, target):
        self.target = target

    def __deepcopy__(self, memo):
        new = MemoRewriter.__new__(MemoRewriter)
        memo[id(self)] = new
        memo[id(self.target)] = self.target
        new.target = self.target
        return new


class Registered:
    """Copied through a copyreg.dispatch_table entry."""

    def __init__(self, n, payload):
        self.n = n
        self.payload = payload


def _rebuild_registered(n):
    obj = Registered.__new__(Registered)
    obj.n = n
    return obj


def _reduce_registered(obj):
    return (_rebuild_registered, (obj.n,), {"payload": obj.payload})


copyreg.pickle(Registered, _reduce_registered)


class Named:
    """__reduce__ returns a string: the object is its own copy."""

    def __reduce__(self):
        return "NAMED_SINGLETON"


NAMED_SINGLETON = Named()


class Unreducible:
    """No reduce protocol at all: deepcopy raises copy.Error."""

    def __getattribute__(self, name):
        if name.startswith("__reduce"):
            raise AttributeError(name)
        return object.__getattribute__(self, name)


def module_function():
    return None


# ---------------------------------------------------------------------------
# Graph generation
# ---------------------------------------------------------------------------

WORDS = ("alpha", "beta", "gamma", "delta", "", "x", "hello world", "\u00e9t\u00e9", "a\nb")

# Containers that can take a new reference after creation (to close cycles).
MUTABLE_KINDS = (list, dict, TaggedList, TaggedDict, Plain, NoDeepcopy, WithMeta, Lookup,
                 Point, Reducer, Shaped, StateTuple, StateDict, MemoStorer, MemoProbe,
                 Registered, Slotted, SlottedWithDict)


class GraphBuilder:
    """Builds one random object graph from a seeded Random."""

    def __init__(self, rng):
        self.rng = rng
        self.budget = rng.randint(3, 60)
        self.pool = []  # every non-atomic object made so far, for shared references

    # -- helpers -------------------------------------------------------------

    def chance(self, p):
        return self.rng.random() < p

    def remember(self, obj):
        self.pool.append(obj)
        return obj

    def atom(self):
        rng = self.rng
        kind = rng.randrange(16)
        if kind == 0:
            return None
        if kind == 1:
            return rng.random() < 0.5
        if kind == 2:
            return rng.randint(-5, 300)
        if kind == 3:
            return rng.randint(-(2 ** 70), 2 ** 70)
        if kind == 4:
            return rng.randint(-1000, 1000) / 8
        if kind == 5:
            return complex(rng.randint(-3, 3), rng.randint(-3, 3))
        if kind in (6, 7, 8):
            return rng.choice(WORDS) + str(rng.randint(0, 9))
        if kind == 9:
            return bytes(rng.randrange(256) for _ in range(rng.randint(0, 4)))
        if kind == 10:
            return range(rng.randint(0, 3), rng.randint(3, 9))
        if kind == 11:
            return rng.choice((len, module_function, Plain.method))
        if kind == 12:
            return rng.choice((Plain, int, WithMeta, Point))  # classes, one with a metaclass
        if kind == 13:
            return rng.choice((Ellipsis, NotImplemented))
        if kind == 14:
            return NAMED_SINGLETON
        return rng.choice(WORDS)

    def hashable(self, depth):
        """Something usable as a set element or dict key whose signature is unique among
        equal-hash neighbours (value-hashed only, so set order never needs ids)."""
        rng = self.rng
        kind = rng.randrange(6)
        if kind == 0 and depth > 0:
            return self.remember(tuple(self.atom() for _ in range(rng.randint(0, 3))))
        if kind == 1 and depth > 0:
            return self.remember(frozenset(rng.randint(0, 20) for _ in range(rng.randint(0, 3))))
        if kind == 2:
            return self.remember(Key(rng.randint(0, 50)))
        if kind == 3:
            return rng.choice(WORDS) + str(rng.randint(0, 99))
        return rng.randint(-50, 50)

    # -- the graph -----------------------------------------------------------

    def value(self, depth):
        """Any value: an atom, a shared reference, or a new object."""
        if depth <= 0 or self.budget <= 0 or self.chance(0.3):
            return self.atom()
        if self.pool and self.chance(0.15):
            return self.rng.choice(self.pool)
        self.budget -= 1
        return self.rng.choice(self.MAKERS)(self, depth - 1)

    def values(self, depth, low=0, high=4):
        return [self.value(depth) for _ in range(self.rng.randint(low, high))]

    def make_list(self, depth):
        lst = self.remember([])
        lst.extend(self.values(depth))
        return lst

    def make_dict(self, depth):
        dct = self.remember({})
        for _ in range(self.rng.randint(0, 4)):
            dct[self.hashable(depth)] = self.value(depth)
        return dct

    def make_tuple(self, depth):
        return self.remember(tuple(self.values(depth)))

    def make_atom_tuple(self, depth):
        inner = tuple(self.atom() for _ in range(self.rng.randint(0, 3)))
        return self.remember((inner, self.atom()) if self.chance(0.5) else inner)

    def make_tuple_cycle(self, depth):
        """A cycle through a tuple: the tuple holds a list that holds the tuple."""
        lst = self.remember([])
        tup = self.remember((lst, self.atom()))
        lst.append(tup)
        lst.extend(self.values(depth, 0, 2))
        return tup if self.chance(0.5) else lst

    def make_set(self, depth):
        return self.remember({self.hashable(depth) for _ in range(self.rng.randint(0, 4))})

    def make_frozenset(self, depth):
        return self.remember(frozenset(self.hashable(depth) for _ in range(self.rng.randint(0, 4))))

    def make_bytearray(self, depth):
        return self.remember(bytearray(self.rng.randrange(256) for _ in range(self.rng.randint(0, 5))))

    def make_slice(self, depth):
        return self.remember(slice(self.atom(), self.rng.randint(0, 9), self.value(depth)))

    def make_plain(self, depth):
        obj = self.remember(self.rng.choice((Plain, NoDeepcopy, WithMeta, Lookup))())
        for name in self.rng.sample(("p", "q", "r", "s"), self.rng.randint(0, 3)):
            setattr(obj, name, self.value(depth))
        return obj

    def make_vars_alias(self, depth):
        """An instance next to its own __dict__: the state dict is memoized too."""
        obj = self.make_plain(depth)
        obj.extra = self.value(depth)
        return self.remember([vars(obj), obj] if self.chance(0.5) else [obj, vars(obj)])

    def make_method(self, depth):
        obj = self.remember(Plain())
        obj.p = self.value(depth)
        return self.remember(obj.method)

    def make_dataclass(self, depth):
        rng = self.rng
        kind = rng.randrange(3)
        if kind == 0:
            return self.remember(Point(self.value(depth), self.atom(), self.values(depth, 0, 2)))
        if kind == 1:
            return self.remember(Key(rng.randint(0, 50)))
        return self.remember(SlotPoint(self.value(depth), self.atom()))

    def make_slotted(self, depth):
        if self.chance(0.5):
            obj = self.remember(Slotted())
            for name in self.rng.sample(("a", "b", "c"), self.rng.randint(0, 3)):
                setattr(obj, name, self.value(depth))
            return obj
        obj = self.remember(SlottedWithDict())
        if self.chance(0.7):
            obj.a = self.value(depth)
        if self.chance(0.7):
            obj.d = self.value(depth)
        return obj

    def make_namedtuple(self, depth):
        if self.chance(0.5):
            return self.remember(Pair(self.value(depth), self.value(depth)))
        return self.remember(Wide(*[self.value(depth) if self.chance(0.3) else self.atom()
                                    for _ in range(7)]))

    def make_subclass(self, depth):
        obj = self.remember(self.rng.choice((TaggedList, TaggedDict))())
        if isinstance(obj, list):
            obj.extend(self.values(depth))
        else:
            for _ in range(self.rng.randint(0, 3)):
                obj[self.hashable(depth)] = self.value(depth)
        if self.chance(0.5):
            obj.tag = self.value(depth)
        return obj

    def make_reducer(self, depth):
        obj = self.remember(Reducer(self.atom(), self.atom()))
        obj.payload = self.value(depth)
        return obj

    def make_shaped(self, depth):
        shapes = [s for s in Shaped.SHAPES if s != "6none"]
        return self.remember(Shaped(self.rng.choice(shapes), self.rng.randint(0, 9), self.value(depth)))

    def make_state(self, depth):
        kind = self.rng.randrange(3)
        if kind == 0:
            return self.remember(StateTuple(self.atom(), self.value(depth)))
        if kind == 1:
            return self.remember(StateDict(self.value(depth)))
        return self.remember(FalsyState())

    def make_hook(self, depth):
        kind = self.rng.randrange(4)
        if kind == 0:
            return self.remember(MemoStorer(self.value(depth)))
        if kind == 1:
            return self.remember(MemoProbe(self.value(depth)))
        if kind == 2 and self.pool:
            return self.remember(MemoRewriter(self.rng.choice(self.pool)))
        return self.remember(SelfCopier(self.value(depth)))

    def make_registered(self, depth):
        return self.remember(Registered(self.rng.randint(0, 9), self.value(depth)))

    MAKERS = (make_list, make_list, make_dict, make_dict, make_tuple, make_atom_tuple,
              make_tuple_cycle, make_set, make_frozenset, make_bytearray, make_slice,
              make_plain, make_plain, make_vars_alias, make_method, make_dataclass,
              make_slotted, make_namedtuple, make_subclass, make_reducer, make_shaped,
              make_state, make_hook, make_registered)

    def close_cycles(self):
        """Point some mutable objects at earlier or later objects: cycles and sharing."""
        targets = [obj for obj in self.pool if type(obj) in MUTABLE_KINDS]
        if not targets or not self.pool:
            return
        for _ in range(self.rng.randint(0, 4)):
            target = self.rng.choice(targets)
            ref = self.rng.choice(self.pool)
            if isinstance(target, list):
                target.append(ref)
            elif isinstance(target, dict):
                target["back%d" % len(target)] = ref
            elif isinstance(target, (Slotted, SlottedWithDict)):
                target.a = ref
            elif isinstance(target, (Reducer, Shaped, StateTuple, StateDict, MemoStorer,
                                     MemoProbe, Registered)):
                target.payload = ref
            else:
                target.back = ref

    def build(self):
        root = self.rng.choice((GraphBuilder.make_list, GraphBuilder.make_dict,
                                GraphBuilder.make_tuple, GraphBuilder.make_plain,
                                GraphBuilder.make_dataclass, GraphBuilder.make_tuple_cycle,
                                GraphBuilder.make_hook, GraphBuilder.make_shaped))(self, 6)
        self.close_cycles()
        return root


def run_case(seed):
    """Builds graph `seed`, deep-copies it, returns (original, copy, memo or None)."""
    rng = random.Random(seed)
    builder = GraphBuilder(rng)
    root = builder.build()
    mode = rng.random()
    if mode < 0.04:
        bad = Unreducible() if rng.random() < 0.5 else Shaped("6none", 0, None)
        original = [root, bad]
        return original, copy.deepcopy(original), None
    if mode < 0.25:
        # A memo passed in and reused: the second call shares copies with the first.
        memo = {}
        extra = rng.choice(builder.pool) if builder.pool else builder.atom()
        first = copy.deepcopy(root, memo)
        second = copy.deepcopy(extra, memo)
        return [root, extra], [first, second], memo
    if mode < 0.40 and builder.pool:
        # A pre-filled memo: chosen objects are substituted (kept, or replaced by a marker).
        memo = {}
        marker = ["substituted"]
        for obj in rng.sample(builder.pool, min(len(builder.pool), rng.randint(1, 3))):
            replace = type(obj) in (list, dict, bytearray) and rng.random() < 0.5
            memo[id(obj)] = marker if replace else obj
        return root, copy.deepcopy(root, memo), memo
    return root, copy.deepcopy(root), None


# ---------------------------------------------------------------------------
# Canonical signature
# ---------------------------------------------------------------------------

# Atoms written by value: type tag and repr.
VALUE_TAGS = {type(None): "None", bool: "bool:", int: "int:", float: "float:",
              complex: "complex:", str: "str:", bytes: "bytes:"}


def qualname(cls):
    return "%s.%s" % (cls.__module__, cls.__qualname__)


def slot_names(cls):
    """The __slots__ names of cls and its bases, MRO order (base classes last)."""
    names = []
    for klass in cls.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        if isinstance(slots, str):
            slots = (slots,)
        for name in slots:
            if name not in ("__dict__", "__weakref__") and name not in names:
                names.append(name)
    return names


class Signature:
    """Serializes an object graph canonically (see the module docstring).

    `original` maps id() of the original graph's objects to their walk numbers, so that
    objects shared between copy and original can be marked; None for no marks.
    """

    def __init__(self, original=None):
        self.numbers = {}  # id(obj) -> first-visit number
        self.keep = []  # keeps visited objects alive so their ids stay unique
        self.original = original
        self.out = []

    def text(self, obj):
        self.walk(obj)
        return "".join(self.out)

    def atom(self, obj):
        """The text of an atom, or None if obj has an identity worth numbering."""
        cls = type(obj)
        tag = VALUE_TAGS.get(cls)
        if tag is not None:
            return tag if obj is None else tag + ascii(obj)
        if isinstance(obj, type):
            return "T<%s>" % qualname(obj)
        if cls is range:
            return "R" + ascii(obj)
        if obj is Ellipsis or obj is NotImplemented:
            return repr(obj)
        if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
            return "F<%s.%s>" % (obj.__module__, obj.__qualname__)
        return None

    def walk(self, obj):
        text = self.atom(obj)
        if text is not None:
            self.out.append(text)
            return
        key = id(obj)
        if key in self.numbers:
            self.out.append("@%d" % self.numbers[key])
            return
        number = len(self.numbers)
        self.numbers[key] = number
        self.keep.append(obj)
        self.out.append("%s#%d" % (qualname(type(obj)), number))
        if self.original is not None and key in self.original:
            self.out.append("=o%d" % self.original[key])
        self.body(obj)

    def body(self, obj):
        """The contents of a numbered object."""
        out = self.out
        if isinstance(obj, (list, tuple)):
            out.append("[")
            for item in obj:
                self.walk(item)
                out.append(",")
            out.append("]")
        elif isinstance(obj, dict):
            out.append("{")
            for key, value in obj.items():
                self.walk(key)
                out.append(":")
                self.walk(value)
                out.append(",")
            out.append("}")
        elif isinstance(obj, (set, frozenset)):
            out.append("<")
            for item in sorted(obj, key=lambda item: Signature().text(item)):
                self.walk(item)
                out.append(",")
            out.append(">")
        elif isinstance(obj, bytearray):
            out.append(repr(bytes(obj)))
        elif isinstance(obj, slice):
            out.append("(")
            for part in (obj.start, obj.stop, obj.step):
                self.walk(part)
                out.append(",")
            out.append(")")
        elif isinstance(obj, types.MethodType):
            out.append("(%s:" % obj.__func__.__qualname__)
            self.walk(obj.__self__)
            out.append(")")
        self.attributes(obj)

    def attributes(self, obj):
        """An instance's __dict__ (as an object of its own, so aliasing of it shows) and
        its slots, set or unset."""
        cls = type(obj)
        if cls.__module__ == "builtins":
            return
        try:
            attrs = object.__getattribute__(obj, "__dict__")
        except AttributeError:
            attrs = None
        if attrs is not None:
            self.out.append(" d=")
            self.walk(attrs)
        for name in slot_names(cls):
            self.out.append(" .%s=" % name)
            try:
                value = object.__getattribute__(obj, name)
            except AttributeError:
                self.out.append("-")
            else:
                self.walk(value)


def signature(original, result):
    walk = Signature()
    walk.walk(original)
    return Signature(original=walk.numbers).text(result)


def memo_stats(memo):
    kept = memo.get(id(memo))
    return " memo=%d/%s" % (len(memo), len(kept) if isinstance(kept, list) else "-")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100, help="number of graphs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first graph")
    parser.add_argument("--check-memo", action="store_true",
                        help="append the size of a caller-supplied memo and its keep-alive list")
    args = parser.parse_args(argv)
    for seed in range(args.seed, args.seed + args.count):
        try:
            original, result, memo = run_case(seed)
        except (copy.Error, TypeError) as err:
            line = "%d !%s: %s" % (seed, type(err).__name__, err)
        else:
            line = "%d %s" % (seed, signature(original, result))
            if args.check_memo and memo is not None:
                line += memo_stats(memo)
        # ASCII only, whatever encoding the interpreter gives stdout.
        sys.stdout.write(line.encode("ascii", "backslashreplace").decode("ascii") + "\n")


if __name__ == "__main__":
    main()
