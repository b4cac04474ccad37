//! The generated workspace a fork builds in: `<fork>/workspace/` holds a copy of the root
//! Cargo.toml with a `[patch.crates-io]` for the patched crate, the lock file derived from the
//! committed one (see `lockfile`), and symbolic links to everything else in the source tree.
//! Building there instead of with `--config patch...` in the source tree keeps the committed
//! Cargo.lock untouched (cargo would rewrite it for the patch, and `--locked` refuses).

use std::path::{Path, PathBuf};

use super::{AppliedFork, ForkError, PATCHED_CRATE, lockfile};

/// Creates (afresh) the workspace of `applied` and returns its directory.
pub(crate) fn generate(source_dir: &Path, fork_root: &Path, applied: &AppliedFork) -> Result<PathBuf, ForkError> {
    let dir = applied.name.dir(fork_root).join("workspace");
    let write_error = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ForkError::Write { path, source }
    };
    if dir.exists() {
        std::fs::remove_dir_all(&dir).map_err(write_error(&dir))?;
    }
    std::fs::create_dir_all(&dir).map_err(write_error(&dir))?;

    let entries =
        std::fs::read_dir(source_dir).map_err(|source| ForkError::Read { path: source_dir.into(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| ForkError::Read { path: source_dir.into(), source })?;
        let name = entry.file_name();
        let name_str = name.to_string_lossy();
        // Build output, VCS and dotfiles stay out; the manifest and lock are written below.
        if name_str.starts_with('.') || ["target", "Cargo.toml", "Cargo.lock"].contains(&name_str.as_ref()) {
            continue;
        }
        let link = dir.join(&name);
        std::os::unix::fs::symlink(entry.path(), &link).map_err(write_error(&link))?;
    }

    let read = |path: PathBuf| std::fs::read_to_string(&path).map_err(|source| ForkError::Read { path, source });
    let mut manifest = read(source_dir.join("Cargo.toml"))?;
    let mut lock = read(source_dir.join("Cargo.lock"))?;
    if let Some(crate_dir) = &applied.crate_dir {
        manifest.push_str(&format!(
            "\n# copylab fork build: {PATCHED_CRATE} from the patched copy.\n[patch.crates-io]\n{PATCHED_CRATE} = {{ path = {:?} }}\n",
            crate_dir.display().to_string()
        ));
        lock = lockfile::with_path_package(&lock, PATCHED_CRATE)?;
    }
    std::fs::write(dir.join("Cargo.toml"), manifest).map_err(write_error(&dir.join("Cargo.toml")))?;
    std::fs::write(dir.join("Cargo.lock"), lock).map_err(write_error(&dir.join("Cargo.lock")))?;
    Ok(dir)
}
