use std::path::PathBuf;

/// A variant name that is not in the registry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown variant `{name}`; valid variants: {valid}")]
pub struct UnknownVariant {
    pub name: String,
    /// Comma-separated registry names, so the message alone tells the user what to type.
    pub valid: String,
}

/// A `--copy-py` file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum CopySourceError {
    #[error("cannot read --copy-py file {path}: {source}")]
    Unreadable {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("--copy-py file {path} is a directory; give the path of a copy.py file")]
    IsDirectory { path: PathBuf },
    #[error("--copy-py file {path} is not valid UTF-8 (first bad byte at offset {offset}); save it as UTF-8")]
    NotUtf8 { path: PathBuf, offset: usize },
}

/// A `--define NAME=VALUE` that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DefineError {
    #[error("--define `{given}`: expected NAME=VALUE, e.g. _FASTPATH_MAX=100")]
    Syntax { given: String },
    #[error("--define `{given}`: `{name}` is not a Python identifier")]
    BadName { given: String, name: String },
    #[error(
        "--define `{given}`: VALUE must be a Python literal (an int, a float, True, False, None or a quoted string)"
    )]
    BadValue { given: String },
    #[error("--define {name}: {copy} declares no tunable constant `{name}`; its tunables: {valid}")]
    UnknownConstant {
        name: String,
        /// Which copy.py was asked, e.g. `variant baseline` or the `--copy-py` path.
        copy: String,
        valid: String,
    },
    #[error("--define {name} is given twice; give each constant once")]
    Duplicate { name: String },
}
