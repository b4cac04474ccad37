# Runs what copylab's `trace`, `profile` and `cam sweep` observe: the user's program or bench
# workloads, optionally under a tracer, with the time of the measured section. The one place
# the VM side loads workload files (bench's driver.py has its own loader: it runs as a script
# in a separate process under any CPython, where copylab's helpers do not exist).
import io
import os
import sys
import time


class _Discard(io.TextIOBase):
    def write(self, text):
        return len(text)


def _flush_stdio():
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except Exception:
            pass


def _run_traced(run, tracer, quiet):
    """Calls run() with `tracer` installed (None: untraced); returns (elapsed_ns, exception)."""
    saved = sys.stdout, sys.stderr
    if quiet:
        sys.stdout = sys.stderr = _Discard()
    error = None
    clock = time.perf_counter_ns
    start = clock()
    if tracer is not None:
        sys.settrace(tracer)
    try:
        run()
    except BaseException as exc:  # the caller turns it into an exit status
        error = exc
    finally:
        if tracer is not None:
            sys.settrace(None)
        elapsed = clock() - start
        if quiet:
            sys.stdout, sys.stderr = saved
        _flush_stdio()
    return elapsed, error


def run_code(code, globals, tracer, quiet):
    """Runs a compiled program as __main__; returns (elapsed_ns, exception or None)."""
    return _run_traced(lambda: exec(code, globals), tracer, quiet)


def load_workloads(specs):
    """[(file, name)] -> [bench function]; each file is imported once, as the driver does."""
    import importlib.util

    modules = {}
    functions = []
    for path, name in specs:
        module = modules.get(path)
        if module is None:
            module_name = "copylab_workload_" + os.path.splitext(os.path.basename(path))[0]
            spec = importlib.util.spec_from_file_location(module_name, path)
            module = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = module
            spec.loader.exec_module(module)
            modules[path] = module
        try:
            functions.append(getattr(module, "bench_" + name))
        except AttributeError:
            raise LookupError(f"{path} has no function bench_{name}") from None
    return functions


def run_workloads(functions, loops, tracer, quiet):
    """Each function once untraced (warm-up), then `loops` times in the measured section."""
    for function in functions:
        function()
    calls = [function for function in functions for _ in range(loops)]

    def run():
        for function in calls:
            function()

    return _run_traced(run, tracer, quiet)


def calibrate_loops(functions, min_ns, max_loops):
    """Loops that make one unprofiled pass over `functions` last at least min_ns."""
    for function in functions:
        function()
    clock = time.perf_counter_ns
    loops = 1
    while True:
        start = clock()
        for function in functions:
            for _ in range(loops):
                function()
        if clock() - start >= min_ns or loops >= max_loops:
            return loops
        loops = min(loops * 2, max_loops)


def call_repeatedly(function, repeat):
    for _ in range(repeat):
        function()
