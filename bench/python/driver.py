"""copylab benchmark driver: the only place where copylab measures time.

One process runs one workload for one arm and prints one JSON line on stdout.
The same file runs unchanged under CPython 3.11+ and under RustPython (where
the copylab host runs it as __main__ with the variant already installed as
`copy`), so everything here sticks to the plain standard library.

Usage:
    driver.py --workload-file F --workload NAME
              (--loops N | --calibrate MIN_SECONDS)
              --values V --warmups W
              [--copy-py PATH] [--define NAME=VALUE ...] [--peer MODULE]

Output (one line):
    {"loops": N, "warmups": [[loops, value], ...], "values": [...],
     "peak_rss_kib": int or null, "allocs_per_call": float or null,
     "bytes_per_call": float or null, "python": "<implementation> <version>"}

Every value is seconds per call of the workload (elapsed / loops).
Errors go to stderr as "copylab driver: error: ..." with exit code 1.
"""

import argparse
import ast
import importlib.util
import json
import sys
import time
import traceback

# Same bound as pyperf: a workload too cheap to reach the minimum time with
# 2**32 loops is a broken workload, not a reason to loop forever.
MAX_LOOPS = 2 ** 32


class DriverError(Exception):
    """A problem the user must fix; reported without a driver traceback."""


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="driver.py", description="copylab benchmark driver")
    parser.add_argument("--workload-file", required=True)
    parser.add_argument("--workload", required=True)
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--loops", type=int)
    mode.add_argument("--calibrate", type=float, metavar="MIN_SECONDS")
    parser.add_argument("--values", type=int, required=True)
    parser.add_argument("--warmups", type=int, required=True)
    parser.add_argument("--copy-py")
    parser.add_argument("--define", action="append", default=[], metavar="NAME=VALUE")
    parser.add_argument("--peer", metavar="MODULE",
                        help="rebind copy.deepcopy to MODULE.deepcopy (e.g. copium)")
    args = parser.parse_args(argv)
    if args.loops is not None and args.loops < 1:
        parser.error("--loops must be >= 1")
    if args.calibrate is not None and not args.calibrate > 0:
        parser.error("--calibrate must be > 0")
    if args.values < 0 or args.warmups < 0:
        parser.error("--values and --warmups must be >= 0")
    return args


def load_module(name, path, what):
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise DriverError("cannot load %s %s" % (what, path))
    module = importlib.util.module_from_spec(spec)
    # Registered before executing so that imports made by the module itself
    # (dataclasses imports copy, for instance) already see it.
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except FileNotFoundError:
        raise DriverError("%s not found: %s" % (what, path))
    except SyntaxError as exc:
        raise DriverError("%s %s has a syntax error at line %s: %s"
                          % (what, path, exc.lineno, exc.msg))
    except Exception:
        raise DriverError("%s %s raised while being imported:\n%s"
                          % (what, path, traceback.format_exc().rstrip()))
    return module


def apply_defines(defines):
    """Override module constants of `copy`, e.g. _FASTPATH_MAX=20.

    Functions in copy.py read their module globals at call time, so setting
    the attribute after import is the same as editing the constant.
    """
    copy_module = sys.modules.get("copy")
    if copy_module is None:
        import copy as copy_module
    for item in defines:
        name, sep, text = item.partition("=")
        name = name.strip()
        if not sep or not name.isidentifier():
            raise DriverError("invalid --define %r: expected NAME=VALUE" % item)
        if not hasattr(copy_module, name):
            raise DriverError("--define %s: the copy module has no constant %s"
                              % (item, name))
        try:
            value = ast.literal_eval(text.strip())
        except (ValueError, SyntaxError):
            raise DriverError("--define %s: %r is not a Python literal" % (item, text))
        setattr(copy_module, name, value)


def install_peer(name):
    """copy.deepcopy = <name>.deepcopy, before the workload module is imported, so the
    workloads (which call copy.deepcopy) measure the peer on the same inputs."""
    import copy
    try:
        peer = importlib.import_module(name)
    except ImportError as exc:
        raise DriverError("cannot import the peer module %r (%s); install it: %s -m pip install %s"
                          % (name, exc, sys.executable, name))
    deepcopy = getattr(peer, "deepcopy", None)
    if not callable(deepcopy):
        raise DriverError("the peer module %r has no callable deepcopy" % name)
    copy.deepcopy = deepcopy


def find_workload(module, name, path):
    func = getattr(module, "bench_" + name, None)
    if func is None or not callable(func):
        names = sorted(attr[len("bench_"):] for attr in dir(module)
                       if attr.startswith("bench_") and callable(getattr(module, attr)))
        raise DriverError("unknown workload %r in %s; available: %s"
                          % (name, path, ", ".join(names) or "(none)"))
    return func


def measure(func, loops):
    """Seconds per call over `loops` calls."""
    timer = time.perf_counter
    iterations = range(loops)
    start = timer()
    for _ in iterations:
        func()
    return (timer() - start) / loops


def calibrate(func, min_time, warmups):
    """Double loops from 1 until one value lasts at least min_time (as pyperf)."""
    loops = 1
    while True:
        value = measure(func, loops)
        warmups.append([loops, value])
        if value * loops >= min_time:
            return loops
        if loops * 2 > MAX_LOOPS:
            raise DriverError("cannot calibrate: %d loops still take less than %s s"
                              % (loops, min_time))
        loops *= 2


def alloc_counters():
    # Only the copylab RustPython host provides _copylab.
    try:
        import _copylab
    except ImportError:
        return None
    counters = getattr(_copylab, "alloc_counters", None)
    return counters if callable(counters) else None


def count_allocations(func):
    """Allocations and bytes of ONE extra call, outside the timed values."""
    counters = alloc_counters()
    if counters is None:
        return None, None
    before = counters()
    func()
    after = counters()
    return float(after[0] - before[0]), float(after[1] - before[1])


def peak_rss_kib():
    try:
        import resource
        usage = resource.getrusage(resource.RUSAGE_SELF)
        rss = int(usage.ru_maxrss)
    except Exception:
        return None
    if sys.platform == "darwin":
        # macOS reports bytes, Linux KiB.
        rss //= 1024
    return rss if rss > 0 else None


def python_description():
    version = ".".join(str(part) for part in sys.version_info[:3])
    return "%s %s" % (sys.implementation.name, version)


def run(args):
    if args.copy_py:
        load_module("copy", args.copy_py, "copy.py variant")
    if args.define:
        apply_defines(args.define)
    if args.peer:
        install_peer(args.peer)
    module = load_module("copylab_workload", args.workload_file, "workload file")
    func = find_workload(module, args.workload, args.workload_file)

    try:
        warmups = []
        if args.calibrate is not None:
            loops = calibrate(func, args.calibrate, warmups)
        else:
            loops = args.loops
        for _ in range(args.warmups):
            warmups.append([loops, measure(func, loops)])
        values = [measure(func, loops) for _ in range(args.values)]
        allocs, nbytes = count_allocations(func)
    except DriverError:
        raise
    except Exception:
        raise DriverError("workload %r raised:\n%s"
                          % (args.workload, traceback.format_exc().rstrip()))

    return {
        "loops": loops,
        "warmups": warmups,
        "values": values,
        "peak_rss_kib": peak_rss_kib(),
        "allocs_per_call": allocs,
        "bytes_per_call": nbytes,
        "python": python_description(),
    }


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    try:
        result = run(args)
    except DriverError as exc:
        sys.stderr.write("copylab driver: error: %s\n" % exc)
        sys.stderr.flush()
        return 1
    # The result is the last line on stdout; a workload that prints does not
    # break the protocol.
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
