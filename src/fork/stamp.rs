//! What a fork binary was built from. A fork built before an edit to copylab or to its patch
//! sets still runs, and would silently benchmark the old code; so `copylab fork build` writes
//! `target/fork/NAME/copylab.stamp` beside the binary, and `bench --vm fork:NAME` refuses a
//! binary whose stamp is missing or no longer matches the tree.
//!
//! The stamp holds one `SHA-256  PATH` line per input, sorted by path:
//!
//! * the fork's patch sets: each set's `*.patch` files and its `features` file, exactly what
//!   [`PatchSet::load`] reads;
//! * the copylab sources compiled into every binary: the root `Cargo.toml` and `Cargo.lock`,
//!   and every file under the root crate's `src/` and the workspace members' directories,
//!   except their `tests/`, `benches/` and `examples/` (no binary compiles them) and
//!   `vm-patches/patches/` (only the fork's own sets are inputs, above).
//!
//! Content is hashed, not modification times: a checkout or a `touch` does not make a fork
//! stale, an edit does. Docs, README and the integration tests are not inputs, so editing them
//! costs no rebuild.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use super::{ForkError, ForkName, PatchSet};

/// Directories of the source tree whose files are compiled into the binary: the root crate's
/// `src/` and the workspace members (a unit test checks these against Cargo.toml).
const SOURCE_DIRS: [&str; 5] = ["src", "bench", "cam-device", "stdlib-copy", "vm-patches"];
/// Top-level files that decide how everything compiles.
const SOURCE_FILES: [&str; 2] = ["Cargo.toml", "Cargo.lock"];
/// Directories inside a member that a binary never compiles.
const NOT_COMPILED: [&str; 3] = ["tests", "benches", "examples"];
/// The patch sets: only the fork's own sets are its inputs.
const PATCH_SETS: &str = "vm-patches/patches";

const HEADER: &str = "# copylab fork stamp: SHA-256 and path of every input the binary beside it was built from";
const PATCHES_DIR_KEY: &str = "patches-dir ";

/// The stamp of fork `name`, beside its binary.
pub(crate) fn path(fork_root: &Path, name: &ForkName) -> PathBuf {
    name.dir(fork_root).join("copylab.stamp")
}

/// The inputs of a fork build and their hashes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Stamp {
    /// Where the fork's patch sets were read from (`fork build --patches-dir`).
    pub(crate) patches_dir: PathBuf,
    /// Path (relative to the source tree, or absolute outside it) to lowercase hex SHA-256.
    pub(crate) files: BTreeMap<String, String>,
}

impl Stamp {
    /// The inputs of fork `name` as they are now in `source_dir` and `patches_dir`.
    pub(crate) fn of_tree(source_dir: &Path, patches_dir: &Path, name: &ForkName) -> Result<Self, ForkError> {
        let mut inputs: Vec<PathBuf> = SOURCE_FILES.iter().map(|file| source_dir.join(file)).collect();
        for dir in SOURCE_DIRS {
            collect_files(source_dir, &source_dir.join(dir), &mut inputs)?;
        }
        for set in &name.sets {
            let set = PatchSet::load(patches_dir, set)?;
            inputs.extend(set.patches);
            let features = patches_dir.join(&set.name).join("features");
            if features.is_file() {
                inputs.push(features);
            }
        }
        let mut files = BTreeMap::new();
        for input in inputs {
            let bytes = std::fs::read(&input).map_err(|source| ForkError::Read { path: input.clone(), source })?;
            let key = input.strip_prefix(source_dir).unwrap_or(&input).display().to_string();
            files.insert(key, copylab_stdlib_copy::sha256_hex(&bytes));
        }
        Ok(Stamp { patches_dir: patches_dir.to_path_buf(), files })
    }

    pub(crate) fn render(&self) -> String {
        let mut text = format!("{HEADER}\n{PATCHES_DIR_KEY}{}\n", self.patches_dir.display());
        for (path, hash) in &self.files {
            text.push_str(&format!("{hash}  {path}\n"));
        }
        text
    }

