//! Rendering Python exceptions the way CPython does.

use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::{AsObject, VirtualMachine};

/// Prints `exc` with Python's own `traceback` module, which (unlike the VM's built-in printer)
/// reads source lines through linecache and so shows the lines of a variant's copy.py, which
/// exists only in memory. Falls back to the VM's printer if that fails.
pub(crate) fn print(vm: &VirtualMachine, exc: &PyBaseExceptionRef) {
    let printed = vm
        .import("traceback", 0)
        .and_then(|traceback| traceback.get_attr("print_exception", vm))
        .and_then(|print_exception| print_exception.call((exc.clone(),), vm));
    if printed.is_err() {
        vm.print_exception(exc);
    }
}

/// `Type: message`, for exceptions raised by Python code copylab runs for the user, where a
/// traceback into copylab's own helper code would only distract.
pub(crate) fn one_line(vm: &VirtualMachine, exc: &PyBaseExceptionRef) -> String {
    let type_name = exc.class().name().to_string();
    match exc.as_object().str(vm) {
        Ok(text) if !text.to_string_lossy().is_empty() => format!("{type_name}: {}", text.to_string_lossy()),
        _ => type_name,
    }
}

/// The full text the VM renders for `exc`, e.g. a SyntaxError with its caret line.
pub(crate) fn render(vm: &VirtualMachine, exc: &PyBaseExceptionRef) -> String {
    let mut out = String::new();
    if vm.write_exception(&mut out, exc).is_err() {
        return one_line(vm, exc);
    }
    out
}
