"""Observable behaviour of copy.deepcopy that the `native` variant must share with the
baseline: what hooks see in the memo and when, calls of patched helpers and registered
reducers, the order of user-visible calls, errors, and odd call shapes. Prints one line
per check; tests/native_variant.rs compares the output with the baseline's."""

import copy
import copyreg
import dataclasses

log = []


def show(name, *values):
    print(name, *values)


def describe_memo(memo):
    """The memo's entries in order, by kind: ids are process-specific, types are not."""
    out = []
    for key, value in memo.items():
        if key == id(memo):
            out.append(("keep", [type(o).__name__ for o in value]))
        else:
            out.append(("id", type(value).__name__))
    return out


class Hook:
    def __deepcopy__(self, memo):
        log.append(describe_memo(memo))
        memo[id(self)] = "hooked"
        return Hook()


@dataclasses.dataclass
class Point:
    a: object
    b: object


class Logged:
    def __init__(self, payload):
        log.append("init")
        self.payload = payload

    def __reduce_ex__(self, protocol):
        log.append(("reduce_ex", protocol))
        return (Logged, (self.payload,), {"extra": [1]})

    def __setstate__(self, state):
        log.append(("setstate", sorted(state)))
        self.__dict__.update(state)


# 1. a hook's view of a memo built natively up to that point, and a caller's memo
data = [Point([1], {"k": (1, [2])}), {1, 2}, frozenset([3]), bytearray(b"x"), (1, [2]), Hook(), [Hook()] * 2]
for i in range(3):
    data = [data, Point(data, i)]
copy.deepcopy(data)
memo = {}
copy.deepcopy([[1], Hook(), [2], Point(1, 2)], memo)
show("hook views", log)
show("caller memo", describe_memo(memo))
log.clear()

# 2. order of user-visible calls through the reduce protocol
copy.deepcopy([Logged([1, 2]), Logged("x")])
show("reduce order", log)
log.clear()

# 3. patched module globals and registries are honoured
original_list = copy._deepcopy_dispatch[list]


def counting_list(x, memo, deepcopy=copy.deepcopy):
    log.append(("list copier", len(x)))
    return original_list(x, memo)


copy._deepcopy_dispatch[list] = counting_list
copy.deepcopy({"a": [1, [2]], "b": (3, [4])})
copy._deepcopy_dispatch[list] = original_list

copyreg.pickle(set, lambda s: (log.append("set reducer") or set, (sorted(s),)))
copy.deepcopy([{1, 2}, {3}])
del copyreg.dispatch_table[set]

original_reconstruct = copy._reconstruct


def counting_reconstruct(x, memo, *rv):
    log.append(("reconstruct", type(x).__name__, len(rv)))
    return original_reconstruct(x, memo, *rv)


copy._reconstruct = counting_reconstruct
copy.deepcopy([Point(1, 2), {5}])
copy._reconstruct = original_reconstruct

original_keep_alive = copy._keep_alive
copy._keep_alive = lambda x, memo: log.append(("keep_alive", type(x).__name__))
copy.deepcopy([[1], {}])
copy._keep_alive = original_keep_alive

copy._atomic_types.add(Point)
m = {}
p = Point([1], 2)
show("Point made atomic", (copy.deepcopy([p], m)[0] is p, len(m)))
copy._atomic_types.discard(Point)
show("patched", log)
log.clear()


# 3b. copy.py's tables changed by user code in the middle of a copy, and between copies:
# every object after the change sees it (native keeps per-class answers only while no
# code can have run, or, on the versions fork, while the table's mutation count holds)
class Flag:
    """Its own copy while registered in _atomic_types, "copied" otherwise."""

    def __deepcopy__(self, memo):
        return "copied"


flag = Flag()


class Unregister:
    def __deepcopy__(self, memo):
        copy._atomic_types.discard(Flag)
        return "unregistered"


class Register:
    def __deepcopy__(self, memo):
        copy._atomic_types.add(Flag)
        return "registered"


