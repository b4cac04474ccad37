# Serves copylab's selected copy.py as the module `copy`, ahead of the frozen stdlib.
#
# Run once by the host before any user code. A meta-path finder, rather than a frozen module,
# because the spec can then carry an origin (`copy.__file__` names the variant) and the
# loader can hand its source to linecache, so tracebacks through a variant show its lines.
import sys
import _copylab
from _frozen_importlib import ModuleSpec


class CopyVariantLoader:
    def __init__(self, code, source):
        self._code = code
        self._source = source

    def create_module(self, spec):
        return None

    def exec_module(self, module):
        exec(self._code, module.__dict__)

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


def install(code, source, origin, label):
    _copylab.variant = label
    _copylab.copy_origin = origin
    sys.meta_path.insert(0, CopyVariantFinder(CopyVariantLoader(code, source), origin))
    # Start-up must not have bound the frozen copy.py already; drop it if it did.
    sys.modules.pop("copy", None)
