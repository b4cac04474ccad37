use copylab_stdlib_copy::CopySource;
use rustpython::InterpreterBuilderExt as _;
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::scope::Scope;
use rustpython_vm::{AsObject, Interpreter, InterpreterBuilder, PyResult, Settings, VirtualMachine};

use crate::error::HostError;
use crate::program::Program;
use crate::{exception, import_hook, native, tools};

/// What the interpreter is built with.
#[derive(Debug, Clone)]
pub struct HostConfig {
    /// Installed as the module `copy`.
    pub copy: CopySource,
    /// `sys.argv`.
    pub argv: Vec<String>,
    /// Put in front of `sys.path` (the script's directory, as CPython does).
    pub sys_path: Vec<String>,
    /// Where `copy.deepcopy` keeps its memo when the caller passes none.
    pub memo: MemoBackend,
}

/// The memo `copy.deepcopy(x)` gets when its caller brings none.
#[derive(Debug, Clone, Default)]
pub enum MemoBackend {
    /// A plain dict, exactly as copy.py creates it: the control.
    #[default]
    Dict,
    /// A fresh `_copylab.CamMemo` per outermost call, its id keys held in an emulated CAM
    /// with this configuration.
    Cam(cam_device::CamConfig),
}

impl MemoBackend {
    /// The name the CLI and reports use.
    #[must_use]
    pub fn name(&self) -> &'static str {
        match self {
            Self::Dict => "dict",
            Self::Cam(_) => "cam",
        }
    }
}

impl HostConfig {
    #[must_use]
    pub fn new(copy: CopySource) -> Self {
        Self { copy, argv: vec![String::new()], sys_path: Vec::new(), memo: MemoBackend::Dict }
    }
}

/// An embedded RustPython interpreter with copylab's patches installed.
pub struct Host {
    interpreter: Interpreter,
}

impl Host {
    pub fn new(config: HostConfig) -> Result<Self, HostError> {
        let mut settings = Settings::default();
        settings.argv = config.argv;
        settings.path_list = config.sys_path;
        // Never write __pycache__ next to a user's scripts.
        settings.write_bytecode = false;
        settings.install_signal_handlers = true;

        if let MemoBackend::Cam(cam) = &config.memo {
            crate::cam_memo::configure(cam.clone()).map_err(HostError::CamConfig)?;
        }
        let builder = InterpreterBuilder::new().settings(settings).init_stdlib();
        let copylab_module = native::module_def(&builder.ctx);
        let interpreter = builder.add_native_module(copylab_module).build();
        interpreter.enter(|vm| import_hook::install(vm, &config.copy, &config.memo))?;
        Ok(Self { interpreter })
    }

    /// Runs `program` as `__main__`, finalizes the interpreter (flushing stdio, running atexit)
    /// and returns the exit status as CPython would: 0, `SystemExit`'s code, or 1 after
    /// printing the traceback of an uncaught exception.
    #[must_use]
    pub fn run_main(self, program: &Program) -> u32 {
        let outcome = self.interpreter.enter(|vm| execute_main(vm, program));
        match outcome {
            Ok(()) => self.interpreter.finalize(None),
            Err(exc) if exits_itself(&self.interpreter, &exc) => self.interpreter.finalize(Some(exc)),
            Err(exc) => {
                self.interpreter.enter(|vm| exception::print(vm, &exc));
                self.interpreter.finalize(None).max(1)
            }
        }
    }

    /// Runs `f` inside the interpreter.
    pub fn enter<R>(&self, f: impl FnOnce(&VirtualMachine) -> R) -> R {
        self.interpreter.enter(f)
    }
}

fn execute_main(vm: &VirtualMachine, program: &Program) -> PyResult<()> {
    let (code, globals) = tools::main_program(vm, program)?;
    vm.run_code_obj(code, Scope::with_builtins(None, globals, vm)).map(drop)
}

/// `SystemExit` and `KeyboardInterrupt` are turned into an exit status (or a re-raised
/// SIGINT) by the interpreter's own finalization, exactly as CPython does.
fn exits_itself(interpreter: &Interpreter, exc: &PyBaseExceptionRef) -> bool {
    interpreter.enter(|vm| {
        exc.fast_isinstance(vm.ctx.exceptions.system_exit)
            || exc.fast_isinstance(vm.ctx.exceptions.keyboard_interrupt)
    })
}
