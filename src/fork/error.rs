use std::path::PathBuf;

use super::stamp::Changes;

/// Everything preparing or building a fork can fail with. Each message names the file or
/// command at fault and what to do.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ForkError {
    #[error(
        "'{input}' is not a fork name: give patch set names (letters, digits, '-', '_') joined by '+', e.g. alloc+threading"
    )]
    BadName { input: String },
    #[error("'{input}' is not a VM: use stock or fork:NAME (a fork built by `copylab fork build NAME`)")]
    BadVm { input: String },
    #[error("fork:{name} is not built ({binary} is missing): run `copylab fork build {name}` first (minutes)", binary = binary.display())]
    NotBuilt { name: String, binary: PathBuf },
    #[error("fork:{name} is stale: {binary} was built from other sources than the tree holds now ({changes}); rebuild it with `{rebuild}` (minutes)", binary = binary.display())]
    Stale { name: String, binary: PathBuf, changes: Box<Changes>, rebuild: String },
    #[error("fork:{name} has no usable build stamp ({stamp}: {reason}), so what it runs is unknown; rebuild it with `{rebuild}` (minutes)", stamp = stamp.display())]
    Unstamped { name: String, stamp: PathBuf, reason: String, rebuild: String },
    #[error("no patch set '{name}' in {dir}; known sets: {known}", dir = dir.display(), known = if known.is_empty() { "none".to_string() } else { known.join(", ") })]
    UnknownPatchSet { name: String, dir: PathBuf, known: Vec<String> },
    #[error("cannot read {path}: {source}", path = path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}; check that target/ is writable", path = path.display())]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{patch} is not a unified diff ({reason}); regenerate it with `diff -u`", patch = patch.display())]
    NotADiff { patch: PathBuf, reason: String },
    #[error("{patch} patches '{target}', which is not a file of {crate_dir}; fix the path in its ---/+++ header (relative to the crate root, optionally prefixed a/ and b/)", patch = patch.display(), crate_dir = crate_dir.display())]
    MissingTarget { patch: PathBuf, target: String, crate_dir: PathBuf },
    #[error("{patch} does not apply to {target} ({reason}); rebase the patch on the pristine rustpython-vm 0.6.0 source", patch = patch.display())]
    DoesNotApply { patch: PathBuf, target: String, reason: String },
    #[error("cannot run {program}: {source}; is cargo on PATH?")]
    Spawn {
        program: String,
        #[source]
        source: std::io::Error,
    },
    #[error("`{command}` failed ({status}):\n{stderr}")]
    Cargo { command: String, status: String, stderr: String },
    #[error("cargo metadata lists no {crate_name} {version}; run `cargo fetch --locked` in the copylab tree")]
    PristineNotFound { crate_name: String, version: String },
    #[error("Cargo.lock has no registry package {crate_name}; the fork build expects the committed lock file")]
    LockEntryMissing { crate_name: String },
    #[error("{path} has a line that is not a cargo feature: '{line}' (expected e.g. copylab-vm/threading)", path = path.display())]
    BadFeature { path: PathBuf, line: String },
}
