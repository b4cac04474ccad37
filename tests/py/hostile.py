"""Hostile programs for copy.deepcopy: a differential test whose graphs fight back.

Usage:
    hostile.py --count N --seed S [--without FEATURE,...]
    hostile.py --show SEED [--without FEATURE,...]

Program i is generated from ``random.Random(S + i)`` as Python source and run in this
process. Its object graph carries hooks (``__deepcopy__``, ``__reduce_ex__``, ``__hash__``,
``__eq__``, ``__len__``, ``__del__``, weakref callbacks, a memo that is a dict subclass, an
``_atomic_types`` that is a set subclass or holds objects with a Python ``__hash__`` and
``__eq__``) and each hook may run one seeded action that changes what deepcopy is reading:
copy's tables (``_atomic_types``, ``_deepcopy_dispatch``, ``copyreg.dispatch_table``), the
memo, the containers being copied, the classes of the objects, and the copy module's globals
(rebinding ``_atomic_types``, ``_deepcopy_dispatch``, ``_keep_alive``, ``_reconstruct``,
``Error``, ``dispatch_table``; shadowing a builtin copy.py calls; replacing
``sys.modules['copyreg']``). Some programs also call deepcopy as a class attribute, under
``exec`` with custom builtins, or delete attributes of ``copy.deepcopy``.

Each program prints one line: its seed, then everything its hooks logged, the late events
(finalizers and callbacks that ran after the copy) and a canonical signature of the copy or
the exception. Object addresses and ids are masked, so two runs print equal lines exactly when
the copies and every observed call agree. Run it under two copy.py variants and compare.

``--show SEED`` prints program SEED as a standalone script (a reproducer for a difference).
``--without`` leaves out features (names listed by ``--features``), for runs that must not
exercise a documented deviation.

Every program restores what it changed (copy's globals and tables, copyreg, sys.modules,
copy.deepcopy's attributes) so the next one starts from the module as imported.
"""

import argparse
import copy
import copyreg
import gc
import random
import re
import sys

# ---------------------------------------------------------------------------
# The program text. PRELUDE is the same for every program: the hook classes, each
# running the action it was given. Actions are snippets of Python, chosen per hook.
# ---------------------------------------------------------------------------

