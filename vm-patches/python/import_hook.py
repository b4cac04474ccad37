# Serves copylab's selected copy.py as the module `copy`, ahead of the frozen stdlib.
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


class CopyVariantFinder:
    def __init__(self, loader, origin):
        self._loader = loader
        self._origin = origin

    def find_spec(self, fullname, path=None, target=None):
        if fullname != "copy":
            return None
        spec = ModuleSpec("copy", self._loader, origin=self._origin)
        # has_location makes importlib set copy.__file__ to the origin.
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


class PyperfMetadataFinder:
    """Adds copylab's selection to the metadata of every pyperf run in this interpreter.

    pyperf collects a run's metadata in its worker process (`pyperf._collect_metadata`); this
    finder lets that module load as usual, then wraps `collect_python_metadata`, so the JSON of
    a user's own pyperf script says which copy.py and memo produced it, without the script
    doing anything.
    """

    TARGET = "pyperf._collect_metadata"

    def __init__(self, metadata):
        self._metadata = metadata

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.TARGET:
            return None
        from importlib.machinery import PathFinder
        spec = PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        exec_module = spec.loader.exec_module
        metadata = self._metadata

        def exec_and_patch(module):
            exec_module(module)
            collect = module.collect_python_metadata

            def collect_python_metadata(into):
                collect(into)
                into.update(metadata)

            module.collect_python_metadata = collect_python_metadata

        spec.loader.exec_module = exec_and_patch
        return spec

    def invalidate_caches(self):
        pass


def complete_dummy_rlock():
    # RustPython built without its `threading` feature (copylab's lean build) serves `_thread`
    # from _dummy_thread, whose RLock lacks `_recursion_count`; CPython 3.14's
    # multiprocessing.resource_tracker calls it before it spawns a child. With one thread the
    # recursion count is the lock's own counter.
    import _thread
    if not hasattr(_thread.RLock, "_recursion_count"):
        _thread.RLock._recursion_count = lambda self: self.locked_count


def install(code, source, origin, label, memo_backend, defines):
    complete_dummy_rlock()
    _copylab.variant = label
    _copylab.copy_origin = origin
    _copylab.memo_backend = memo_backend
    loader = CopyVariantLoader(code, source, memo_backend)
    sys.meta_path.insert(0, CopyVariantFinder(loader, origin))
    metadata = {"copylab_variant": label, "copylab_copy_py": origin, "copylab_memo": memo_backend}
    if defines:
        metadata["copylab_defines"] = defines
    sys.meta_path.insert(0, PyperfMetadataFinder(metadata))
    # Start-up must not have bound the frozen copy.py already; drop it if it did.
    sys.modules.pop("copy", None)