class UnregisteringKey:
    """Atomic itself (registered below); hashing it, as a dict copy does, changes the table."""

    def __hash__(self):
        copy._atomic_types.discard(Flag)
        return 1


class UnregisteringMemo(dict):
    """A caller's memo whose third lookup (the second of `shared` below) changes the table."""

    lookups = 0

    def get(self, key, default=None):
        UnregisteringMemo.lookups += 1
        if UnregisteringMemo.lookups == 3:
            copy._atomic_types.discard(Flag)
        return super().get(key, default)


def kinds(copied):
    values = copied.values() if isinstance(copied, dict) else copied
    return ["flag" if value is flag else value for value in values]


def registered(make):
    copy._atomic_types.add(Flag)
    try:
        return kinds(make())
    finally:
        copy._atomic_types.discard(Flag)


show("unregistered mid-list", registered(lambda: copy.deepcopy([flag, flag, Unregister(), flag, flag])))
show("unregistered mid-tuple", registered(lambda: copy.deepcopy((flag, Unregister(), flag))))
show("unregistered mid-dict", registered(lambda: copy.deepcopy({"a": flag, "b": Unregister(), "c": flag})))
show("registered mid-list", kinds(copy.deepcopy([flag, Register(), flag])))
copy._atomic_types.discard(Flag)
copy._atomic_types.add(UnregisteringKey)
hashing = {UnregisteringKey(): flag, "x": flag}
show("unregistered by a key's hash", registered(lambda: copy.deepcopy(hashing)))
copy._atomic_types.discard(UnregisteringKey)
shared = []
show("unregistered by a memo hit", registered(lambda: copy.deepcopy([shared, flag, shared, flag], UnregisteringMemo())))
show("unregistered between copies", [registered(lambda: copy.deepcopy([flag])), kinds(copy.deepcopy([flag]))])
copy._deepcopy_dispatch[Flag] = lambda x, memo: "dispatched"
show("dispatch added between copies", kinds(copy.deepcopy([flag])))
del copy._deepcopy_dispatch[Flag]
show("dispatch removed between copies", kinds(copy.deepcopy([flag])))
copyreg.pickle(Flag, lambda f: (log.append("flag reducer") or Flag, ()))
Flag.__deepcopy__ = None
show("reducer registered between copies", [type(v).__name__ for v in copy.deepcopy([flag])], log)
del copyreg.dispatch_table[Flag]
show("reducer removed between copies", [type(v).__name__ for v in copy.deepcopy([flag])], log)
log.clear()


# 3c. a hook sees the copy of the list being copied as far as copy.py has appended to it
class Peek:
    def __deepcopy__(self, memo):
        log.append(("partial copy", list(memo[id(peeked)])))
        return "peeked"


peeked = [1, "a", Peek(), 2, 2.5, Peek()]
copy.deepcopy(peeked)
show("partial list copies", log)
log.clear()


# 4. errors
class Unreducible:
    def __getattribute__(self, name):
        if name.startswith("__reduce"):
            raise AttributeError(name)
        return object.__getattribute__(self, name)


class SixItems:
    def __reduce_ex__(self, protocol):
        return (SixItems, (), None, None, None, None)


class Grows:
    def __init__(self, target):
        self.target = target

    def __deepcopy__(self, memo):
        self.target["new"] = 1
        return self


for make in (lambda: Unreducible(), lambda: SixItems(), lambda: (lambda d: d.update(k=Grows(d)) or d)({})):
    try:
        copy.deepcopy([make()])
        show("error", "none")
    except Exception as exc:  # noqa: BLE001 - the type and message are the point
        show("error", (type(exc).__name__, str(exc).replace(__name__ + ".", "")))

# 5. call shapes
show("shapes", [
    copy.deepcopy([1], None),
    copy.deepcopy([2], memo=None),
    copy.deepcopy([3], {}, []),
    copy.deepcopy(x=[4]),
])
try:
    copy.deepcopy()
except TypeError as exc:
    show("no args", type(exc).__name__)