PRELUDE = r'''
import copy, copyreg, sys, weakref

LOG = []
def log(*parts):
    LOG.append(" ".join(str(p) for p in parts))

ACTIONS = {}
def act(name, memo=None):
    """Runs action `name` once (a hook may run many times)."""
    code = ACTIONS.pop(name, None)
    if code is not None:
        try:
            exec(code, globals(), {"memo": memo})
        except Exception as e:
            log("action", name, "raised", type(e).__name__)

class Flag:
    """Copied by its hook unless an action made its class atomic."""
    def __deepcopy__(self, memo):
        log("Flag.dc")
        return "copied"

class Hook:
    """__deepcopy__ runs an action, then returns what it was told to."""
    def __init__(self, n, action, ret, payload=None):
        self.n, self.action, self.ret, self.payload = n, action, ret, payload
    def __hash__(self):
        # Deterministic, so a dict's probe sequence (and the __eq__ calls along it) is too.
        return 1000 + self.n
    def __deepcopy__(self, memo):
        log("Hook.dc", self.n, type(memo).__name__)
        act(self.action, memo)
        if self.ret == "self":
            return self
        if self.ret == "fin":
            return Fin(self.n)
        if self.ret == "payload":
            return copy.deepcopy(self.payload, memo)
        if self.ret == "guarded":
            # copy.py's raise of copy.Error, caught so that the copy goes on.
            try:
                return copy.deepcopy(self.payload, memo)
            except Exception as e:
                log("guarded", type(e).__name__, e)
                return "guarded"
        if self.ret.startswith("key"):
            return 100 + int(self.ret[3:])
        return ("H", self.n)

class Fin:
    """A finalizer and a weakref callback that each run an action."""
    def __init__(self, n):
        self.n = n
        FIN_REFS.append(weakref.ref(self, lambda r, n=n: (log("weakref cb", n), act("cb%d" % n))))
    def __del__(self):
        log("Fin.del", self.n)
        act("del%d" % self.n)
FIN_REFS = []

class Red:
    """__reduce_ex__ runs an action, then returns a reduce value of the chosen shape."""
    def __init__(self, n, action, shape, payload=None):
        self.n, self.action, self.shape, self.payload = n, action, shape, payload
    def __reduce_ex__(self, proto):
        log("Red.rex", self.n, proto)
        act(self.action)
        if self.shape == "lentuple":
            return (Built, (self.n,), LenTuple(({"p": self.payload}, None)))
        if self.shape == "lenrv":
            return LenTuple((Built, (self.n,), {"p": self.payload}))
        if self.shape == "list":
            return [Built, (self.n,), {"p": self.payload}]
        return (Built, (self.n,), {"p": self.payload})

class LenTuple(tuple):
    def __len__(self):
        log("LenTuple.len")
        return tuple.__len__(self)
    def __iter__(self):
        log("LenTuple.iter")
        return tuple.__iter__(self)

def set_logged_state(obj, label, state):
    """A __setstate__ that logs the state's shape, then takes its dict part."""
    log(label, type(state).__name__)
    if isinstance(state, tuple):
        state = state[0]
    obj.__dict__.update(state)

class Built:
    def __init__(self, n):
        self.n = n
    def __setstate__(self, state):
        set_logged_state(self, "Built.setstate", state)

class Obj:
    """An ordinary instance: copied by the default reduce."""
    def __init__(self, n, payload=None):
        self.n, self.payload = n, payload

class Stated(Obj):
    """An ordinary instance with a __setstate__ that shows the state's shape."""
    def __setstate__(self, state):
        set_logged_state(self, "Stated.setstate", state)

class Keyed:
    """A dict key with a Python __hash__ and __eq__ that log and run an action."""
    def __init__(self, n, h, action):
        self.n, self.h, self.action = n, h, action
    def __hash__(self):
        log("Keyed.hash", self.n)
        act(self.action)
        return self.h
    def __eq__(self, other):
        log("Keyed.eq", self.n, type(other).__name__)
        act(self.action)
        return self is other
    def __deepcopy__(self, memo):
        log("Keyed.dc", self.n)
        return self

class Foreign:
    """Sits in _atomic_types with a class's hash: a probe for that class calls __eq__."""
    def __init__(self, cls, action):
        self.cls, self.action = cls, action
    def __hash__(self):
        return hash(self.cls)
    def __eq__(self, other):
        # A set probe may meet this entry twice, depending on where other classes were
        # allocated: repeats in a row are logged once, so runs are comparable.
        entry = "Foreign.eq " + getattr(other, "__name__", "?")
        if not LOG or LOG[-1] != entry:
            log(entry)
        act(self.action)
        return False

class Collider:
    """Planted in a partial dict copy by a hook: its hash equals a key copied later, so
    storing that key runs this __eq__ (once per probe that meets it: the action runs once,
    repeats in a row are logged once)."""
    def __init__(self, n, h, action):
        self.n, self.h, self.action = n, h, action
    def __hash__(self):
        return self.h
    def __eq__(self, other):
        entry = "Collider.eq %d" % self.n
        if not LOG or LOG[-1] != entry:
            log(entry)
        act(self.action)
        return False

class Uncopyable:
    """No __deepcopy__ and no reductor: copy.py raises copy.Error for it."""
    __reduce_ex__ = None
    __reduce__ = None
    def __init__(self, n):
        self.n = n

class AtomicSet(set):
    def __contains__(self, cls):
        log("AtomicSet.contains", getattr(cls, "__name__", "?"))
        act("contains")
        return set.__contains__(self, cls)

class Memo(dict):
    """A caller's memo that logs its protocol, and the identity of get's default."""
    def get(self, key, default=None):
        first = DEFAULTS.setdefault("nil", default)
        log("Memo.get", "same-default" if default is first else "new-default")
        act("memo")
        return dict.get(self, key, default)
    def __setitem__(self, key, value):
        log("Memo.set", type(value).__name__)
        dict.__setitem__(self, key, value)
    def __getitem__(self, key):
        log("Memo.getitem")
        return dict.__getitem__(self, key)
DEFAULTS = {}

class Meta(type):
    def __hash__(cls):
        log("Meta.hash", cls.__name__)
        return type.__hash__(cls)
class Metaed(metaclass=Meta):
    def __init__(self, n):
        self.n = n

def logged(name, real):
    def wrapper(*args, **kwargs):
        log("called", name)
        return real(*args, **kwargs)
    return wrapper

def copy_list_logged(x, memo):
    log("list copier")
    y = []
    memo[id(x)] = y
    for a in x:
        y.append(copy.deepcopy(a, memo))
    return y

class NewCopyreg:
    """What sys.modules['copyreg'] is replaced with: copyreg with a logging __newobj__."""
    def __init__(self):
        self.__dict__.update(vars(copyreg))
        def __newobj__(cls, *args):
            log("fake __newobj__", cls.__name__)
            return cls.__new__(cls, *args)
        self.__newobj__ = __newobj__

class ErrorClass(Exception):
    pass
'''

