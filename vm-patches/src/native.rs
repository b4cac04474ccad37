//! `_copylab`: the native module copylab adds to the interpreter. The import hook sets its
//! `variant` and `copy_origin` attributes, so Python code can ask which copy.py it runs.

pub(crate) use _copylab::module_def;

#[rustpython_vm::pymodule]
mod _copylab {
    /// copylab's version, so scripts can record which build produced their numbers.
    #[pyattr]
    const VERSION: &str = env!("CARGO_PKG_VERSION");
}
