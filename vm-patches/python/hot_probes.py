# Live measurements behind `copylab tour --why-hot`: each probe repeats one operation that a
# hot copy.py line performs (a native method call, a call that leaves a default, a return) in
# a loop, and reports its time and allocations per operation, with the loop's own cost taken
# out. Allocations come from copylab's counting allocator (_copylab.alloc_counters), so they
# are exact; times are the best of a few rounds.
import time

import _copylab


class _Thing:
    pass


def _call_with_default(x, memo, deepcopy=None):
    return x


def _call_exact(x, memo):
    return x


def _empty():
    return None


def _new_list():
    y = []
    return y


def _probes():
    table = {list: 1, tuple: 2, dict: 3, type(_call_exact): 4}
    cls = _Thing
    memo = {}
    x = _Thing()

    def dispatch_get(n):
        get_from = table
        for _ in range(n):
            get_from.get(cls)

    def dict_contains(n):
        look_in = table
        for _ in range(n):
            cls in look_in

    def call_with_default(n):
        f = _call_with_default
        for _ in range(n):
            f(x, memo)

    def call_exact(n):
        f = _call_exact
        for _ in range(n):
            f(x, memo)

    def call_return(n):
        f = _empty
        for _ in range(n):
            f()

    def return_new_list(n):
        f = _new_list
        for _ in range(n):
            f()

    def keyerror(n):
        empty = {}
        for _ in range(n):
            try:
                empty[0]
            except KeyError:
                pass

    def loop(n):
        for _ in range(n):
            pass

    return loop, [
        ("dispatch_get", "table.get(cls), a native method call as copy.py makes it", dispatch_get),
        ("dict_contains", "cls in table, the same dict lookup without a call", dict_contains),
        ("call_with_default", "f(x, memo) of a Python function that leaves its third parameter to a default",
         call_with_default),
        ("call_exact", "f(x, memo) of a Python function with exactly two parameters", call_exact),
        ("call_return", "f() of an empty function: frame set-up, return and teardown", call_return),
        ("return_new_list", "f() of a function that returns a new [] the caller drops: the same, plus "
         "allocating and releasing the list", return_new_list),
        ("keyerror", "a dict lookup that raises KeyError and is caught", keyerror),
    ]


def _measure(body, n, rounds):
    best = None
    allocations = None
    for _ in range(rounds):
        before = _copylab.alloc_counters()[0]
        start = time.perf_counter_ns()
        body(n)
        elapsed = time.perf_counter_ns() - start
        made = _copylab.alloc_counters()[0] - before
        best = elapsed if best is None else min(best, elapsed)
        allocations = made if allocations is None else min(allocations, made)
    return best, allocations


def run_probes(n, rounds):
    """[(name, description, ns per operation, allocations per operation)], loop cost removed."""
    loop, probes = _probes()
    for _, _, body in probes:
        body(100)  # warm up: the first calls of a code object take slower paths
    loop_ns, loop_allocs = _measure(loop, n, rounds)
    results = []
    for name, description, body in probes:
        ns, allocs = _measure(body, n, rounds)
        results.append((name, description, max(ns - loop_ns, 0) / n, max(allocs - loop_allocs, 0) / n))
    return results
