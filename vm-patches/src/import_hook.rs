//! Installs the selected copy.py as the module `copy`, the patched stdlib modules
//! (crate::pylib_patches), the stdlib patches of the build and the refusals of what it leaves out
//! (see python/import_hook.py), and the lean build's `_thread`.

use copylab_stdlib_copy::CopySource;

use crate::host::MemoBackend;
use rustpython_vm::compiler::Mode;
use rustpython_vm::{PyResult, VirtualMachine};

use crate::error::HostError;
use crate::pylib_patches::patched_modules as pylib_patched;
use crate::python_helper::PythonHelper;
use crate::{exception, lean_thread};

const HOOK_SOURCE: &str = include_str!("../python/import_hook.py");
const HOOK_FILENAME: &str = "<copylab:import_hook>";

pub(crate) fn install(vm: &VirtualMachine, copy: &CopySource, memo: &MemoBackend) -> Result<(), HostError> {
    // Compile first: a broken --copy-py is the user's error and gets a message of its own.
    let code = vm.compile(&copy.source, Mode::Exec, copy.origin.clone()).map_err(|err| {
        let exc = err.into_pyexception(vm, Some(&copy.source));
        HostError::CopySyntax { origin: copy.origin.clone(), rendered: exception::render(vm, &exc) }
    })?;
    run_hook(vm, code.into(), copy, memo).map_err(|exc| HostError::Python {
        message: format!("copylab's import hook failed: {}", exception::render(vm, &exc)),
    })
}

fn run_hook(
    vm: &VirtualMachine,
    code: rustpython_vm::PyObjectRef,
    copy: &CopySource,
    memo: &MemoBackend,
) -> PyResult<()> {
    // Before anything imports `threading`, which binds `_thread`'s functions at its import.
    lean_thread::install(vm)?;
    let hook = PythonHelper::load_source(vm, HOOK_SOURCE, HOOK_FILENAME)?;
    let args = vec![
        code,
        vm.ctx.new_str(copy.source.as_str()).into(),
        vm.ctx.new_str(copy.origin.as_str()).into(),
        vm.ctx.new_str(copy.label.as_str()).into(),
        vm.ctx.new_str(memo.name()).into(),
        vm.ctx.new_str(copy.defines.iter().map(ToString::to_string).collect::<Vec<_>>().join(",")).into(),
        vm.ctx.new_bool(lean_thread::LEAN).into(),
        patched_modules(vm)?.into(),
    ];
    hook.call(vm, "install", args)?;
    Ok(())
}

/// `{name: patched source}` of vm-patches/pylib-patches/, for the hook to serve.
fn patched_modules(vm: &VirtualMachine) -> PyResult<rustpython_vm::builtins::PyDictRef> {
    let modules = vm.ctx.new_dict();
    for module in pylib_patched() {
        modules.set_item(module.name, vm.ctx.new_str(module.source).into(), vm)?;
    }
    Ok(modules)
}
