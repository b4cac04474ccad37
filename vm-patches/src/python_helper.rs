//! What the host, `trace`, `profile` and the inspection helpers share: loading copylab's
//! Python helper files, turning a [`Program`] into code and a `__main__` namespace, and
//! turning a program's exception into an exit status.

use rustpython_vm::builtins::{PyBaseExceptionRef, PyCode, PyDictRef};
use rustpython_vm::compiler::Mode;
use rustpython_vm::{AsObject, PyObjectRef, PyRef, PyResult, VirtualMachine};

use crate::exception;
use crate::program::Program;

const RUNNER: (&str, &str) = (include_str!("../python/runner.py"), "<copylab:runner>");
const STEP_TRACER: (&str, &str) = (include_str!("../python/step_tracer.py"), "<copylab:step_tracer>");
const HOT_PROBES: (&str, &str) = (include_str!("../python/hot_probes.py"), "<copylab:hot_probes>");

/// The globals of one of copylab's Python helper files, run once per use.
pub(crate) struct PythonHelper {
    globals: PyDictRef,
}

impl PythonHelper {
    /// python/runner.py: runs programs and workloads (`profile`, `cam sweep`).
    pub(crate) fn runner(vm: &VirtualMachine) -> PyResult<Self> {
        Self::load_sources(vm, &[RUNNER])
    }

    /// python/runner.py with python/step_tracer.py in the same namespace (`trace`).
    pub(crate) fn step_tracer(vm: &VirtualMachine) -> PyResult<Self> {
        Self::load_sources(vm, &[RUNNER, STEP_TRACER])
    }

    /// python/hot_probes.py: the live measurements of `tour --why-hot`.
    pub(crate) fn hot_probes(vm: &VirtualMachine) -> PyResult<Self> {
        Self::load_sources(vm, &[HOT_PROBES])
    }

    /// Any helper file; `filename` is what its code reports in tracebacks.
    pub(crate) fn load_source(vm: &VirtualMachine, source: &str, filename: &str) -> PyResult<Self> {
        Self::load_sources(vm, &[(source, filename)])
    }

    /// Helper files run one after another in one namespace, each compiled with its own
    /// filename so tracebacks name the file.
    fn load_sources(vm: &VirtualMachine, sources: &[(&str, &str)]) -> PyResult<Self> {
        let scope = vm.new_scope_with_builtins();
        for &(source, filename) in sources {
            let code =
                vm.compile(source, Mode::Exec, filename).map_err(|err| err.into_pyexception(vm, Some(source)))?;
            vm.run_code_obj(code, scope.clone())?;
        }
        Ok(Self { globals: scope.globals })
    }

    pub(crate) fn call(&self, vm: &VirtualMachine, name: &str, args: Vec<PyObjectRef>) -> PyResult {
        self.globals.get_item(name, vm)?.call(args, vm)
    }

    /// An attribute of the module, e.g. an exception class to test against.
    pub(crate) fn get(&self, vm: &VirtualMachine, name: &str) -> PyResult {
        self.globals.get_item(name, vm)
    }
}

/// `program` compiled, and a fresh `__main__` namespace to run it in, as `copylab run` does.
/// A SyntaxError is the program's own failure: it comes back as the exception.
pub(crate) fn main_program(vm: &VirtualMachine, program: &Program) -> PyResult<(PyRef<PyCode>, PyDictRef)> {
    let scope = vm.new_scope_with_main()?;
    if program.directory.is_some() {
        scope.globals.set_item("__file__", vm.ctx.new_str(program.filename.as_str()).into(), vm)?;
    }
    let code = compile_program(vm, program)?;
    Ok((code, scope.globals))
}

pub(crate) fn compile_program(vm: &VirtualMachine, program: &Program) -> PyResult<PyRef<PyCode>> {
    let code = vm
        .compile(&program.source, Mode::Exec, program.filename.clone())
        .map_err(|err| err.into_pyexception(vm, Some(&program.source)))?;
    if program.directory.is_none() {
        // `-c` and stdin code exists nowhere on disk; register it so tracebacks show its lines.
        let _ = vm.register_code_in_linecache(&code, &program.source);
    }
    Ok(code)
}

/// The exit status CPython would give a program that ended with `exc`, after printing what
/// CPython prints: nothing for `SystemExit(0)`, its message for `SystemExit("text")`, a
/// traceback otherwise.
pub(crate) fn exit_status(vm: &VirtualMachine, exc: PyBaseExceptionRef) -> u32 {
    if exc.fast_isinstance(vm.ctx.exceptions.system_exit) || exc.fast_isinstance(vm.ctx.exceptions.keyboard_interrupt) {
        return vm.handle_exit_exception(exc);
    }
    exception::print(vm, &exc);
    1
}

/// `None` -> `None`; an exception object -> the exception.
pub(crate) fn optional_exception(vm: &VirtualMachine, obj: PyObjectRef) -> Option<PyBaseExceptionRef> {
    if vm.is_none(&obj) {
        return None;
    }
    obj.downcast::<rustpython_vm::builtins::PyBaseException>().ok()
}

/// `Type: message` of an exception raised by copylab's helpers themselves.
pub(crate) fn helper_failure(vm: &VirtualMachine, what: &str, exc: &PyBaseExceptionRef) -> crate::HostError {
    crate::HostError::Python { message: format!("{what}: {}", exception::render(vm, exc).trim_end()) }
}

/// The text of an exception's `args[index]`.
pub(crate) fn exception_arg(vm: &VirtualMachine, exc: &PyBaseExceptionRef, index: usize) -> String {
    exc.as_object()
        .get_attr("args", vm)
        .and_then(|args| args.get_item(&index, vm))
        .and_then(|arg| arg.str(vm))
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default()
}