# Actions: name -> snippet. `memo` is the memo when a __deepcopy__ hook or a Memo method
# runs the action, else None. CONTAINERS holds the graph's lists and dicts.
ACTIONS = {
    # copy's tables, mutated in place
    "atomic_add_flag": "copy._atomic_types.add(Flag)",
    "atomic_discard_flag": "copy._atomic_types.discard(Flag)",
    "atomic_toggle_flag": "copy._atomic_types.symmetric_difference_update({Flag})",
    "atomic_add_obj": "copy._atomic_types.add(Obj)",
    "atomic_add_foreign": "copy._atomic_types.add(Foreign(PICK_CLASS, 'foreign'))",
    "dispatch_set_flag": "copy._deepcopy_dispatch[Flag] = lambda x, m: (log('flag copier'), 'dispatched')[1]",
    "dispatch_del_flag": "copy._deepcopy_dispatch.pop(Flag, None)",
    "dispatch_list": "copy._deepcopy_dispatch[list] = copy_list_logged",
    "dispatch_list_back": "copy._deepcopy_dispatch[list] = ORIGINAL_LIST_COPIER",
    "copyreg_obj": "copyreg.pickle(Obj, lambda o: (log('obj reducer'), (Obj, (o.n,), None))[1])",
    "copyreg_obj_del": "copyreg.dispatch_table.pop(Obj, None)",
    # copy's globals, rebound
    "rebind_atomic_with": "copy._atomic_types = set(copy._atomic_types) | {Flag}",
    "rebind_atomic_without": "copy._atomic_types = set(copy._atomic_types) - {Flag}",
    # ints copied by reduction: (int, (n,)) holds n again, so the copy recurses to the limit
    "runaway_int": "copy._atomic_types = set(copy._atomic_types) - {int}",
    "rebind_atomic_toggle": "copy._atomic_types = set(copy._atomic_types) ^ {Flag}",
    "rebind_atomic_sub": "copy._atomic_types = AtomicSet(copy._atomic_types)",
    "rebind_dispatch": "copy._deepcopy_dispatch = dict(copy._deepcopy_dispatch); "
    "copy._deepcopy_dispatch[Flag] = lambda x, m: 'rebound-dispatch'",
    "rebind_dispatch_nolist": "copy._deepcopy_dispatch = {k: v for k, v in copy._deepcopy_dispatch.items() if k is not list}",
    "rebind_keep_alive": "copy._keep_alive = logged('_keep_alive', copy._keep_alive)",
    "rebind_reconstruct": "copy._reconstruct = logged('_reconstruct', copy._reconstruct)",
    "rebind_dispatch_table": "copy.dispatch_table = {Obj: lambda o: (log('table reducer'), (Obj, (o.n,)))[1]}",
    "rebind_error_value": "copy.Error = ValueError",
    "rebind_error_int": "copy.Error = 5",
    "rebind_error_class_back": "copy.Error = lambda message: KeyError",
    "rebind_error_str": "copy.Error = lambda message: 'not an exception'",
    "rebind_error_sub": "copy.Error = ErrorClass",
    # builtins shadowed by globals of copy, and copyreg as object.__reduce_ex__ imports it
    "shadow_issubclass": "copy.issubclass = logged('issubclass', issubclass)",
    "shadow_getattr": "copy.getattr = logged('getattr', getattr)",
    "shadow_isinstance": "copy.isinstance = logged('isinstance', isinstance)",
    "shadow_hasattr": "copy.hasattr = logged('hasattr', hasattr)",
    "shadow_id": "copy.id = logged('id', id)",
    "shadow_type": "copy.type = logged('type', type)",
    "shadow_len": "copy.len = logged('len', len)",
    "fake_copyreg": "sys.modules['copyreg'] = NewCopyreg()",
    # the memo
    "memo_forget": "memo is not None and [memo.pop(id(c), None) for c in CONTAINERS]",
    "memo_substitute": "memo is not None and memo.__setitem__(id(PICK_OBJECT), 'substituted')",
    "memo_clear": "memo is not None and memo.clear()",
    "memo_plant_key": "memo is not None and [memo[id(c)].__setitem__(Keyed(99, 100, 'planted'), 'planted') "
    "for c in CONTAINERS if isinstance(memo.get(id(c)), dict)]",
    # the containers being copied
    "list_append": "[c.append(Flag()) for c in CONTAINERS if isinstance(c, list)][:1]",
    "list_pop": "[c.pop() for c in CONTAINERS if isinstance(c, list) and c][:1]",
    "dict_add": "[c.__setitem__('added', 1) for c in CONTAINERS if isinstance(c, dict)][:1]",
    # the classes of the objects, changed in place
    "class_deepcopy": "Obj.__deepcopy__ = lambda self, memo: (log('Obj.dc now'), 'obj-hook')[1]",
    "class_reduce": "Obj.__reduce_ex__ = lambda self, p: (log('Obj.rex now'), (Obj, (self.n,)))[1]",
    "class_setstate": "Obj.__setstate__ = lambda self, s: (log('Obj.setstate now'), self.__dict__.update(s))",
    "class_slotnames": "isinstance(Stated.__dict__.get('__slotnames__'), list) and Stated.__slotnames__.append('n')",
    "class_flag_reduce": "Flag.__deepcopy__ = None",
    # free what the memo or a partial copy holds
    "gc": "import gc; gc.collect()",
}

