# Serves copylab's selected copy.py as the module `copy`, and the stdlib modules copylab patches
# (vm-patches/pylib-patches/), ahead of the frozen stdlib.
#
# Run once by the host before any user code. A meta-path finder, rather than a frozen module,
# because the spec can then carry an origin (`copy.__file__` names the variant) and the
# loader can hand its source to linecache, so tracebacks through a variant show its lines.
import sys
import _copylab
from _frozen_importlib import ModuleSpec


class CopyVariantLoader:
    def __init__(self, code, source, memo_backend):
        self._code = code
        self._source = source
        self._memo_backend = memo_backend

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(self._code, module.__dict__)
        if self._memo_backend == "cam":
            route_deepcopy_through_cam(module)

    def get_source(self, fullname):
        return self._source

    def is_package(self, fullname):
        return False


class PatchedModuleLoader:
    """A stdlib module as rustpython-pylib ships it plus copylab's patch
    (vm-patches/pylib-patches/), compiled at its first import only."""

    def __init__(self, source, origin):
        self._source = source
        self._origin = origin

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(compile(self._source, self._origin, "exec"), module.__dict__)

    def get_source(self, fullname):
        return self._source

    def is_package(self, fullname):
        return False


class EmbeddedSourceFinder:
    """Serves the modules copylab embeds as source, ahead of the frozen stdlib: the selected
    copy.py as `copy`, and the patched stdlib modules. `modules` maps a name to its
    (loader, origin)."""

    def __init__(self, modules):
        self._modules = modules

    def find_spec(self, fullname, path=None, target=None):
        entry = self._modules.get(fullname)
        if entry is None:
            return None
        loader, origin = entry
        spec = ModuleSpec(fullname, loader, origin=origin)
        # has_location makes importlib set the module's __file__ to the origin.
        spec.has_location = True
        return spec

    def invalidate_caches(self):
        pass


def route_deepcopy_through_cam(module):
    # copy.py stays unmodified: an outermost deepcopy(x) (no memo) gets a fresh CamMemo,
    # calls that bring a memo pass straight through. Most of copy.py's recursion never
    # reaches this wrapper: the list, tuple and dict copiers bound the original `deepcopy` as
    # a default argument when copy.py was executed; only calls that look `deepcopy` up at
    # call time (`_reconstruct`'s state and items, user code) pay one extra Python call.
    original = module.deepcopy
    cam_deepcopy = _copylab.cam_deepcopy

    def deepcopy(x, memo=None, _nil=[]):
        if memo is None:
            return cam_deepcopy(original, x)
        return original(x, memo)

    deepcopy.__doc__ = original.__doc__
    deepcopy.__module__ = original.__module__
    deepcopy.__wrapped__ = original
    module.deepcopy = deepcopy


class PatchAfterImport:
    """Lets a module load as usual, from whichever finder has it (frozen stdlib or sys.path),
    then hands it to a patch: `patches` maps a module name to a function of the module."""

    def __init__(self, patches):
        self._patches = patches

    def find_spec(self, fullname, path=None, target=None):
        patch = self._patches.get(fullname)
        if patch is None:
            return None
        spec = None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        if spec is None or spec.loader is None:
            return spec
        # A loader of its own: frozen modules share one loader (FrozenImporter).
        spec.loader = PatchingLoader(spec.loader, patch)
        return spec

    def invalidate_caches(self):
        pass


