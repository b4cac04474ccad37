//! `copylab trace`: follows every deepcopy call of a program, or of one expression's value,
//! step by step through copy.py (the work is done by python/step_tracer.py under
//! `sys.settrace`, installed only for the traced code).

use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::{AsObject, PyObjectRef, PyResult, VirtualMachine};

use crate::error::HostError;
use crate::host::Host;
use crate::program::Program;
use crate::python_helper::{self, PythonHelper};

/// What to trace.
#[derive(Debug, Clone)]
pub enum TraceTarget {
    /// Every deepcopy call a program makes while it runs as `__main__`.
    Program(Program),
    /// `copy.deepcopy(eval(expr))`; `setup` runs first, untraced, in the same namespace.
    Expr { expr: String, setup: Option<Program> },
}

#[derive(Debug, Clone, Copy)]
pub struct TraceOptions {
    /// Steps kept; the rest are counted, not shown (a big program makes millions).
    pub max_steps: usize,
    /// One JSON object per line instead of the indented text.
    pub json: bool,
}

/// A finished trace.
#[derive(Debug, Clone)]
pub struct TraceOutput {
    /// The rendered trace, ending in a newline.
    pub text: String,
    /// The program's exit status, as `copylab run` would give it (its traceback, if any,
    /// is already printed to stderr).
    pub status: u32,
}

