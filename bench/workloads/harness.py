"""The trio's own Python code without its copies.

Each bench_harness_* is the trio workload of that name (trio.py's very function) with
`copy.deepcopy` replaced by `id`, a builtin that returns at once. What an arm takes here is
what its interpreter charges for the loops, calls and attribute stores around the copies: no
deepcopy, however fast, makes a trio workload cheaper than this on that interpreter.

bench_reduce_methods runs the class's own code that a deepcopy of deepcopy_reduce's object
runs, which no deepcopy can skip either.

Not a built-in suite. Run it beside the trio:
    copylab bench --workloads trio,harness --workload-file bench/workloads/harness.py ...
(docs/native-floor.md reads the two together).
"""

import importlib.util
import os
import types


def _private_trio():
    """trio.py loaded under a name of its own, so the trio suite, if this worker runs it
    too, keeps the real copy module."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trio.py")
    spec = importlib.util.spec_from_file_location("_trio_without_copies", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_trio = _private_trio()
# trio's functions read `copy.deepcopy` through their module's global `copy` at call time.
_trio.copy = types.SimpleNamespace(deepcopy=id)

bench_harness_deepcopy = _trio.bench_deepcopy
bench_harness_deepcopy_reduce = _trio.bench_deepcopy_reduce
bench_harness_deepcopy_memo = _trio.bench_deepcopy_memo

_REDUCED = _trio._REDUCED


def bench_reduce_methods():
    """What `copy.deepcopy(trio._REDUCED)` runs of the class C's own Python code, called once
    each: `__reduce__` (through `__reduce_ex__(4)`), `C()` (its `__init__`) and the copy's
    `__setstate__` (given the state itself: copying that dict is the deepcopy's work)."""
    constructor, args, state = _REDUCED.__reduce_ex__(4)
    copy = constructor(*args)
    copy.__setstate__(state)
