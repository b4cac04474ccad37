use copylab_stdlib_copy::CopySource;
use rustpython::InterpreterBuilderExt as _;
use rustpython_vm::builtins::PyBaseExceptionRef;
use rustpython_vm::scope::Scope;
use rustpython_vm::{AsObject, Interpreter, InterpreterBuilder, PyResult, Settings, VirtualMachine};

use crate::command_line::InterpreterFlags;
use crate::error::HostError;
use crate::program::Program;
use crate::{copylab_module, exception, import_hook, python_helper};

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
    /// CPython's interpreter options (`-u`, `-O`, `-X`, `-W`, ...).
    pub flags: InterpreterFlags,
    /// `sys.executable`: a launcher that starts copylab with the same copy.py selection, so
    /// child interpreters (pyperf workers, `subprocess`, `multiprocessing`) get it too.
    /// `None` leaves RustPython's own value (the copylab binary).
    pub executable: Option<String>,
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
        Self {
            copy,
            argv: vec![String::new()],
            sys_path: Vec::new(),
            memo: MemoBackend::Dict,
            flags: InterpreterFlags::default(),
            executable: None,
        }
    }
}

/// How a program run ended.
#[derive(Debug)]
pub struct Finished {
    /// The exit status, as CPython would give it.
    pub status: u32,
    /// What the CAM memo device did, if the run had one (`--memo cam`, or a script that made
    /// a `_copylab.CamMemo`).
    pub cam: Option<crate::cam_memo::CamReport>,
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
        // The host never imports `site`; sys.flags.no_site says so to child command lines.
        settings.import_site = false;
        settings.install_signal_handlers = true;
        apply_flags(&mut settings, &config.flags);

        if let MemoBackend::Cam(cam) = &config.memo {
            crate::cam_memo::configure(cam.clone()).map_err(HostError::CamConfig)?;
        }
        let builder = InterpreterBuilder::new().settings(settings).init_stdlib();
        let copylab_module = copylab_module::module_def(&builder.ctx);
        let interpreter = builder.add_native_module(copylab_module).build();
        interpreter.enter(|vm| {
            if let Some(executable) = &config.executable {
                set_executable(vm, executable).map_err(|exc| HostError::Python {
                    message: format!("cannot set sys.executable: {}", exception::render(vm, &exc)),
                })?;
            }
            import_hook::install(vm, &config.copy, &config.memo)
        })?;
        Ok(Self { interpreter })
    }

    /// Runs `program` as `__main__`, finalizes the interpreter (flushing stdio, running atexit)
    /// and returns the exit status as CPython would: 0, `SystemExit`'s code, or 1 after
    /// printing the traceback of an uncaught exception.
    #[must_use]
    pub fn run_main(self, program: &Program) -> Finished {
        let outcome = self.interpreter.enter(|vm| execute_main(vm, program));
        self.finish(outcome)
    }

    /// Runs the module `name` as `__main__`, as `python -m name` does (through runpy), then
    /// finishes as [`Host::run_main`].
    #[must_use]
    pub fn run_module_main(self, name: &str) -> Finished {
        let outcome = self.interpreter.enter(|vm| {
            // runpy runs the module in the namespace of an existing `__main__`.
            vm.new_scope_with_main()?;
            let runpy = vm.import("runpy", 0)?;
            let run = runpy.get_attr("_run_module_as_main", vm)?;
            run.call((vm.ctx.new_str(name), vm.ctx.new_bool(true)), vm).map(drop)
        });
        self.finish(outcome)
    }

    fn finish(self, outcome: PyResult<()>) -> Finished {
        let status = match outcome {
            Ok(()) => self.interpreter.finalize(None),
            Err(exc) if exits_itself(&self.interpreter, &exc) => self.interpreter.finalize(Some(exc)),
            Err(exc) => {
                self.interpreter.enter(|vm| exception::print(vm, &exc));
                self.interpreter.finalize(None).max(1)
            }
        };
        // The device outlives the interpreter on this thread; its report is final now.
        Finished { status, cam: crate::cam_memo::report() }
    }

    /// Runs `f` inside the interpreter (for the host's own inspection methods).
    pub(crate) fn enter<R>(&self, f: impl FnOnce(&VirtualMachine) -> R) -> R {
        self.interpreter.enter(f)
    }
}

/// The CPython options that map onto RustPython's settings; the others are accepted for
/// compatibility (see [`crate::command_line`]).
fn apply_flags(settings: &mut Settings, flags: &InterpreterFlags) {
    settings.buffered_stdio = !flags.unbuffered;
    settings.ignore_environment = !flags.reads_environment();
    settings.isolated = flags.isolated;
    settings.safe_path = !flags.prepends_program_directory();
    settings.user_site_directory = false;
    settings.optimize = flags.optimize;
    settings.verbose = flags.verbose;
    settings.debug = flags.debug;
    settings.bytes_warning = flags.bytes_warning.into();
    settings.quiet = flags.quiet;
    settings.warnoptions.clone_from(&flags.warnoptions);
    settings.xoptions.clone_from(&flags.xoptions);
    settings.dev_mode = flags.xoptions.iter().any(|(name, _)| name == "dev");
}

fn set_executable(vm: &VirtualMachine, executable: &str) -> PyResult<()> {
    let path = vm.ctx.new_str(executable);
    vm.sys_module.set_attr("executable", path.clone(), vm)?;
    vm.sys_module.set_attr("_base_executable", path, vm)
}

fn execute_main(vm: &VirtualMachine, program: &Program) -> PyResult<()> {
    let (code, globals) = python_helper::main_program(vm, program)?;
    vm.run_code_obj(code, Scope::with_builtins(None, globals, vm)).map(drop)
}

/// `SystemExit` and `KeyboardInterrupt` are turned into an exit status (or a re-raised
/// SIGINT) by the interpreter's own finalization, exactly as CPython does.
fn exits_itself(interpreter: &Interpreter, exc: &PyBaseExceptionRef) -> bool {
    interpreter.enter(|vm| {
        exc.fast_isinstance(vm.ctx.exceptions.system_exit) || exc.fast_isinstance(vm.ctx.exceptions.keyboard_interrupt)
    })
}