FEATURE_OF_ACTION = {
    name: (
        "runaway" if name.startswith("runaway_") else
        "error" if name.startswith("rebind_error_") else
        "globals" if name.startswith(("rebind_", "shadow_", "fake_")) else
        "memo" if name.startswith("memo_") else
        "containers" if name.startswith(("list_", "dict_")) else
        "classes" if name.startswith("class_") else
        "tables"
    )
    for name in ACTIONS
}

# What a trap's finalizer or colliding __eq__ does: each flips whether Flag is atomic, so
# a kept `Flag in _atomic_types` answer used after it copies the next Flag wrongly.
TRAP_ACTIONS = ["atomic_toggle_flag", "rebind_atomic_toggle"]

# What copy.Error is rebound to before a copy that meets an Uncopyable: an exception class
# (instantiated by raise), a callable returning a class (raise instantiates that), a
# callable returning no exception (TypeError), a non-callable (TypeError from the call).
ERROR_BINDINGS = ["ErrorClass", "ValueError", "lambda message: KeyError", "lambda message: KeyError('k')",
                  "lambda message: 'not an exception'", "5"]

# Features: what a run may leave out with --without.
FEATURES = sorted(set(FEATURE_OF_ACTION.values()) | {
    "foreign-atomic",   # Foreign objects and an AtomicSet in _atomic_types from the start
    "keys",             # Keyed dict keys (Python __hash__/__eq__) and colliding copied keys
    "finalizers",       # Fin objects returned by hooks (freed when overwritten)
    "memo-subclass",    # the top-level memo is a logging dict subclass
    "metaclass",        # instances of a class whose metaclass hashes in Python
    "len",              # reduce values and states that are tuple subclasses with __len__
    "method-binding",   # copy.deepcopy stored on a class and called through an instance
    "exec-builtins",    # deepcopy called under exec with custom builtins
    "function-attrs",   # attributes of copy.deepcopy deleted
    "liveness",         # a copier and a table removed after a copy: are they freed?
    "again",            # a second copy after the first, with copy's state as the first left it
    "error",            # Uncopyable objects (copy.Error raised), copy.Error rebound to anything
    "overwrite-finalizer",  # a dict copy stores a key twice; the overwritten value's __del__
                            # and weakref callback change _atomic_types mid-dict
    "colliding-keys",   # a hook plants a key in the partial dict copy whose hash a later key
                        # shares: the store runs its __eq__, which changes _atomic_types
})


