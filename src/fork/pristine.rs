//! The pristine crate source: the copy cargo unpacked from the registry for the version the
//! committed Cargo.lock pins. `cargo metadata --locked` names its directory (and downloads it
//! first if a fresh machine has not yet), so no registry layout is hard-coded here.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::ForkError;

/// The registry source directory and version of `crate_name` in the workspace at `source_dir`.
pub(crate) fn locate(source_dir: &Path, crate_name: &str) -> Result<(PathBuf, String), ForkError> {
    let mut command = Command::new(cargo());
    command.args(["metadata", "--locked", "--format-version", "1", "--manifest-path"]);
    command.arg(source_dir.join("Cargo.toml"));
    let stdout = run_captured(&mut command)?;
    let metadata: serde_json::Value = serde_json::from_str(&stdout)
        .map_err(|err| cargo_failed(&command, "exit status: 0", &format!("unreadable JSON: {err}")))?;
    let packages = metadata["packages"].as_array().map(Vec::as_slice).unwrap_or_default();
    packages
        .iter()
        .filter(|package| package["name"] == crate_name)
        .filter(|package| package["source"].as_str().is_some_and(|source| source.starts_with("registry+")))
        .find_map(|package| {
            let manifest = Path::new(package["manifest_path"].as_str()?);
            Some((manifest.parent()?.to_path_buf(), package["version"].as_str()?.to_string()))
        })
        .ok_or_else(|| ForkError::PristineNotFound { crate_name: crate_name.to_string(), version: "(locked)".into() })
}

/// The cargo that runs this build (set by cargo for `cargo run`), else `cargo` on PATH.
pub(crate) fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string())
}

/// Runs a cargo command that must succeed; returns its stdout.
fn run_captured(command: &mut Command) -> Result<String, ForkError> {
    let output = command
        .output()
        .map_err(|source| ForkError::Spawn { program: command.get_program().display().to_string(), source })?;
    if !output.status.success() {
        return Err(cargo_failed(command, &output.status.to_string(), &String::from_utf8_lossy(&output.stderr)));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

pub(crate) fn cargo_failed(command: &Command, status: &str, stderr: &str) -> ForkError {
    let words: Vec<String> = std::iter::once(command.get_program())
        .chain(command.get_args())
        .map(|word| word.to_string_lossy().into_owned())
        .collect();
    ForkError::Cargo { command: words.join(" "), status: status.to_string(), stderr: stderr.trim_end().to_string() }
}

/// Makes `to` hold the files of `from` (a plain copy when `to` does not exist yet), writing only
/// those whose content differs (patches only
/// change files, never add or remove them, so nothing needs deleting).
pub(crate) fn sync_tree(from: &Path, to: &Path) -> Result<(), ForkError> {
    std::fs::create_dir_all(to).map_err(|source| ForkError::Write { path: to.to_path_buf(), source })?;
    let entries = std::fs::read_dir(from).map_err(|source| ForkError::Read { path: from.to_path_buf(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| ForkError::Read { path: from.to_path_buf(), source })?;
        let (source_path, target_path) = (entry.path(), to.join(entry.file_name()));
        if source_path.is_dir() {
            sync_tree(&source_path, &target_path)?;
            continue;
        }
        let wanted =
            std::fs::read(&source_path).map_err(|source| ForkError::Read { path: source_path.clone(), source })?;
        if std::fs::read(&target_path).is_ok_and(|present| present == wanted) {
            continue;
        }
        std::fs::write(&target_path, wanted)
            .map_err(|source| ForkError::Write { path: target_path.clone(), source })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sync_writes_only_changed_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (from, to) = (dir.path().join("from"), dir.path().join("to"));
        std::fs::create_dir_all(from.join("src")).expect("mkdir");
        std::fs::write(from.join("src/same.rs"), "same").expect("write");
        std::fs::write(from.join("src/changed.rs"), "new").expect("write");
        sync_tree(&from, &to).expect("first sync");
        std::fs::write(to.join("src/changed.rs"), "old").expect("write");
        let same_before = std::fs::metadata(to.join("src/same.rs")).and_then(|m| m.modified()).expect("mtime");
        std::thread::sleep(std::time::Duration::from_millis(20));
        sync_tree(&from, &to).expect("second sync");
        let same_after = std::fs::metadata(to.join("src/same.rs")).and_then(|m| m.modified()).expect("mtime");
        assert_eq!(same_before, same_after, "an unchanged file is not rewritten");
        assert_eq!(std::fs::read_to_string(to.join("src/changed.rs")).expect("read"), "new");
    }
}
