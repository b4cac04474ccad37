mod ast;
mod bench;
mod bench_profile;
mod bench_script;
mod cam;
mod dis;
pub(crate) mod fork;
pub(crate) mod profile;
mod python_launcher;
pub(crate) mod report;
mod run;
mod target;
pub(crate) mod tour;
pub(crate) mod trace;
mod variants;

use std::ffi::OsString;

use copylab_stdlib_copy::CopySource;
use copylab_vm::{Host, HostConfig, MemoBackend};

use crate::cli::{Cli, Command, CopyArgs, MemoChoice, MemoKind};
use crate::error::CliError;

/// Runs the parsed command; `Ok` carries the process exit status.
pub(crate) fn dispatch(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Run(args) => run::run_on_vm(args),
        Command::Dis(args) => dis::dis(args),
        Command::Ast(args) => ast::ast(args),
        Command::Trace(args) => trace::trace(args),
        Command::Profile(args) => profile::profile(args),
        Command::Bench(args) => bench::bench(*args),
        Command::Report(args) => report::report(&args),
        Command::Cam(args) => cam::cam(args),
        Command::Worker(args) => run::run(args),
        Command::Variants(args) => variants::variants(args),
        Command::Fork(args) => fork::fork(args),
        Command::Tour(args) => tour::tour(*args),
    }
}

impl CopyArgs {
    /// The copy.py these flags select, with `--define` overrides applied.
    pub(crate) fn copy_source(&self) -> Result<CopySource, CliError> {
        let source = match &self.copy_py {
            Some(path) => CopySource::from_file(path)?,
            None => CopySource::variant(self.variant),
        };
        Ok(source.with_defines(&self.defines)?)
    }
}

impl CopyArgs {
    /// The flags that make another `copylab run` select the same copy.py.
    pub(crate) fn selection_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = match &self.copy_py {
            Some(path) => vec!["--copy-py".into(), std::path::absolute(path).unwrap_or_else(|_| path.clone()).into()],
            None => vec!["--variant".into(), self.variant.name.into()],
        };
        for define in &self.defines {
            args.extend(["--define".into(), define.to_string().into()]);
        }
        args
    }
}

impl MemoChoice {
    /// The flags that make another `copylab run` use the same memo backend.
    pub(crate) fn selection_args(&self) -> Vec<OsString> {
        let mut args: Vec<OsString> = vec!["--memo".into(), self.memo.name().into()];
        if let Some(entries) = self.cam_entries {
            args.extend(["--cam-entries".into(), entries.to_string().into()]);
        }
        args
    }

    /// The backend these flags select; CAM sizes are checked when the host builds it.
    pub(crate) fn backend(&self) -> Result<MemoBackend, CliError> {
        let cam_only = self.cam_entries.is_some();
        match self.memo {
            MemoKind::Cam => {
                let mut config = cam_device::CamConfig::default();
                if let Some(entries) = self.cam_entries {
                    config.entries = entries;
                }
                Ok(MemoBackend::Cam(config))
            }
            MemoKind::Dict if cam_only => Err(CliError::Usage("--cam-entries needs --memo cam".into())),
            MemoKind::Dict => Ok(MemoBackend::Dict),
        }
    }
}

/// Builds a host on the interpreter thread, runs `f` with it there, and returns its result.
pub(crate) fn with_host<R: Send + 'static>(
    config: HostConfig,
    f: impl FnOnce(Host) -> Result<R, CliError> + Send + 'static,
) -> Result<R, CliError> {
    copylab_vm::on_interpreter_stack(move || f(Host::new(config)?)).map_err(CliError::Thread)?
}

/// Prints text that already ends in a newline (or nothing) to stdout.
pub(crate) fn print_text(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    // A closed pipe (`copylab ... | head`) is not an error worth reporting.
    let _ = stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush());
}
