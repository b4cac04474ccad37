mod ast;
mod bench;
mod cam;
mod dis;
pub(crate) mod profile;
mod run;
mod target;
pub(crate) mod trace;
mod variants;

use copylab_stdlib_copy::CopySource;
use copylab_vm::{Host, HostConfig, MemoBackend};

use crate::cli::{Cli, Command, CopyArgs, MemoChoice};
use crate::error::CliError;

/// Runs the parsed command; `Ok` carries the process exit status.
pub(crate) fn dispatch(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Dis(args) => dis::dis(args),
        Command::Ast(args) => ast::ast(args),
        Command::Trace(args) => trace::trace(args),
        Command::Profile(args) => profile::profile(args),
        Command::Bench(args) => bench::bench(args),
        Command::Cam(args) => cam::cam(args),
        Command::Worker(args) => run::run(args),
        Command::Variants(args) => variants::variants(args),
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

impl MemoChoice {
    /// The backend these flags select; CAM sizes are checked when the host builds it.
    pub(crate) fn backend(&self) -> Result<MemoBackend, CliError> {
        let cam_only = self.cam_entries.is_some();
        match self.memo.as_str() {
            "cam" => {
                let mut config = cam_device::CamConfig::default();
                if let Some(entries) = self.cam_entries {
                    config.entries = entries;
                }
                Ok(MemoBackend::Cam(config))
            }
            _ if cam_only => Err(CliError::Usage("--cam-entries needs --memo cam".into())),
            _ => Ok(MemoBackend::Dict),
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
