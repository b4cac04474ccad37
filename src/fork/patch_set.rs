//! Patch sets: directories of `vm-patches/patches/`, each a list of unified diffs against the
//! pristine crate and an optional `features` file (cargo features the build turns on, one a
//! line, `#` comments), so a set can be a source change, a build-flag change, or both.

use std::path::{Path, PathBuf};

use super::ForkError;

#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct PatchSet {
    pub(crate) name: String,
    /// `*.patch` files, sorted by file name: the order they apply in.
    pub(crate) patches: Vec<PathBuf>,
    /// Cargo features for `cargo build --features`, e.g. `copylab-vm/threading`.
    pub(crate) features: Vec<String>,
}

impl PatchSet {
    /// Reads the set `name` from `patches_dir`.
    pub(crate) fn load(patches_dir: &Path, name: &str) -> Result<Self, ForkError> {
        let dir = patches_dir.join(name);
        if !dir.is_dir() {
            let known = list_patch_sets(patches_dir)?.into_iter().map(|set| set.name).collect();
            return Err(ForkError::UnknownPatchSet { name: name.to_string(), dir: patches_dir.to_path_buf(), known });
        }
        let read_dir = |path: &Path| std::fs::read_dir(path).map_err(|source| read_error(path, source));
        let mut patches: Vec<PathBuf> = read_dir(&dir)?
            .map(|entry| entry.map(|entry| entry.path()).map_err(|source| read_error(&dir, source)))
            .collect::<Result<_, _>>()?;
        patches.retain(|path| path.extension().is_some_and(|ext| ext == "patch"));
        patches.sort();
        let features = read_features(&dir.join("features"))?;
        Ok(PatchSet { name: name.to_string(), patches, features })
    }
}

/// Every set in `patches_dir`, sorted by name.
pub(crate) fn list_patch_sets(patches_dir: &Path) -> Result<Vec<PatchSet>, ForkError> {
    let entries = std::fs::read_dir(patches_dir).map_err(|source| read_error(patches_dir, source))?;
    let mut names = Vec::new();
    for entry in entries {
        let path = entry.map_err(|source| read_error(patches_dir, source))?.path();
        if let (true, Some(name)) = (path.is_dir(), path.file_name().and_then(|name| name.to_str())) {
            names.push(name.to_string());
        }
    }
    names.sort();
    names.iter().map(|name| PatchSet::load(patches_dir, name)).collect()
}

/// Feature lines of a set's `features` file; no file means no features.
fn read_features(path: &Path) -> Result<Vec<String>, ForkError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(read_error(path, source)),
    };
    let mut features = Vec::new();
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or_default().trim();
        if line.is_empty() {
            continue;
        }
        let plain =
            |part: &str| !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || "-_".contains(c));
        match line.split_once('/') {
            Some((package, feature)) if plain(package) && plain(feature) => features.push(line.to_string()),
            _ => return Err(ForkError::BadFeature { path: path.to_path_buf(), line: line.to_string() }),
        }
    }
    Ok(features)
}

fn read_error(path: &Path, source: std::io::Error) -> ForkError {
    ForkError::Read { path: path.to_path_buf(), source }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_list_patches_in_order_and_features() {
        let dir = tempfile::tempdir().expect("tempdir");
        let set = dir.path().join("demo");
        std::fs::create_dir(&set).expect("mkdir");
        for file in ["02-b.patch", "01-a.patch", "notes.txt"] {
            std::fs::write(set.join(file), "").expect("write");
        }
        std::fs::write(set.join("features"), "# why\ncopylab-vm/threading  # because\n\n").expect("write");
        let loaded = PatchSet::load(dir.path(), "demo").expect("loads");
        let names: Vec<_> = loaded.patches.iter().map(|p| p.file_name().expect("name").to_owned()).collect();
        assert_eq!(names, ["01-a.patch", "02-b.patch"]);
        assert_eq!(loaded.features, ["copylab-vm/threading"]);

        let err = PatchSet::load(dir.path(), "nope").expect_err("unknown");
        assert!(err.to_string().contains("known sets: demo"), "{err}");
        std::fs::write(set.join("features"), "threading\n").expect("write");
        let err = PatchSet::load(dir.path(), "demo").expect_err("bad feature");
        assert!(err.to_string().contains("not a cargo feature: 'threading'"), "{err}");
    }
}