class PatchingLoader:
    """`loader`, with `patch` applied to the module it executes."""

    def __init__(self, loader, patch):
        self._loader = loader
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        self._patch(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


def pyperf_metadata_patch(metadata):
    """Adds copylab's selection to the metadata of every pyperf run in this interpreter.

    pyperf collects a run's metadata in its worker process (`pyperf._collect_metadata`); this
    wraps `collect_python_metadata`, so the JSON of a user's own pyperf script says which
    copy.py and memo produced it, without the script doing anything.
    """

    def patch(module):
        collect = module.collect_python_metadata

        def collect_python_metadata(into):
            collect(into)
            into.update(metadata)

        module.collect_python_metadata = collect_python_metadata

    return patch


class LeftOut:
    """The modules copylab's RustPython build leaves out, each failing at its import with the
    reason and what to use instead, as ModuleNotFoundError (so `try: import ssl except
    ImportError:` still works)."""

    REASONS = {
        "_ssl": (
            "ssl is left out of copylab's RustPython build: RustPython's ssl module pulls in "
            "aws-lc (a C and assembly crypto library), minutes more on every build of a tool "
            "that studies copy.deepcopy; TLS programs need CPython"
        ),
        "cProfile": (
            "RustPython 0.6 ships neither cProfile nor its C profiler _lsprof; profile with the "
            "pure-Python profiler instead, which prints the same pstats tables: "
            "`copylab run -m profile -s cumtime SCRIPT`, or `profile.Profile` in code "
            "(`copylab profile SCRIPT` gives a line profile of copy.py)"
        ),
    }

    def find_spec(self, fullname, path=None, target=None):
        reason = self.REASONS.get(fullname)
        if reason is None:
            return None
        raise ModuleNotFoundError(f"No module named {fullname!r}: {reason}", name=fullname)

    def invalidate_caches(self):
        pass


def run_work_items_in_submit(module):
    """ThreadPoolExecutor in the lean build, which has one thread: `submit` queues the work item
    as CPython's does, then runs the queue in the submitting thread, as a worker would (the
    initializer once, before the first item; a failing initializer breaks the pool). Results,
    exceptions, callbacks, `map`, `as_completed` and `shutdown` are CPython's; only the order
    differs, every item finishing before `submit` returns. An item that waits for another
    item fails there, with the message of a wait no thread can end."""
    import queue

    executor_class = module.ThreadPoolExecutor
    queue_item = executor_class.submit

    def submit(self, fn, /, *args, **kwargs):
        future = queue_item(self, fn, *args, **kwargs)
        run_queued_items(self)
        return future

    def run_queued_items(executor):
        context = executor.__dict__.get("_copylab_worker_context")
        if context is None:
            context = executor._create_worker_context()
            try:
                context.initialize()
            except BaseException:
                module._base.LOGGER.critical("Exception in initializer:", exc_info=True)
                executor._initializer_failed()
                return
            executor._copylab_worker_context = context
        while True:
            try:
                item = executor._work_queue.get_nowait()
            except queue.Empty:
                return
            if item is not None:
                item.run(context)

    submit.__doc__ = queue_item.__doc__
    executor_class.submit = submit
    # No worker threads: submit() runs the queue itself.
    executor_class._adjust_thread_count = lambda self: None


def shut_down_executor_in_loop(module):
    """asyncio's `shutdown_default_executor` (which `asyncio.run` awaits) joins the executor from
    a thread of its own; the lean ThreadPoolExecutor has run every item in `submit`, so its
    shutdown returns at once and needs no thread."""

    async def shutdown_default_executor(self, timeout=None):
        self._executor_shutdown_called = True
        if self._default_executor is not None:
            self._default_executor.shutdown(wait=True)

    module.BaseEventLoop.shutdown_default_executor = shutdown_default_executor


def refuse(class_name, why):
    """A patch that makes the class fail at construction, before it starts any process."""

    def patch(module):
        import _thread

        cls = getattr(module, class_name)

        def __new__(klass, *args, **kwargs):
            raise _thread._needs_real_threads(f"{klass.__module__}.{klass.__qualname__} ({why})")

        cls.__new__ = staticmethod(__new__)

    return patch


# What the lean build (one thread) changes in the stdlib.
LEAN_PATCHES = {
    "concurrent.futures.thread": run_work_items_in_submit,
    "asyncio.base_events": shut_down_executor_in_loop,
    "multiprocessing.pool": refuse("Pool", "it feeds and collects its work in background threads"),
    "concurrent.futures.process": refuse(
        "ProcessPoolExecutor", "it manages its worker processes from a background thread"
    ),
}


def install(code, source, origin, label, memo_backend, defines, lean, patched_modules):
    """`patched_modules` maps a stdlib module's name to its patched source."""
    _copylab.variant = label
    _copylab.copy_origin = origin
    _copylab.memo_backend = memo_backend
    served = {"copy": (CopyVariantLoader(code, source, memo_backend), origin)}
    for name, patched_source in patched_modules.items():
        patched_origin = f"<copylab:patched>/{name}.py"
        served[name] = (PatchedModuleLoader(patched_source, patched_origin), patched_origin)
    sys.meta_path.insert(0, EmbeddedSourceFinder(served))
    metadata = {"copylab_variant": label, "copylab_copy_py": origin, "copylab_memo": memo_backend}
    if defines:
        metadata["copylab_defines"] = defines
    patches = {"pyperf._collect_metadata": pyperf_metadata_patch(metadata)}
    if lean:
        patches.update(LEAN_PATCHES)
    sys.meta_path.insert(0, PatchAfterImport(patches))
    sys.meta_path.insert(0, LeftOut())
    # Start-up must not have bound the frozen copy.py (or another served module) already;
    # drop it if it did.
    for name in served:
        sys.modules.pop(name, None)
