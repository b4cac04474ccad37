use std::path::{Path, PathBuf};

use crate::define::{Define, apply_defines};
use crate::error::{CopySourceError, DefineError};
use crate::registry::Variant;

/// The copy.py the interpreter host installs as the module `copy`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopySource {
    /// Short name for humans and reports: the variant name, or `file:PATH` for `--copy-py`.
    pub label: String,
    /// The filename compiled into the code: `<copylab:NAME>/copy.py` for a variant, the
    /// file's own path for `--copy-py` (so tracebacks can show its lines).
    pub origin: String,
    pub source: String,
    /// The overrides already applied to `source`.
    pub defines: Vec<Define>,
}

impl CopySource {
    #[must_use]
    pub fn variant(variant: &Variant) -> Self {
        Self {
            label: variant.name.to_owned(),
            origin: variant.origin(),
            source: variant.source.to_owned(),
            defines: Vec::new(),
        }
    }

    /// A user's own copy.py (e.g. from a CPython checkout).
    pub fn from_file(path: &Path) -> Result<Self, CopySourceError> {
        if path.is_dir() {
            return Err(CopySourceError::IsDirectory { path: path.to_owned() });
        }
        let bytes =
            std::fs::read(path).map_err(|source| CopySourceError::Unreadable { path: path.to_owned(), source })?;
        let source = String::from_utf8(bytes).map_err(|err| CopySourceError::NotUtf8 {
            path: path.to_owned(),
            offset: err.utf8_error().valid_up_to(),
        })?;
        let absolute = std::path::absolute(path).unwrap_or_else(|_| PathBuf::from(path));
        Ok(Self {
            label: format!("file:{}", path.display()),
            origin: absolute.display().to_string(),
            source,
            defines: Vec::new(),
        })
    }

    /// Whether this copy.py hands `deepcopy` to copylab's native code: the registry says so
    /// for a variant; a user's own file does when it carries the native patch's import.
    #[must_use]
    pub fn runs_native_deepcopy(&self) -> bool {
        match crate::find(&self.label) {
            Ok(variant) => variant.native,
            Err(_) => self.source.contains(crate::registry::NATIVE_IMPORT),
        }
    }

    /// Applies `--define` overrides to the tunable constants the source declares.
    pub fn with_defines(mut self, defines: &[Define]) -> Result<Self, DefineError> {
        if defines.is_empty() {
            return Ok(self);
        }
        let copy = match self.label.strip_prefix("file:") {
            Some(path) => path.to_owned(),
            None => format!("variant {}", self.label),
        };
        self.source = apply_defines(&self.source, defines, &copy)?;
        self.defines.extend_from_slice(defines);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variant_source_names_its_origin() {
        let source = CopySource::variant(crate::baseline());
        assert_eq!(source.origin, "<copylab:baseline>/copy.py");
        assert_eq!(source.label, "baseline");
    }

    #[test]
    fn file_errors_are_typed() {
        let dir = std::env::temp_dir();
        assert!(matches!(CopySource::from_file(&dir), Err(CopySourceError::IsDirectory { .. })));
        let missing = dir.join("copylab-no-such-copy.py");
        assert!(matches!(CopySource::from_file(&missing), Err(CopySourceError::Unreadable { .. })));
        let bad = dir.join(format!("copylab-bad-utf8-{}.py", std::process::id()));
        std::fs::write(&bad, b"x = 1\n\xff\n").unwrap();
        let err = CopySource::from_file(&bad).unwrap_err();
        std::fs::remove_file(&bad).unwrap();
        assert!(matches!(err, CopySourceError::NotUtf8 { offset: 6, .. }), "{err}");
    }

    #[test]
    fn baseline_declares_no_tunables() {
        let err =
            CopySource::variant(crate::baseline()).with_defines(&["_FASTPATH_MAX=3".parse().unwrap()]).unwrap_err();
        assert!(err.to_string().contains("variant baseline declares no tunable"), "{err}");
    }
}
