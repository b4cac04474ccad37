//! Every file a subcommand writes goes through [`Output`]: checked before any work, so a bad
//! path fails in a moment instead of after minutes of measuring, and replaced whole or not at
//! all (written beside its final name, then renamed over it), so no failure leaves a truncated
//! report, JSON file or SVG behind.

use std::path::{Path, PathBuf};

use crate::error::CliError;

/// A path the command will write at the end.
#[derive(Debug, Clone)]
pub(crate) struct Output {
    path: PathBuf,
}

impl Output {
    /// Checks that `path` can be written: not a directory, in a directory where a file can be
    /// created. Leaves nothing behind.
    pub(crate) fn check(path: &Path) -> Result<Self, CliError> {
        let failed = |source| CliError::Output { path: path.to_owned(), source };
        if path.is_dir() {
            return Err(failed(std::io::Error::new(std::io::ErrorKind::IsADirectory, "it is a directory")));
        }
        let directory = directory_of(path);
        std::fs::metadata(directory).map_err(failed)?;
        // tempfile's error names its random probe file; the user needs only the reason.
        tempfile::NamedTempFile::new_in(directory).map_err(|err| failed(std::io::Error::from(err.kind())))?;
        Ok(Self { path: path.to_owned() })
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// Replaces the file with `contents`, atomically.
    pub(crate) fn write(&self, contents: &str) -> Result<(), CliError> {
        Ok(copylab_bench::write_atomically(&self.path, contents)?)
    }
}

fn directory_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn check_refuses_directories_and_missing_parents_and_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let err = Output::check(dir.path()).unwrap_err();
        assert!(err.to_string().contains("it is a directory"), "{err}");
        assert!(Output::check(&dir.path().join("missing/out.json")).is_err());

        let output = Output::check(&dir.path().join("out.json")).unwrap();
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "check must not create files");
        output.write("{}\n").unwrap();
        output.write("[]\n").unwrap();
        assert_eq!(std::fs::read_to_string(output.path()).unwrap(), "[]\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1, "no temporary file is left");
    }
}