class Program:
    """One hostile program's source, built from a seeded random.Random."""

    def __init__(self, rng, without):
        self.rng = rng
        self.without = without
        self.lines = []
        self.actions = {}
        # Slot -> action code written for this program (a trap's hooks name its objects).
        self.custom = {}
        self.trapped = False
        self.counter = 0
        self.containers = []
        names = [name for name, feature in FEATURE_OF_ACTION.items() if feature not in without]
        self.action_names = names

    def on(self, feature):
        return feature not in self.without

    def new_action(self, slot):
        """Gives hook slot `slot` a random action (or none)."""
        if self.action_names and self.rng.random() < 0.8:
            self.actions[slot] = self.rng.choice(self.action_names)
        return slot

    def name(self):
        self.counter += 1
        return "o%d" % self.counter

    def leaf(self, depth):
        rng = self.rng
        kinds = ["int", "str", "flag", "hook", "red", "obj", "stated", "none"]
        if self.on("metaclass"):
            kinds.append("metaed")
        if self.on("error"):
            kinds.append("uncopyable")
        kind = rng.choice(kinds)
        n = self.counter
        if kind == "int":
            return str(rng.randrange(5))
        if kind == "str":
            return rng.choice(["100", "101", "'s'"])
        if kind == "none":
            return "None"
        if kind == "flag":
            return "FLAG"
        if kind == "metaed":
            return "Metaed(%d)" % n
        name = self.name()
        if kind == "uncopyable":
            # Mostly under a hook that catches the error, so the copy goes on after it.
            self.lines.append("%s = Uncopyable(%d)" % (name, n))
            if rng.random() < 0.7:
                inner, name = name, self.name()
                self.lines.append("%s = Hook(%d, %r, 'guarded', [%s])" % (name, n, self.new_action("h%d" % n), inner))
        elif kind == "hook":
            rets = ["tuple", "self", "payload", "key0", "key1"]
            if self.on("finalizers"):
                rets += ["fin", "fin"]
            ret = rng.choice(rets)
            payload = self.value(depth + 1) if ret == "payload" else "None"
            self.lines.append("%s = Hook(%d, %r, %r, %s)" % (name, n, self.new_action("h%d" % n), ret, payload))
            if ret == "fin":
                self.new_action("del%d" % n)
                self.new_action("cb%d" % n)
        elif kind == "red":
            shapes = ["plain", "list"]
            if self.on("len"):
                shapes += ["lentuple", "lenrv"]
            shape = rng.choice(shapes)
            self.lines.append("%s = Red(%d, %r, %r, %s)" % (name, n, self.new_action("r%d" % n), shape,
                                                             self.value(depth + 1)))
        else:
            cls = "Stated" if kind == "stated" else "Obj"
            self.lines.append("%s = %s(%d, %s)" % (name, cls, n, self.value(depth + 1)))
        self.lines.append("OBJECTS.append(%s)" % name)
        return name

    def key(self):
        rng = self.rng
        kinds = ["str", "int", "hook"]
        if self.on("keys"):
            kinds += ["keyed", "keyed"]
        kind = rng.choice(kinds)
        if kind == "str":
            return rng.choice(["100", "101", "102"])
        if kind == "int":
            return str(rng.randrange(3))
        n = self.counter
        self.counter += 1
        name = "k%d" % n
        if kind == "keyed":
            h = rng.choice(["100", "101", str(rng.randrange(3)), "7"])
            self.lines.append("%s = Keyed(%d, %s, %r)" % (name, n, h, self.new_action("k%d" % n)))
        else:
            ret = rng.choice(["key0", "key1", "key2"])
            self.lines.append("%s = Hook(%d, %r, %r)" % (name, n, self.new_action("h%d" % n), ret))
        return name

    def value(self, depth):
        rng = self.rng
        if depth > 2 or rng.random() < 0.4:
            return self.leaf(depth)
        kinds = ["list", "list", "dict", "dict", "tuple"]
        traps = [trap for trap in ("overwrite-finalizer", "colliding-keys") if self.on(trap)]
        if traps:
            kinds.append("trap")
        kind = rng.choice(kinds)
        if kind == "trap":
            return self.trap(rng.choice(traps))
        size = rng.randrange(1, 5)
        name = self.name()
        if kind == "list":
            items = [self.value(depth + 1) for _ in range(size)]
            self.lines.append("%s = [%s]" % (name, ", ".join(items)))
        elif kind == "tuple":
            items = [self.value(depth + 1) for _ in range(size)]
            self.lines.append("%s = (%s,)" % (name, ", ".join(items)))
        else:
            pairs = [(self.key(), self.value(depth + 1)) for _ in range(size)]
            self.lines.append("%s = {%s}" % (name, ", ".join("%s: %s" % pair for pair in pairs)))
        if kind != "tuple":
            self.lines.append("CONTAINERS.append(%s)" % name)
        return name

    def trap(self, trap):
        """A dict whose copy stores a value that code then changes `_atomic_types` under:
        `{opener: value, plain keys..., trigger: FLAG, more: FLAG...}`. The opener's hooks run
        code (and make Flag atomic, so the trigger's Flag is copied without code); the plain entries after it let native's kept atomic answers become trusted
        (after four uses); the trigger's store runs a finalizer ("overwrite-finalizer": the
        opener stored a Fin under the trigger's key and dropped it from the memo) or a planted
        key's __eq__ ("colliding-keys"); the Flags after it must be copied as the changed
        `_atomic_types` says."""
        rng = self.rng
        self.trapped = True
        n = self.counter
        self.counter += 3
        name, opener, value = "t%d" % n, "t%da" % n, "t%db" % n
        trigger = rng.randrange(2)
        if trap == "overwrite-finalizer":
            # The value hook returns a Fin (kept by the memo under its id); the key hook
            # forgets that memo entry and returns the trigger's key: the copy alone holds the
            # Fin until the trigger's store replaces it.
            self.lines.append("%s = Hook(%d, '-', 'fin')" % (value, n))
            self.custom["h%d" % (n + 1)] = "copy._atomic_types.add(Flag); memo is not None and memo.pop(id(%s), None)" % value
            self.lines.append("%s = Hook(%d, 'h%d', 'key%d')" % (opener, n + 1, n + 1, trigger))
            # One of them flips Flag (both would flip it back), the other may do anything.
            slots = ["del%d" % n, "cb%d" % n]
            rng.shuffle(slots)
            self.actions[slots[0]] = rng.choice(TRAP_ACTIONS)
            self.new_action(slots[1])
        else:
            # The opener plants a Collider with the trigger's hash in the partial copy.
            self.lines.append("%s = %s" % (value, self.value(2)))
            self.custom["h%d" % (n + 1)] = (
                "copy._atomic_types.add(Flag); "
                "memo is not None and memo[id(%s)].__setitem__(Collider(%d, %d, 'eq%d'), 'planted')"
                % (name, n, 100 + trigger, n))
            # Its own copy is a plain key (109): a key with a Python hash would end the stretch.
            self.lines.append("%s = Hook(%d, 'h%d', 'key9')" % (opener, n + 1, n + 1))
            self.actions["eq%d" % n] = rng.choice(TRAP_ACTIONS)
        plain = ["%d: %d" % (k, rng.randrange(3)) for k in range(rng.randrange(3, 7))]
        after = ["%d: FLAG" % (102 + k) for k in range(rng.randrange(1, 4))]
        entries = ["%s: %s" % (opener, value)] + plain + ["%d: FLAG" % (100 + trigger)] + after
        self.lines.append("%s = {%s}" % (name, ", ".join(entries)))
        self.lines.append("CONTAINERS.append(%s)" % name)
        return name

    def build(self):
        rng = self.rng
        out = ["FLAG = Flag()", "OBJECTS = []", "CONTAINERS = []",
               "ORIGINAL_LIST_COPIER = copy._deepcopy_dispatch[list]"]
        root = self.value(0)
        body = self.lines
        # Classes and objects the actions aim at.
        picks = ["Flag", "Obj", "list", "dict", "tuple", "Metaed"]
        if self.trapped:
            # A trap adds and removes Flag: whether a probe for Flag then meets a Foreign of
            # Flag's hash depends on where classes were allocated (an unstable program).
            picks.remove("Flag")
        out += body
        out.append("PICK_CLASS = %s" % rng.choice(picks))
        out.append("PICK_OBJECT = OBJECTS[%d %% len(OBJECTS)] if OBJECTS else FLAG" % rng.randrange(4))
        if rng.random() < 0.3:
            out.append("copy._atomic_types.add(Flag)")
        if self.on("foreign-atomic") and rng.random() < 0.15:
            out.append("copy._atomic_types.add(Foreign(PICK_CLASS, 'foreign'))")
            self.new_action("foreign")
        if self.on("foreign-atomic") and rng.random() < 0.1:
            out.append("copy._atomic_types = AtomicSet(copy._atomic_types)")
            self.new_action("contains")
        if self.on("error") and "Uncopyable(" in "\n".join(body) and rng.random() < 0.6:
            out.append("copy.Error = %s" % rng.choice(ERROR_BINDINGS))
        if rng.random() < 0.15 and self.action_names:
            # An action before the copy: the tables and globals start out changed.
            out.append("exec(%r, globals(), {'memo': None})" % ACTIONS[rng.choice(self.action_names)])
        calls = ["plain", "plain", "dict-memo"]
        if self.on("memo-subclass"):
            calls += ["memo-subclass", "memo-subclass"]
        if self.on("method-binding"):
            calls.append("method")
        if self.on("exec-builtins"):
            calls.append("exec")
        call = rng.choice(calls)
        if call == "memo-subclass":
            self.new_action("memo")
        if rng.random() < 0.5:
            # Copies before the one watched: what native learns about a class (per-class
            # facts, the fork's table answers) is then already known when the hooks act.
            out.append("WARM = [copy.deepcopy(Stated(0)), copy.deepcopy(Stated(0)), copy.deepcopy(Obj(0))]")
        actions = {slot: ACTIONS[name] for slot, name in sorted(self.actions.items())}
        actions.update(self.custom)
        out.append("ACTIONS.update(%r)" % actions)
        out.append("X = %s" % root)
        out += {
            "plain": ["Y = copy.deepcopy(X)"],
            "dict-memo": ["M = {}", "Y = copy.deepcopy(X, M)", "log('memo size', len(M))"],
            "memo-subclass": ["M = Memo()", "Y = copy.deepcopy(X, M)", "log('memo size', len(M))"],
            "method": ["class Holder:", "    dc = copy.deepcopy",
                       "Y = Holder().dc({})", "log('bound copy', type(Y).__name__)", "Y = copy.deepcopy(X)"],
            "exec": ["def imp(*args, **kwargs):",
                     "    log('custom __import__', args[0])",
                     "    return __import__(*args, **kwargs)",
                     "B = {'__import__': imp, 'log': log}",
                     "NS = {'__builtins__': B, 'copy': copy, 'X': X}",
                     "exec('Y = copy.deepcopy(X)', NS)", "Y = NS['Y']"],
        }[call]
        if self.on("again") and rng.random() < 0.3:
            out += ["try:",
                    "    log('again', signature(copy.deepcopy(X)))",
                    "except Exception as e:",
                    "    log('again raised', type(e).__name__)"]
        if self.on("liveness") and rng.random() < 0.1:
            # A set is weakly referenceable, a dict is not: the copier stands for dict tables.
            out += ["def temporary_copier(x, memo):",
                    "    return 'temporary'",
                    "copy._deepcopy_dispatch[Flag] = temporary_copier",
                    "old_atomic = copy._atomic_types",
                    "copy._atomic_types = set(old_atomic)",
                    "log('temporary', copy.deepcopy([FLAG, 1]))",
                    "del copy._deepcopy_dispatch[Flag]",
                    "copy._atomic_types, replaced = old_atomic, copy._atomic_types",
                    "refs = [weakref.ref(temporary_copier), weakref.ref(replaced)]",
                    "del temporary_copier, replaced",
                    "log('alive', [r() is not None for r in refs])"]
        if self.on("function-attrs") and rng.random() < 0.05:
            attr = rng.choice(["__name__", "__qualname__", "__module__", "__doc__", "__defaults__"])
            out += ["try:",
                    "    del copy.deepcopy.%s" % attr,
                    "    log('deleted', %r)" % attr,
                    "except Exception as e:",
                    "    log('del raised', type(e).__name__)",
                    "try:",
                    # (Not repr(copy.deepcopy): native's is a builtin's by design.)
                    "    log('now', repr(copy.deepcopy.%s)[:20])" % attr,
                    "except Exception as e:",
                    "    log('get raised', type(e).__name__)"]
        return out


