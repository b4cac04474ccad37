//! The lean build's `_thread` (python/lean_thread.py): RustPython without its `threading`
//! feature freezes a stand-in whose locks never block and always succeed, so correct programs
//! failed with misleading errors ("cannot notify on un-acquired lock") or hung. The host runs
//! copylab's replacement in that module's namespace before any user code, so importlib and
//! `threading` use it. A build with real threads (`fork:threading`) keeps RustPython's own.

use rustpython_vm::compiler::Mode;
use rustpython_vm::scope::Scope;
use rustpython_vm::{PyResult, VirtualMachine};

/// Whether this binary's interpreter has one thread only (the stock, lean build).
pub(crate) const LEAN: bool = cfg!(not(feature = "threading"));

const SOURCE: &str = include_str!("../python/lean_thread.py");
const FILENAME: &str = "<copylab:lean_thread>";

/// Replaces the names of the frozen `_thread` with python/lean_thread.py's; a no-op with real
/// threads.
pub(crate) fn install(vm: &VirtualMachine) -> PyResult<()> {
    if !LEAN {
        return Ok(());
    }
    let module = vm.import("_thread", 0)?;
    let globals = module.dict().ok_or_else(|| vm.new_type_error("_thread has no __dict__"))?;
    let code = vm.compile(SOURCE, Mode::Exec, FILENAME).map_err(|err| err.into_pyexception(vm, Some(SOURCE)))?;
    vm.run_code_obj(code, Scope::with_builtins(None, globals, vm)).map(drop)
}
