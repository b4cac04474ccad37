//! Pins the baseline to the exact bytes the build read from rustpython-pylib, so a dependency
//! upgrade cannot silently change what every comparison is measured against.

use sha2::{Digest, Sha256};

/// SHA-256 of `Lib/copy.py` in rustpython-pylib 0.6.0 (CPython 3.14's copy.py).
const PINNED_SHA256: &str = "15154fde290d6e65b5007905689a47a9a5a724822c5e06eec35d9ffbb2a3aa69";

#[test]
fn baseline_is_the_pinned_upstream_file() {
    let baseline = copylab_stdlib_copy::baseline().source;
    let digest = format!("{:x}", Sha256::digest(baseline.as_bytes()));
    assert_eq!(
        digest,
        PINNED_SHA256,
        "the baseline copy.py changed (read from {}). If the rustpython-pylib upgrade is \
         intended, review the upstream diff, re-check every patch, then update the pin.",
        copylab_stdlib_copy::upstream_path()
    );
}

#[test]
fn baseline_matches_the_dependency_file_on_disk() {
    let on_disk = std::fs::read_to_string(copylab_stdlib_copy::upstream_path()).unwrap();
    assert_eq!(on_disk, copylab_stdlib_copy::baseline().source);
}