def source(seed, without):
    """Program `seed` as the statements run after PRELUDE."""
    return "\n".join(Program(random.Random(seed), without).build())


# ---------------------------------------------------------------------------
# Running a program in this process, and undoing what it changed.
# ---------------------------------------------------------------------------

class Saved:
    """What a program may change, as copy was imported, to put back afterwards."""

    def __init__(self):
        self.module = dict(vars(copy))
        self.atomic = set(copy._atomic_types)
        self.dispatch = dict(copy._deepcopy_dispatch)
        self.table = dict(copyreg.dispatch_table)
        self.copyreg = sys.modules["copyreg"]
        self.deepcopy_attrs = {name: getattr(copy.deepcopy, name, None)
                               for name in ("__name__", "__qualname__", "__module__", "__doc__")}
        self.defaults = getattr(copy.deepcopy, "__defaults__", None)

    def restore(self):
        sys.modules["copyreg"] = self.copyreg
        vars(copy).clear()
        vars(copy).update(self.module)
        copy._atomic_types.clear()
        copy._atomic_types.update(self.atomic)
        copy._deepcopy_dispatch.clear()
        copy._deepcopy_dispatch.update(self.dispatch)
        copyreg.dispatch_table.clear()
        copyreg.dispatch_table.update(self.table)
        for name, value in self.deepcopy_attrs.items():
            try:
                setattr(copy.deepcopy, name, value)
            except (AttributeError, TypeError):
                pass
        if self.defaults is not None:
            try:
                copy.deepcopy.__defaults__ = self.defaults
            except (AttributeError, TypeError):
                pass


