//! `dis` and `ast` on the user's behalf, through Python's own modules, so the output is
//! exactly what `dis.dis` and `ast.dump` print.

use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine};

use crate::error::HostError;
use crate::exception;
use crate::host::Host;
use crate::python_helper::PythonHelper;

const INSPECT_SOURCE: &str = include_str!("../python/inspect_tools.py");

/// What to disassemble.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DisTarget {
    /// Module-level code: `(source, filename)`.
    Source { source: String, filename: String },
    /// `MODULE.QUALNAME`, e.g. `copy.deepcopy` or `copy._reconstruct`.
    Function(String),
}

/// `ast.dump` options.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AstOptions {
    pub indent: Option<usize>,
    pub include_attributes: bool,
}

impl Host {
    /// `dis.dis` output for `target`. With `relative_lines`, line numbers are printed relative
    /// to the function's `def` line, which makes two variants' bytecode comparable even when a
    /// patch moved the function.
    pub fn disassemble(&self, target: &DisTarget, relative_lines: bool) -> Result<String, HostError> {
        self.enter(|vm| {
            let result = match target {
                DisTarget::Source { source, filename } => call_tool(
                    vm,
                    "dis_source",
                    vec![vm.ctx.new_str(source.as_str()).into(), vm.ctx.new_str(filename.as_str()).into()],
                ),
                DisTarget::Function(path) => call_tool(
                    vm,
                    "dis_function",
                    vec![vm.ctx.new_str(path.as_str()).into(), vm.ctx.new_bool(relative_lines).into()],
                ),
            };
            result.map_err(|exc| to_host_error(vm, &exc))
        })
    }

    /// `ast.dump(ast.parse(source, filename), ...)`.
    pub fn dump_ast(&self, source: &str, filename: &str, options: AstOptions) -> Result<String, HostError> {
        self.enter(|vm| {
            let indent: PyObjectRef = match options.indent {
                Some(n) => vm.ctx.new_int(n).into(),
                None => vm.ctx.none(),
            };
            call_tool(
                vm,
                "dump_ast",
                vec![
                    vm.ctx.new_str(source).into(),
                    vm.ctx.new_str(filename).into(),
                    indent,
                    vm.ctx.new_bool(options.include_attributes).into(),
                ],
            )
            .map_err(|exc| to_host_error(vm, &exc))
        })
    }
}

fn inspect_tools(vm: &VirtualMachine) -> PyResult<PythonHelper> {
    PythonHelper::load_source(vm, INSPECT_SOURCE, "<copylab:inspect_tools>")
}

/// Calls one of python/inspect_tools.py's functions, which all return text.
fn call_tool(vm: &VirtualMachine, name: &str, args: Vec<PyObjectRef>) -> PyResult<String> {
    Ok(inspect_tools(vm)?.call(vm, name, args)?.str(vm)?.to_string_lossy().into_owned())
}

/// The tools raise LookupError for targets that do not exist and SyntaxError for bad source;
/// both are the user's input, reported without a traceback into copylab's helpers.
pub(crate) fn to_host_error(vm: &VirtualMachine, exc: &rustpython_vm::builtins::PyBaseExceptionRef) -> HostError {
    if exc.fast_isinstance(vm.ctx.exceptions.syntax_error) {
        return HostError::Python { message: exception::render(vm, exc).trim_end().to_owned() };
    }
    if exc.fast_isinstance(vm.ctx.exceptions.lookup_error) {
        let text = exception::one_line(vm, exc);
        let message = text.split_once(": ").map_or(text.as_str(), |(_, m)| m);
        return HostError::NotFound(message.to_owned());
    }
    HostError::Python { message: exception::one_line(vm, exc) }
}
