use std::path::PathBuf;

/// Failures of the host itself or of the inspection helpers (not of a user's script, whose
/// exceptions are printed as Python prints them and turned into an exit status).
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    /// The copy.py to install does not compile; `rendered` is Python's own SyntaxError text.
    #[error("{origin} is not valid Python:\n{rendered}")]
    CopySyntax { origin: String, rendered: String },
    /// Python code that copylab ran on the user's behalf raised; `message` is `Type: text`.
    #[error("{message}")]
    Python { message: String },
    /// `--memo cam` with a CAM configuration that cannot exist.
    #[error("invalid CAM configuration: {0}")]
    CamConfig(#[source] cam_device::ConfigError),
    /// A `dis --function` target that does not resolve.
    #[error("{0}")]
    NotFound(String),
}

/// A program (`SCRIPT`, `-c CODE`, `-`) that cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum ProgramError {
    #[error("can't open file '{path}': {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("can't open file '{path}': it is a directory; give the path of a Python script")]
    IsDirectory { path: PathBuf },
    #[error("'{path}' is not valid UTF-8 (first bad byte at offset {offset}); Python source must be UTF-8")]
    NotUtf8 { path: String, offset: usize },
    #[error("cannot read the program from standard input: {0}")]
    Stdin(#[source] std::io::Error),
}

impl ProgramError {
    /// CPython exits with 2 when it cannot open the script, and with 1 for a source it cannot
    /// decode; copylab follows it so scripts and shells see the same statuses.
    #[must_use]
    pub fn exit_code(&self) -> u8 {
        match self {
            Self::NotUtf8 { .. } => 1,
            _ => 2,
        }
    }
}
