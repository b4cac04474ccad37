//! Arms: what is being compared (copy.py variant × memo backend × interpreter × VM build ×
//! constant overrides).

use std::path::{Path, PathBuf};

use crate::error::BenchError;

/// Memo backend of plain `copy.deepcopy` (a Python dict).
pub const DEFAULT_MEMO: &str = "dict";

/// The unmodified copy.py, the reference variant.
pub(crate) const BASELINE: &str = "baseline";
/// The `copylab_interpreter` metadata of a RustPython arm (a CPython arm's is its executable).
pub(crate) const RUSTPYTHON_INTERPRETER: &str = "copylab-rustpython";

/// The VM build of the running copylab binary; forks are named `fork:NAME` (`copylab fork`).
pub const STOCK_VM: &str = "stock";

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Interpreter {
    /// The copylab host; jobs go to the CLI's launcher.
    RustPython,
    /// A CPython executable (a name looked up on PATH, or a path).
    CPython(PathBuf),
}

/// One side of a comparison. The first arm of a plan is the baseline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Arm {
    /// copy.py variant: `baseline`, `binding`, `fastpath`, `memo`, `merged`.
    pub variant: String,
    /// Memo backend: `dict` or `cam` (RustPython only).
    pub memo: String,
    pub interpreter: Interpreter,
    /// RustPython only: which copylab build runs the workers, [`STOCK_VM`] or `fork:NAME`.
    /// The CLI's launcher maps it to a binary.
    pub vm: String,
    /// Module constants of copy.py overridden for this arm, e.g. `_FASTPATH_MAX=20`.
    pub defines: Vec<(String, String)>,
    /// CPython only: the variant's copy.py, loaded as `copy` by the driver
    /// (`--copy-py`). `None` benchmarks CPython's own copy module. The caller
    /// materializes it, e.g. with [`crate::BenchFiles::write_copy_py`].
    pub copy_py: Option<PathBuf>,
    /// CPython only: a module whose `deepcopy` replaces `copy.deepcopy` (e.g. `copium`), so
    /// the same workloads measure a peer implementation on the same interpreter.
    pub peer: Option<String>,
}

impl Arm {
    pub fn rustpython(variant: &str, memo: &str) -> Self {
        Arm {
            variant: variant.to_string(),
            memo: memo.to_string(),
            interpreter: Interpreter::RustPython,
            vm: STOCK_VM.to_string(),
            defines: Vec::new(),
            copy_py: None,
            peer: None,
        }
    }

    pub fn cpython(exe: impl Into<PathBuf>, variant: &str, copy_py: Option<PathBuf>) -> Self {
        Arm {
            variant: variant.to_string(),
            memo: DEFAULT_MEMO.to_string(),
            interpreter: Interpreter::CPython(exe.into()),
            vm: STOCK_VM.to_string(),
            defines: Vec::new(),
            copy_py,
            peer: None,
        }
    }

    /// CPython's own copy module with `copy.deepcopy` rebound to `module.deepcopy`.
    pub fn peer(exe: impl Into<PathBuf>, module: &str) -> Self {
        Arm { peer: Some(module.to_string()), ..Arm::cpython(exe, BASELINE, None) }
    }

    /// The same arm run by another copylab build (`fork:alloc`).
    pub fn with_vm(mut self, vm: &str) -> Self {
        self.vm = vm.to_string();
        self
    }

    pub fn with_define(mut self, name: &str, value: &str) -> Self {
        self.defines.push((name.to_string(), value.to_string()));
        self
    }

    /// Short unique name used in tables, pyperf benchmark names and file names:
    /// `fastpath`, `fastpath,cam`, `fastpath,_FASTPATH_MAX=20`, `baseline@python3.12`,
    /// `copium@python3` (a peer names the module instead of the variant), `baseline@fork:alloc`.
    /// Parts equal to the default (dict memo, RustPython, stock VM) are left out.
    pub fn label(&self) -> String {
        let mut label = self.peer.clone().unwrap_or_else(|| self.variant.clone());
        if self.memo != DEFAULT_MEMO {
            label.push(',');
            label.push_str(&self.memo);
        }
        for (name, value) in &self.defines {
            label.push_str(&format!(",{name}={value}"));
        }
        if let Interpreter::CPython(exe) = &self.interpreter {
            let exe_name =
                exe.file_name().map_or_else(|| exe.display().to_string(), |name| name.to_string_lossy().into_owned());
            label.push('@');
            label.push_str(&exe_name);
        }
        if self.vm != STOCK_VM {
            label.push('@');
            label.push_str(&self.vm);
        }
        label
    }

    /// [`Arm::label`] reduced to characters safe in a file name.
    pub fn file_stem(&self) -> String {
        self.label()
            .chars()
            .map(|c| match c {
                'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '-' | '.' | '=' => c,
                _ => '_',
            })
            .collect()
    }

    pub fn cpython_exe(&self) -> Option<&Path> {
        match &self.interpreter {
            Interpreter::CPython(exe) => Some(exe),
            Interpreter::RustPython => None,
        }
    }
}

/// Parses `NAME=VALUE` with copy.py's own rules ([`copylab_stdlib_copy::split_name_value`]):
/// NAME a Python identifier, VALUE non-empty (the driver checks it is a Python literal).
pub fn parse_define(input: &str) -> Result<(String, String), BenchError> {
    let (name, value) = copylab_stdlib_copy::split_name_value(input).map_err(|err| {
        let reason = match err {
            copylab_stdlib_copy::DefineError::BadName { .. } => "the name is not a Python identifier",
            _ => "no '=', or nothing on one side of it",
        };
        BenchError::BadDefine { input: input.to_string(), reason: reason.to_string() }
    })?;
    Ok((name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_leave_out_defaults() {
        assert_eq!(Arm::rustpython("baseline", "dict").label(), "baseline");
        assert_eq!(Arm::rustpython("fastpath", "cam").label(), "fastpath,cam");
        let swept = Arm::rustpython("fastpath", "dict").with_define("_FASTPATH_MAX", "20");
        assert_eq!(swept.label(), "fastpath,_FASTPATH_MAX=20");
        let cpython = Arm::cpython("/usr/bin/python3.11", "merged", None);
        assert_eq!(cpython.label(), "merged@python3.11");
        assert_eq!(Arm::peer("/usr/bin/python3", "copium").label(), "copium@python3");
        assert_eq!(Arm::rustpython("a", "x/y").file_stem(), "a_x_y");
        let fork = Arm::rustpython("baseline", "cam").with_vm("fork:alloc+threading");
        assert_eq!(fork.label(), "baseline,cam@fork:alloc+threading");
        assert_eq!(fork.file_stem(), "baseline_cam_fork_alloc_threading");
        assert_eq!(Arm::rustpython("baseline", "dict").with_vm(STOCK_VM).label(), "baseline");
    }

    #[test]
    fn defines_parse_or_explain() {
        assert_eq!(parse_define("_FASTPATH_MAX = 20").expect("valid"), ("_FASTPATH_MAX".to_string(), "20".to_string()));
        for bad in ["NOEQUALS", "1X=2", "=3", "X="] {
            let err = parse_define(bad).expect_err(bad);
            assert!(err.to_string().contains("expected NAME=VALUE"), "{err}");
        }
    }
}