#[derive(Debug, thiserror::Error)]
pub enum TraceError {
    #[error("--expr `{expr}` is not a Python expression: {message}")]
    ExprSyntax { expr: String, message: String },
    #[error("--expr `{expr}` raised {message}")]
    ExprRaised { expr: String, message: String },
    #[error(transparent)]
    Host(#[from] HostError),
}

impl Host {
    /// Runs `target` with the step tracer installed and renders what deepcopy did.
    pub fn trace(&self, target: &TraceTarget, options: TraceOptions) -> Result<TraceOutput, TraceError> {
        self.enter(|vm| {
            let helper = PythonHelper::step_tracer(vm)
                .map_err(|exc| python_helper::helper_failure(vm, "cannot load the tracer", &exc))?;
            let result = match target {
                TraceTarget::Program(program) => trace_program(vm, &helper, program, options),
                TraceTarget::Expr { expr, setup } => trace_expr(vm, &helper, expr, setup.as_ref(), options),
            };
            match result {
                Ok(Traced::Done(text, error)) => {
                    let status = error.map_or(0, |exc| python_helper::exit_status(vm, exc));
                    Ok(TraceOutput { text, status })
                }
                Ok(Traced::ProgramFailed(exc)) => {
                    Ok(TraceOutput { text: String::new(), status: python_helper::exit_status(vm, exc) })
                }
                Err(exc) => Err(expr_error(vm, &helper, expr_of(target), &exc)),
            }
        })
    }
}

enum Traced {
    /// The rendered trace, and the exception the traced code ended with.
    Done(String, Option<PyBaseExceptionRef>),
    /// The program (or --expr's setup) did not compile or failed before any tracing.
    ProgramFailed(PyBaseExceptionRef),
}

fn trace_program(
    vm: &VirtualMachine,
    helper: &PythonHelper,
    program: &Program,
    options: TraceOptions,
) -> PyResult<Traced> {
    let (code, globals) = match python_helper::main_program(vm, program) {
        Ok(prepared) => prepared,
        Err(exc) => return Ok(Traced::ProgramFailed(exc)),
    };
    let args =
        vec![code.into(), globals.into(), patch_info(vm)?, vm.ctx.new_int(options.max_steps).into(), json(vm, options)];
    rendered(vm, helper.call(vm, "trace_code", args)?)
}

fn trace_expr(
    vm: &VirtualMachine,
    helper: &PythonHelper,
    expr: &str,
    setup: Option<&Program>,
    options: TraceOptions,
) -> PyResult<Traced> {
    let (setup_code, globals) = match setup {
        Some(program) => match python_helper::main_program(vm, program) {
            Ok((code, globals)) => (code.into(), globals),
            Err(exc) => return Ok(Traced::ProgramFailed(exc)),
        },
        None => (vm.ctx.none(), vm.new_scope_with_main()?.globals),
    };
    let args = vec![
        vm.ctx.new_str(expr).into(),
        setup_code,
        globals.into(),
        patch_info(vm)?,
        vm.ctx.new_int(options.max_steps).into(),
        json(vm, options),
    ];
    let result = helper.call(vm, "trace_expr", args)?;
    match rendered(vm, result)? {
        // The setup failed: no trace was made, only its traceback matters.
        Traced::Done(text, Some(exc)) if text.is_empty() => Ok(Traced::ProgramFailed(exc)),
        done => Ok(done),
    }
}

/// `(text or None, exception or None)` from the Python side.
fn rendered(vm: &VirtualMachine, result: PyObjectRef) -> PyResult<Traced> {
    let text = result.get_item(&0, vm)?;
    let error = python_helper::optional_exception(vm, result.get_item(&1, vm)?);
    let text = if vm.is_none(&text) { String::new() } else { text.str(vm)?.to_string_lossy().into_owned() };
    Ok(Traced::Done(text, error))
}

/// What the step tracer needs to know of the installed copy.py: for a registered variant, the
/// lines its patch changed and its own spellings of copy.py's steps (from the registry); for
/// a user's own copy.py, the baseline to diff it against.
fn patch_info(vm: &VirtualMachine) -> PyResult<PyObjectRef> {
    let label = vm.import("_copylab", 0)?.get_attr("variant", vm)?.str(vm)?.to_string_lossy().into_owned();
    let info = vm.ctx.new_dict();
    match copylab_stdlib_copy::find(&label) {
        Ok(variant) => {
            let changed = variant.changed_lines().into_iter().map(|line| vm.ctx.new_int(line).into()).collect();
            info.set_item("changed", vm.ctx.new_list(changed).into(), vm)?;
            let spellings = variant
                .trace_spellings()
                .into_iter()
                .map(|spelling| {
                    let role = spelling.role.map_or_else(|| vm.ctx.none(), |role| vm.ctx.new_str(role).into());
                    vm.ctx
                        .new_tuple(vec![
                            vm.ctx.new_str(spelling.statement).into(),
                            vm.ctx.new_str(spelling.rule).into(),
                            role,
                        ])
                        .into()
                })
                .collect();
            info.set_item("spellings", vm.ctx.new_list(spellings).into(), vm)?;
        }
        Err(_) => info.set_item("baseline", vm.ctx.new_str(copylab_stdlib_copy::baseline().source).into(), vm)?,
    }
    Ok(info.into())
}

fn json(vm: &VirtualMachine, options: TraceOptions) -> PyObjectRef {
    vm.ctx.new_bool(options.json).into()
}

fn expr_of(target: &TraceTarget) -> &str {
    match target {
        TraceTarget::Expr { expr, .. } => expr,
        TraceTarget::Program(_) => "",
    }
}

/// step_tracer.py raises `ExprError("syntax" | "raised", message)` for the user's expression;
/// anything else is a failure of the tracer itself.
fn expr_error(vm: &VirtualMachine, helper: &PythonHelper, expr: &str, exc: &PyBaseExceptionRef) -> TraceError {
    let is_expr_error = helper
        .get(vm, "ExprError")
        .ok()
        .and_then(|class| exc.as_object().is_instance(&class, vm).ok())
        .unwrap_or(false);
    if !is_expr_error {
        return python_helper::helper_failure(vm, "the tracer failed", exc).into();
    }
    let kind = python_helper::exception_arg(vm, exc, 0);
    let message = python_helper::exception_arg(vm, exc, 1);
    let expr = expr.to_owned();
    if kind == "syntax" { TraceError::ExprSyntax { expr, message } } else { TraceError::ExprRaised { expr, message } }
}
