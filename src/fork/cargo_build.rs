//! Builds a fork's copylab binary: apply the patches, generate the workspace, run
//! `cargo build --release --locked --ignore-rust-version` there, and copy the binary to
//! `target/fork/<name>/copylab`, with the stamp of what it was built from beside it (`stamp`).
//!
//! All forks share one target directory, `target/fork/target`: crates that do not depend on
//! the patched one (the parser, malachite, ...) compile once for every fork. It is never the
//! stock build's target directory, so a fork cannot overwrite `target/release/copylab`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use super::{ForkError, ForkName, patching, pristine, stamp, workspace};

#[derive(Debug)]
pub(crate) struct BuiltFork {
    pub(crate) binary: PathBuf,
    pub(crate) elapsed: Duration,
    pub(crate) patches: Vec<PathBuf>,
    pub(crate) features: Vec<String>,
}

pub(crate) fn build(
    source_dir: &Path,
    patches_dir: &Path,
    fork_root: &Path,
    name: &ForkName,
) -> Result<BuiltFork, ForkError> {
    let started = Instant::now();
    // The inputs as the build reads them: an edit made while cargo runs leaves the fork stale.
    let inputs = stamp::Stamp::of_tree(source_dir, patches_dir, name)?;
    let applied = patching::apply(source_dir, patches_dir, fork_root, name)?;
    let workspace = workspace::generate(source_dir, fork_root, &applied)?;
    let target_dir = fork_root.join("target");

    let mut command = Command::new(pristine::cargo());
    command.current_dir(&workspace);
    command.args(["build", "--release", "--locked", "--ignore-rust-version", "-p", "copylab", "--bin", "copylab"]);
    if !applied.features.is_empty() {
        command.arg("--features").arg(applied.features.join(","));
    }
    command.env("CARGO_TARGET_DIR", &target_dir);
    // The fork binary must find the real source tree (patch sets, other forks), not the
    // generated workspace it compiles in: see `fork::source_dir`.
    command.env("COPYLAB_SOURCE_DIR", source_dir);
    // cargo's progress goes straight to the terminal: a fork build takes minutes.
    let status = command.status().map_err(|source| ForkError::Spawn { program: pristine::cargo(), source })?;
    if !status.success() {
        return Err(pristine::cargo_failed(&command, &status.to_string(), "(cargo's output is above)"));
    }

    let built = target_dir.join("release/copylab");
    let binary = name.binary(fork_root);
    // Stamp removed first: a copy that fails half-way must not leave a new binary (or a
    // truncated one) passing for the old build.
    let stamp_path = stamp::path(fork_root, name);
    match std::fs::remove_file(&stamp_path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
            return Err(ForkError::Write { path: stamp_path, source: err });
        }
        _ => {}
    }
    std::fs::copy(&built, &binary).map_err(|source| ForkError::Write { path: binary.clone(), source })?;
    std::fs::write(&stamp_path, inputs.render()).map_err(|source| ForkError::Write { path: stamp_path, source })?;
    Ok(BuiltFork { binary, elapsed: started.elapsed(), patches: applied.patches, features: applied.features })
}
