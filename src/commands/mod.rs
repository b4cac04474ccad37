mod ast;
mod bench;
mod dis;
mod run;
mod variants;

use copylab_stdlib_copy::CopySource;
use copylab_vm::{Host, HostConfig};

use crate::cli::{Cli, Command, CopyArgs};
use crate::error::CliError;

/// Runs the parsed command; `Ok` carries the process exit status.
pub(crate) fn dispatch(cli: Cli) -> Result<u8, CliError> {
    match cli.command {
        Command::Run(args) => run::run(args),
        Command::Dis(args) => dis::dis(args),
        Command::Ast(args) => ast::ast(args),
        Command::Bench(args) => bench::bench(args),
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