    /// Reads what [`Stamp::render`] wrote; the error says which line is wrong.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut patches_dir = None;
        let mut files = BTreeMap::new();
        for (number, line) in text.lines().enumerate() {
            if line.starts_with('#') {
                continue;
            }
            if let Some(dir) = line.strip_prefix(PATCHES_DIR_KEY) {
                patches_dir = Some(PathBuf::from(dir));
                continue;
            }
            match line.split_once("  ") {
                Some((hash, path))
                    if hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) && !path.is_empty() =>
                {
                    files.insert(path.to_string(), hash.to_string());
                }
                _ => return Err(format!("line {} is not `SHA-256  PATH`: '{line}'", number + 1)),
            }
        }
        let patches_dir = patches_dir.ok_or_else(|| format!("no `{PATCHES_DIR_KEY}DIR` line"))?;
        Ok(Stamp { patches_dir, files })
    }

    /// How the inputs recorded in `self` differ from `now`.
    pub(crate) fn changes_to(&self, now: &Stamp) -> Changes {
        let mut changes = Changes::default();
        for (path, hash) in &now.files {
            match self.files.get(path) {
                None => changes.added.push(path.clone()),
                Some(built) if built != hash => changes.changed.push(path.clone()),
                Some(_) => {}
            }
        }
        changes.removed = self.files.keys().filter(|path| !now.files.contains_key(*path)).cloned().collect();
        changes
    }
}

/// Input files that differ between a build and the tree now.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Changes {
    pub(crate) changed: Vec<String>,
    pub(crate) added: Vec<String>,
    pub(crate) removed: Vec<String>,
}

impl Changes {
    pub(crate) fn is_empty(&self) -> bool {
        self.changed.is_empty() && self.added.is_empty() && self.removed.is_empty()
    }
}

/// At most this many paths per kind: one edited submodule must not flood the terminal.
const SHOWN: usize = 5;

impl fmt::Display for Changes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        for (what, paths) in [("changed", &self.changed), ("new", &self.added), ("deleted", &self.removed)] {
            if paths.is_empty() {
                continue;
            }
            let mut part = format!("{what}: {}", paths[..paths.len().min(SHOWN)].join(", "));
            if paths.len() > SHOWN {
                part.push_str(&format!(" and {} more", paths.len() - SHOWN));
            }
            parts.push(part);
        }
        f.write_str(&parts.join("; "))
    }
}

/// Whether fork `name`'s stamp says it was built from exactly what `source_dir` and
/// `patches_dir` hold now. A missing, unreadable or foreign stamp is simply not current.
pub(crate) fn is_current(source_dir: &Path, patches_dir: &Path, fork_root: &Path, name: &ForkName) -> bool {
    let Ok(text) = std::fs::read_to_string(path(fork_root, name)) else { return false };
    let Ok(built) = Stamp::parse(&text) else { return false };
    built.patches_dir == patches_dir
        && Stamp::of_tree(source_dir, patches_dir, name).is_ok_and(|now| built.changes_to(&now).is_empty())
}

/// Refuses fork `name` unless its stamp matches the tree: the binary runs what the tree holds.
pub(crate) fn check(source_dir: &Path, fork_root: &Path, name: &ForkName) -> Result<(), ForkError> {
    let stamp_path = path(fork_root, name);
    let unstamped = |reason: String, rebuild: String| ForkError::Unstamped {
        name: name.as_string(),
        stamp: stamp_path.clone(),
        reason,
        rebuild,
    };
    let default_rebuild = rebuild_command(source_dir, &source_dir.join(PATCH_SETS), name);
    let text = match std::fs::read_to_string(&stamp_path) {
        Ok(text) => text,
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            return Err(unstamped("missing".to_string(), default_rebuild));
        }
        Err(source) => return Err(ForkError::Read { path: stamp_path, source }),
    };
    let built = Stamp::parse(&text).map_err(|reason| unstamped(reason, default_rebuild))?;
    let now = Stamp::of_tree(source_dir, &built.patches_dir, name)?;
    let changes = built.changes_to(&now);
    if changes.is_empty() {
        return Ok(());
    }
    Err(ForkError::Stale {
        name: name.as_string(),
        binary: name.binary(fork_root),
        changes: Box::new(changes),
        rebuild: rebuild_command(source_dir, &built.patches_dir, name),
    })
}

/// The command that rebuilds `name` from the same patch sets.
fn rebuild_command(source_dir: &Path, patches_dir: &Path, name: &ForkName) -> String {
    let mut command = format!("copylab fork build {}", name.as_string());
    if patches_dir != source_dir.join(PATCH_SETS) {
        command.push_str(&format!(" --patches-dir {}", patches_dir.display()));
    }
    command
}

