//! Applies a fork's patch sets to a fresh copy of the pristine crate, with `diffy` as
//! stdlib-copy's build script does for copy.py. A patch that does not apply is an error that
//! names the patch file, the file it patches and the hunk: a fork that silently differs from
//! its patches would make every measurement of it meaningless.

use std::path::{Path, PathBuf};

use super::{ForkError, ForkName, PATCHED_CRATE, PatchSet, pristine};

/// A patched crate, ready for a build.
#[derive(Debug)]
pub(crate) struct AppliedFork {
    pub(crate) name: ForkName,
    /// The patched copy of the crate, `None` when no set has a source patch (a build-flag fork).
    pub(crate) crate_dir: Option<PathBuf>,
    /// Every patch applied, in order.
    pub(crate) patches: Vec<PathBuf>,
    /// Cargo features of all sets.
    pub(crate) features: Vec<String>,
}

/// Copies the pristine crate into `<fork_root>/<name>/` and applies the sets' patches.
pub(crate) fn apply(
    source_dir: &Path,
    patches_dir: &Path,
    fork_root: &Path,
    name: &ForkName,
) -> Result<AppliedFork, ForkError> {
    let sets: Vec<PatchSet> = name.sets.iter().map(|set| PatchSet::load(patches_dir, set)).collect::<Result<_, _>>()?;
    let patches: Vec<PathBuf> = sets.iter().flat_map(|set| set.patches.iter().cloned()).collect();
    let mut features: Vec<String> = sets.iter().flat_map(|set| set.features.iter().cloned()).collect();
    features.dedup();
    let fork_dir = name.dir(fork_root);
    if patches.is_empty() {
        return Ok(AppliedFork { name: name.clone(), crate_dir: None, patches, features });
    }
    let (pristine_dir, version) = pristine::locate(source_dir, PATCHED_CRATE)?;
    let crate_dir = fork_dir.join(format!("{PATCHED_CRATE}-{version}"));
    // Patch a fresh pristine copy every time, so a patch is never applied twice, then move into
    // the crate directory only the files whose content changed: unchanged files keep their
    // modification times, so cargo does not take them for edits (docs/vm-patches.md says why
    // rustpython-vm's build script still reruns on every fork build).
    let staging = fork_dir.join("staging");
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(|source| ForkError::Write { path: staging.clone(), source })?;
    }
    pristine::sync_tree(&pristine_dir, &staging)?;
    for patch in &patches {
        apply_one(patch, &staging)?;
    }
    pristine::sync_tree(&staging, &crate_dir)?;
    std::fs::remove_dir_all(&staging).map_err(|source| ForkError::Write { path: staging, source })?;
    Ok(AppliedFork { name: name.clone(), crate_dir: Some(crate_dir), patches, features })
}

/// Applies one single-file unified diff inside `crate_dir`.
fn apply_one(patch_path: &Path, crate_dir: &Path) -> Result<(), ForkError> {
    let text = std::fs::read_to_string(patch_path)
        .map_err(|source| ForkError::Read { path: patch_path.to_path_buf(), source })?;
    let not_a_diff = |reason: String| ForkError::NotADiff { patch: patch_path.to_path_buf(), reason };
    let patch = diffy::Patch::from_str(&text).map_err(|err| not_a_diff(err.to_string()))?;
    if patch.hunks().is_empty() {
        return Err(not_a_diff("no hunks".to_string()));
    }
    let header = patch.modified().or(patch.original()).ok_or_else(|| not_a_diff("no file name".to_string()))?;
    let target = strip_diff_prefix(header);
    let target_path = crate_dir.join(target);
    let missing = || ForkError::MissingTarget {
        patch: patch_path.to_path_buf(),
        target: target.to_string(),
        crate_dir: crate_dir.to_path_buf(),
    };
    if target.split('/').any(|part| part == "..") || !target_path.is_file() {
        return Err(missing());
    }
    let original = std::fs::read_to_string(&target_path)
        .map_err(|source| ForkError::Read { path: target_path.clone(), source })?;
    let patched = diffy::apply(&original, &patch).map_err(|err| ForkError::DoesNotApply {
        patch: patch_path.to_path_buf(),
        target: target.to_string(),
        reason: err.to_string(),
    })?;
    std::fs::write(&target_path, patched).map_err(|source| ForkError::Write { path: target_path, source })
}

/// `a/src/x.rs` and `b/src/x.rs` (git's prefixes) name `src/x.rs`.
fn strip_diff_prefix(header: &str) -> &str {
    let header = header.trim();
    header.strip_prefix("a/").or_else(|| header.strip_prefix("b/")).unwrap_or(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PATCH: &str = "--- a/src/x.rs\n+++ b/src/x.rs\n@@ -1,2 +1,2 @@\n one\n-two\n+TWO // demo: why\n";

    #[test]
    fn applies_or_names_patch_and_hunk() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::create_dir(dir.path().join("src")).expect("mkdir");
        let patch = dir.path().join("01-demo.patch");
        std::fs::write(&patch, PATCH).expect("write");

        std::fs::write(dir.path().join("src/x.rs"), "one\ntwo\n").expect("write");
        apply_one(&patch, dir.path()).expect("applies");
        assert_eq!(std::fs::read_to_string(dir.path().join("src/x.rs")).expect("read"), "one\nTWO // demo: why\n");

        // Applied again, the context no longer matches.
        let err = apply_one(&patch, dir.path()).expect_err("twice");
        let message = err.to_string();
        assert!(
            message.contains("01-demo.patch") && message.contains("hunk #1") && message.contains("src/x.rs"),
            "{message}"
        );

        std::fs::write(&patch, PATCH.replace("src/x.rs", "src/missing.rs")).expect("write");
        assert!(matches!(apply_one(&patch, dir.path()), Err(ForkError::MissingTarget { .. })));
        std::fs::write(&patch, "not a diff\n").expect("write");
        assert!(matches!(apply_one(&patch, dir.path()), Err(ForkError::NotADiff { .. })));
    }
}
