//! Fork builds: a second copylab binary linked against a patched `rustpython-vm`.
//!
//! A fork is named by its patch sets joined with `+` (`alloc`, `alloc+threading`). Each set is a
//! directory of `vm-patches/patches/` holding unified diffs against the pristine
//! `rustpython-vm` 0.6.0 (one file per patch, applied in name order) and optionally a `features`
//! file of cargo features for the build. [`apply`] copies the pristine crate out of cargo's
//! registry and patches it; [`build`] then compiles copylab against it in a generated workspace
//! under `target/fork/`, leaving the committed Cargo.lock untouched.

mod cargo_build;
mod error;
mod lockfile;
mod patch_set;
mod patching;
mod pristine;
mod stamp;
mod workspace;

use std::path::{Path, PathBuf};

pub(crate) use cargo_build::build;
pub(crate) use error::ForkError;
pub(crate) use patch_set::{PatchSet, list_patch_sets};
pub(crate) use patching::{AppliedFork, apply};

/// The crate the patches apply to, at the version the committed Cargo.lock pins.
pub(crate) const PATCHED_CRATE: &str = "rustpython-vm";

/// The copylab source tree this binary was built from. A fork binary is compiled in a generated
/// workspace, so its build passes the real tree in `COPYLAB_SOURCE_DIR` (see `cargo_build`).
pub(crate) fn source_dir() -> PathBuf {
    PathBuf::from(option_env!("COPYLAB_SOURCE_DIR").unwrap_or(env!("CARGO_MANIFEST_DIR")))
}

/// Where patch sets live: `vm-patches/patches/` of the source tree.
pub(crate) fn default_patches_dir() -> PathBuf {
    source_dir().join("vm-patches/patches")
}

/// Everything fork builds write goes under here: the ignored `target/fork/` of the source tree,
/// or `COPYLAB_FORK_ROOT`, which lets tests work in a directory of their own.
pub(crate) fn fork_root() -> PathBuf {
    std::env::var_os("COPYLAB_FORK_ROOT")
        .filter(|dir| !dir.is_empty())
        .map_or_else(|| source_dir().join("target/fork"), PathBuf::from)
}

/// A fork's name: its patch sets in the order given, e.g. `alloc+threading`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ForkName {
    pub(crate) sets: Vec<String>,
}

impl ForkName {
    /// Parses `alloc+threading`; every part must be a plain directory name.
    pub(crate) fn parse(input: &str) -> Result<Self, ForkError> {
        let sets: Vec<String> = input.split('+').map(str::trim).map(str::to_string).collect();
        let valid =
            |set: &String| !set.is_empty() && set.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        if !sets.iter().all(valid) {
            return Err(ForkError::BadName { input: input.to_string() });
        }
        Ok(ForkName { sets })
    }

    pub(crate) fn as_string(&self) -> String {
        self.sets.join("+")
    }

    /// The directory of this fork's copied crate, generated workspace and binary.
    pub(crate) fn dir(&self, fork_root: &Path) -> PathBuf {
        fork_root.join(self.as_string())
    }

    /// The fork's copylab binary, as [`build`] leaves it.
    pub(crate) fn binary(&self, fork_root: &Path) -> PathBuf {
        self.dir(fork_root).join("copylab")
    }
}

/// The copylab build a benchmark arm runs on: this binary, or a fork built by [`build`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Vm {
    Stock,
    Fork(ForkName),
}

impl Vm {
    /// `stock` or `fork:NAME`.
    pub(crate) fn parse(input: &str) -> Result<Self, ForkError> {
        match input.trim() {
            "stock" => Ok(Vm::Stock),
            other => match other.strip_prefix("fork:") {
                Some(name) => Ok(Vm::Fork(ForkName::parse(name)?)),
                None => Err(ForkError::BadVm { input: input.to_string() }),
            },
        }
    }