/// Every file under `dir` that is compiled into the binary, skipping what [`NOT_COMPILED`]
/// and [`PATCH_SETS`] exclude, dotfiles and build output.
fn collect_files(source_dir: &Path, dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), ForkError> {
    let entries = std::fs::read_dir(dir).map_err(|source| ForkError::Read { path: dir.to_path_buf(), source })?;
    for entry in entries {
        let entry = entry.map_err(|source| ForkError::Read { path: dir.to_path_buf(), source })?;
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with('.') || name == "target" || name == "__pycache__" {
            continue;
        }
        let relative = path.strip_prefix(source_dir).unwrap_or(&path);
        // `tests/` of a member, not a module directory of the root crate's `src/`.
        let in_member_root =
            relative.parent().is_some_and(|parent| parent != Path::new("src") && parent.components().count() == 1);
        if relative == Path::new(PATCH_SETS) || (in_member_root && NOT_COMPILED.contains(&name.as_ref())) {
            continue;
        }
        if path.is_dir() {
            collect_files(source_dir, &path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A miniature source tree with one patch set, `demo`.
    fn tree() -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path();
        for (file, text) in [
            ("Cargo.toml", "[workspace]\n"),
            ("Cargo.lock", "version = 4\n"),
            ("README.md", "docs\n"),
            ("src/main.rs", "fn main() {}\n"),
            ("bench/src/lib.rs", "//! bench\n"),
            ("bench/tests/it.rs", "// a test\n"),
            ("cam-device/src/lib.rs", "\n"),
            ("stdlib-copy/patches/memo.patch", "--- a\n"),
            ("stdlib-copy/src/lib.rs", "\n"),
            ("vm-patches/src/lib.rs", "\n"),
            ("vm-patches/python/runner.py", "pass\n"),
            ("vm-patches/patches/demo/01-a.patch", "--- a/src/x.rs\n"),
            ("vm-patches/patches/demo/features", "copylab-vm/threading\n"),
            ("vm-patches/patches/other/01-b.patch", "--- a/src/y.rs\n"),
            ("tests/cli.rs", "// integration tests\n"),
        ] {
            let path = root.join(file);
            std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
            std::fs::write(path, text).expect("write");
        }
        dir
    }

    fn demo() -> ForkName {
        ForkName::parse("demo").expect("valid")
    }

    #[test]
    fn inputs_are_the_compiled_sources_and_the_forks_own_sets() {
        let dir = tree();
        let patches = dir.path().join(PATCH_SETS);
        let stamp = Stamp::of_tree(dir.path(), &patches, &demo()).expect("stamps");
        let paths: Vec<&str> = stamp.files.keys().map(String::as_str).collect();
        assert_eq!(
            paths,
            [
                "Cargo.lock",
                "Cargo.toml",
                "bench/src/lib.rs",
                "cam-device/src/lib.rs",
                "src/main.rs",
                "stdlib-copy/patches/memo.patch",
                "stdlib-copy/src/lib.rs",
                "vm-patches/patches/demo/01-a.patch",
                "vm-patches/patches/demo/features",
                "vm-patches/python/runner.py",
                "vm-patches/src/lib.rs",
            ]
        );
        assert_eq!(stamp.files["src/main.rs"], copylab_stdlib_copy::sha256_hex(b"fn main() {}\n"));
        assert_eq!(Stamp::parse(&stamp.render()).expect("round trip"), stamp);
    }

    #[test]
    fn a_stamp_is_fresh_until_an_input_changes() {
        let dir = tree();
        let root = tempfile::tempdir().expect("fork root");
        let patches = dir.path().join(PATCH_SETS);
        let write_stamp = || {
            let stamp = Stamp::of_tree(dir.path(), &patches, &demo()).expect("stamps");
            std::fs::create_dir_all(demo().dir(root.path())).expect("mkdir");
            std::fs::write(path(root.path(), &demo()), stamp.render()).expect("write stamp");
        };
        let check = || check(dir.path(), root.path(), &demo());

        let err = check().expect_err("no stamp yet");
        assert!(matches!(err, ForkError::Unstamped { .. }), "{err}");
        assert!(err.to_string().contains("rebuild it with `copylab fork build demo`"), "{err}");

        write_stamp();
        check().expect("fresh");
        // Not inputs: docs, integration tests, other forks' patch sets.
        for file in ["README.md", "tests/cli.rs", "bench/tests/it.rs", "vm-patches/patches/other/01-b.patch"] {
            std::fs::write(dir.path().join(file), "edited\n").expect("write");
        }
        check().expect("still fresh");

        std::fs::write(dir.path().join("src/main.rs"), "fn main() { edited() }\n").expect("write");
        std::fs::write(dir.path().join("vm-patches/patches/demo/features"), "").expect("write");
        std::fs::write(dir.path().join("src/new.rs"), "\n").expect("write");
        std::fs::remove_file(dir.path().join("vm-patches/python/runner.py")).expect("rm");
        let err = check().expect_err("stale");
        let ForkError::Stale { changes, .. } = &err else { panic!("expected Stale, got {err:?}") };
        assert_eq!(changes.changed, ["src/main.rs", "vm-patches/patches/demo/features"]);
        assert_eq!(changes.added, ["src/new.rs"]);
        assert_eq!(changes.removed, ["vm-patches/python/runner.py"]);
        let message = err.to_string();
        assert!(
            message.contains("changed: src/main.rs, vm-patches/patches/demo/features; new: src/new.rs; deleted: vm-patches/python/runner.py")
                && message.ends_with("rebuild it with `copylab fork build demo` (minutes)"),
            "{message}"
        );

        write_stamp();
        check().expect("fresh after the rebuild");
    }

    #[test]
    fn a_fork_built_from_another_patches_dir_is_checked_against_it() {
        let dir = tree();
        let root = tempfile::tempdir().expect("fork root");
        let elsewhere = tempfile::tempdir().expect("patches");
        std::fs::create_dir(elsewhere.path().join("demo")).expect("mkdir");
        std::fs::write(elsewhere.path().join("demo/features"), "copylab-vm/threading\n").expect("write");
        let stamp = Stamp::of_tree(dir.path(), elsewhere.path(), &demo()).expect("stamps");
        let features = elsewhere.path().join("demo/features").display().to_string();
        assert!(stamp.files.contains_key(&features), "{:?}", stamp.files.keys());
        std::fs::create_dir_all(demo().dir(root.path())).expect("mkdir");
        std::fs::write(path(root.path(), &demo()), stamp.render()).expect("write stamp");
        check(dir.path(), root.path(), &demo()).expect("fresh");

        std::fs::write(elsewhere.path().join("demo/features"), "").expect("write");
        let message = check(dir.path(), root.path(), &demo()).expect_err("stale").to_string();
        let rebuild = format!("`copylab fork build demo --patches-dir {}`", elsewhere.path().display());
        assert!(message.contains(&format!("changed: {features}")) && message.contains(&rebuild), "{message}");
    }

    #[test]
    fn a_damaged_stamp_is_refused_naming_the_line() {
        assert_eq!(
            Stamp::parse(&format!("{HEADER}\nnot a hash line\n")),
            Err("line 2 is not `SHA-256  PATH`: 'not a hash line'".to_string())
        );
        assert_eq!(
            Stamp::parse(&format!("{}  src/main.rs\n", "a".repeat(64))),
            Err("no `patches-dir DIR` line".to_string())
        );
        let dir = tree();
        let root = tempfile::tempdir().expect("fork root");
        std::fs::create_dir_all(demo().dir(root.path())).expect("mkdir");
        std::fs::write(path(root.path(), &demo()), "garbage\n").expect("write");
        let err = check(dir.path(), root.path(), &demo()).expect_err("damaged");
        assert!(matches!(err, ForkError::Unstamped { .. }) && err.to_string().contains("line 1"), "{err}");
    }

    #[test]
    fn source_dirs_cover_every_workspace_member() {
        let manifest = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml"))
            .expect("the root Cargo.toml");
        let members = manifest.lines().find_map(|line| line.strip_prefix("members = [")).expect("a members line");
        for member in members.trim_end_matches(']').split(',').map(|m| m.trim().trim_matches('"')) {
            assert!(SOURCE_DIRS.contains(&member), "workspace member {member} is not a stamp input");
        }
    }
}
