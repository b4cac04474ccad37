//! The stdlib modules copylab serves patched: `pylib-patches/NAME.patch` applied by build.rs to
//! rustpython-pylib's `Lib/NAME.py`, served by python/import_hook.py in place of the frozen
//! module. Only what is broken in the shipped module and fixed upstream (or fixable the same
//! way) is patched; docs/run.md says why each one is.

/// One patched stdlib module.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PatchedModule {
    /// The module's import name (`_pydecimal`).
    pub(crate) name: &'static str,
    /// The module's source with the patch applied.
    pub(crate) source: &'static str,
}

include!(concat!(env!("OUT_DIR"), "/pylib_patched.rs"));

/// Every patched module, sorted by name.
pub(crate) fn patched_modules() -> &'static [PatchedModule] {
    PATCHED_MODULES
}