ADDRESS = re.compile(r"0x[0-9a-fA-F]+|-?\b\d{8,}\b")


def signature(y, seen=None):
    """The copy, with objects numbered by identity (`#n` first, `@n` again)."""
    if seen is None:
        seen = {}
    if isinstance(y, (int, float, str, bytes, type(None), bool)):
        return repr(y)
    if isinstance(y, type) or callable(y) and not hasattr(y, "__dict__"):
        return getattr(y, "__qualname__", type(y).__name__)
    if id(y) in seen:
        return "@%d" % seen[id(y)]
    seen[id(y)] = number = len(seen)
    head = "#%d%s" % (number, type(y).__name__)
    if isinstance(y, (list, tuple)):
        return head + "[" + ",".join(signature(item, seen) for item in y) + "]"
    if isinstance(y, dict):
        return head + "{" + ",".join("%s:%s" % (signature(k, seen), signature(v, seen)) for k, v in y.items()) + "}"
    attrs = getattr(y, "__dict__", None)
    if isinstance(attrs, dict):
        return head + "(" + ",".join("%s=%s" % (k, signature(v, seen)) for k, v in attrs.items()) + ")"
    return head


def run(seed, without):
    code = PRELUDE + "\n" + source(seed, without)
    saved = Saved()
    limit = sys.getrecursionlimit()
    namespace = {"__name__": "hostile_%d" % seed, "signature": signature}
    try:
        exec(compile(code, "<hostile %d>" % seed, "exec"), namespace)
        result = signature(namespace["Y"])
    except Exception as err:
        result = "!%s: %s" % (type(err).__name__, err)
    finally:
        saved.restore()
        sys.setrecursionlimit(limit)
    log = namespace.get("LOG", [])
    events = list(log)
    # What is freed when the program's objects go: finalizers and callbacks that ran late
    # (logged, but running no more actions).
    del log[:]
    namespace.get("ACTIONS", {}).clear()
    for name in [name for name in namespace if name not in ("LOG", "log", "act", "ACTIONS")]:
        del namespace[name]
    gc.collect()
    late = list(log)
    namespace.clear()
    saved.restore()
    return "%d %s | late %s | %s" % (seed, "; ".join(events), "; ".join(late), result)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=100, help="number of programs")
    parser.add_argument("--seed", type=int, default=0, help="seed of the first program")
    parser.add_argument("--show", type=int, help="print program SEED as a standalone script")
    parser.add_argument("--without", default="", help="comma-separated features to leave out")
    parser.add_argument("--features", action="store_true", help="list the features")
    args = parser.parse_args(argv)
    without = {name for name in args.without.split(",") if name}
    unknown = without - set(FEATURES)
    if unknown:
        parser.error("unknown feature(s) %s; known: %s" % (", ".join(sorted(unknown)), ", ".join(FEATURES)))
    if args.features:
        print("\n".join(FEATURES))
        return
    if args.show is not None:
        print(PRELUDE + "\nsignature = repr\n" + source(args.show, without) + "\nprint(LOG)\nprint(Y)")
        return
    for seed in range(args.seed, args.seed + args.count):
        line = ADDRESS.sub("<addr>", run(seed, without))
        # ASCII only, whatever encoding the interpreter gives stdout.
        sys.stdout.write(line.encode("ascii", "backslashreplace").decode("ascii") + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
