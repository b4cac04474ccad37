use copylab_bench::BenchError;
use copylab_stdlib_copy::{CopySourceError, DefineError};
use copylab_vm::{CommandLineError, HostError, ProgramError};

use crate::fork::ForkError;

/// Everything a subcommand can fail with, and the exit status each gets: 2 for what the
/// user typed (as clap and CPython do), 1 for failures while running.
#[derive(Debug, thiserror::Error)]
pub(crate) enum CliError {
    #[error(transparent)]
    CopySource(#[from] CopySourceError),
    #[error(transparent)]
    Define(#[from] DefineError),
    #[error(transparent)]
    Program(#[from] ProgramError),
    #[error(transparent)]
    Host(#[from] HostError),
    #[error(transparent)]
    Bench(#[from] BenchError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    CommandLine(#[from] CommandLineError),
    #[error("cannot write the python launcher {path} (the sys.executable of hosted programs): {source}; set XDG_CACHE_HOME to a writable directory", path = path.display())]
    Launcher {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}; check that the directory exists and is writable", path = path.display())]
    Output {
        path: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Fork(#[from] ForkError),
    #[error(transparent)]
    Tour(#[from] copylab_stdlib_copy::tour::TourError),
    #[error("cannot run {program}: {source}", program = program.display())]
    Exec {
        program: std::path::PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot profile arm {arm}: {reason}")]
    Profile { arm: String, reason: String },
    #[error("cannot start the interpreter thread: {0}")]
    Thread(#[source] std::io::Error),
}

impl CliError {
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Self::CopySource(_) | Self::Define(_) | Self::Usage(_) | Self::CommandLine(_) | Self::Output { .. } => 2,
            Self::Program(err) => err.exit_code(),
            Self::Host(HostError::CopySyntax { .. } | HostError::NotFound(_) | HostError::CamConfig(_)) => 2,
            Self::Bench(err) if err.is_usage() => 2,
            Self::Fork(ForkError::BadName { .. } | ForkError::BadVm { .. } | ForkError::UnknownPatchSet { .. }) => 2,
            Self::Fork(_) => 1,
            Self::Host(_)
            | Self::Thread(_)
            | Self::Bench(_)
            | Self::Launcher { .. }
            | Self::Exec { .. }
            | Self::Profile { .. }
            | Self::Tour(_) => 1,
        }
    }
}