    /// The spelling [`Vm::parse`] reads, used as the arm's `vm`.
    pub(crate) fn label(&self) -> String {
        match self {
            Vm::Stock => copylab_bench::STOCK_VM.to_string(),
            Vm::Fork(name) => format!("fork:{}", name.as_string()),
        }
    }

    /// The binary of this VM for this copylab: the running binary for `stock`, else the fork's
    /// in [`fork_root`], refused unless built and stamped from the tree [`source_dir`] holds now.
    /// `bench --vm` and `run --vm` both ask this, so both refuse the same forks.
    pub(crate) fn resolve(&self) -> Result<PathBuf, ForkError> {
        let stock =
            std::env::current_exe().map_err(|source| ForkError::Read { path: "/proc/self/exe".into(), source })?;
        self.binary(&stock, &fork_root(), &source_dir())
    }

    /// The binary that runs this VM's workers: `stock_exe`, or the fork's, which must be built
    /// and stamped as built from what `source_dir` and its patch sets hold now.
    pub(crate) fn binary(&self, stock_exe: &Path, fork_root: &Path, source_dir: &Path) -> Result<PathBuf, ForkError> {
        match self {
            Vm::Stock => Ok(stock_exe.to_path_buf()),
            Vm::Fork(name) => {
                let binary = name.binary(fork_root);
                if !binary.is_file() {
                    return Err(ForkError::NotBuilt { name: name.as_string(), binary });
                }
                stamp::check(source_dir, fork_root, name)?;
                Ok(binary)
            }
        }
    }
}

/// Whether fork `name` is built and stamped as built from what `source_dir` and `patches_dir`
/// hold now, so `fork build` has nothing to do. Building anyway is not free: a build patches a
/// fresh copy of the crate, so cargo compiles RustPython again (15-30 minutes on 2 cores).
pub(crate) fn up_to_date(source_dir: &Path, patches_dir: &Path, fork_root: &Path, name: &ForkName) -> bool {
    name.binary(fork_root).is_file() && stamp::is_current(source_dir, patches_dir, fork_root, name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vms_are_stock_or_a_built_fork() {
        assert_eq!(Vm::parse("stock").expect("stock"), Vm::Stock);
        let fork = Vm::parse("fork:alloc+threading").expect("fork");
        assert_eq!(fork.label(), "fork:alloc+threading");
        assert!(matches!(Vm::parse("alloc"), Err(ForkError::BadVm { .. })));
        assert!(matches!(Vm::parse("fork:"), Err(ForkError::BadName { .. })));
        let dir = tempfile::tempdir().expect("tempdir");
        let err = fork.binary(Path::new("/bin/true"), dir.path(), dir.path()).expect_err("not built");
        assert!(err.to_string().contains("copylab fork build alloc+threading"), "{err}");
        let stock = Vm::Stock.binary(Path::new("/bin/true"), dir.path(), dir.path()).expect("stock");
        assert_eq!(stock, Path::new("/bin/true"));
        // Built but never stamped: refused too.
        let Vm::Fork(name) = &fork else { unreachable!("parsed as a fork above") };
        std::fs::create_dir_all(name.dir(dir.path())).expect("mkdir");
        std::fs::write(name.binary(dir.path()), "").expect("write");
        let err = fork.binary(Path::new("/bin/true"), dir.path(), dir.path()).expect_err("unstamped");
        assert!(matches!(err, ForkError::Unstamped { .. }), "{err}");
    }

    #[test]
    fn names_are_sets_joined_by_plus() {
        let name = ForkName::parse("alloc+threading").expect("valid");
        assert_eq!(name.sets, ["alloc", "threading"]);
        assert_eq!(name.binary(Path::new("/f")), Path::new("/f/alloc+threading/copylab"));
        for bad in ["", "alloc+", "../x", "a b"] {
            assert!(matches!(ForkName::parse(bad), Err(ForkError::BadName { .. })), "{bad:?}");
        }
    }
}
