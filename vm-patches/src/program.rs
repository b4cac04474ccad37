use std::io::Read as _;
use std::path::{Path, PathBuf};

use crate::error::ProgramError;

/// Python source to run as `__main__`, with the filename its code reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Program {
    pub source: String,
    /// `co_filename` of the code: the script path, `<string>` for `-c`, `<stdin>` for `-`.
    pub filename: String,
    /// The script's directory, which goes first on `sys.path` as in CPython.
    pub directory: Option<PathBuf>,
}

impl Program {
    pub fn file(path: &Path) -> Result<Self, ProgramError> {
        if path.is_dir() {
            return Err(ProgramError::IsDirectory { path: path.to_owned() });
        }
        let bytes = std::fs::read(path).map_err(|source| ProgramError::Unreadable { path: path.to_owned(), source })?;
        let filename = path.display().to_string();
        let source = decode(bytes, &filename)?;
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_owned());
        Ok(Self { source, filename, directory: absolute.parent().map(Path::to_owned) })
    }

    #[must_use]
    pub fn code(code: &str) -> Self {
        Self { source: code.to_owned(), filename: "<string>".to_owned(), directory: None }
    }

    pub fn stdin() -> Result<Self, ProgramError> {
        let mut bytes = Vec::new();
        std::io::stdin().read_to_end(&mut bytes).map_err(ProgramError::Stdin)?;
        let source = decode(bytes, "<stdin>")?;
        Ok(Self { source, filename: "<stdin>".to_owned(), directory: None })
    }
}

fn decode(bytes: Vec<u8>, filename: &str) -> Result<String, ProgramError> {
    String::from_utf8(bytes)
        .map_err(|err| ProgramError::NotUtf8 { path: filename.to_owned(), offset: err.utf8_error().valid_up_to() })
}
