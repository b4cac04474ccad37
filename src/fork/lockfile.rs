//! The lock file of a fork's generated workspace. A `[patch]` turns the patched crate into a
//! path package, and cargo records path packages without `source` and `checksum`; with
//! `--locked`, cargo refuses to build unless the lock already says so. Deriving that lock from
//! the committed one (only those two lines of one package dropped) lets the fork build run
//! `--locked` too, so every other crate is exactly the version the stock build uses, and the
//! committed Cargo.lock is never rewritten.

use super::ForkError;

/// `committed` with `crate_name`'s registry package turned into a path package.
pub(crate) fn with_path_package(committed: &str, crate_name: &str) -> Result<String, ForkError> {
    let header = format!("[[package]]\nname = \"{crate_name}\"\n");
    let start = committed.find(&header).ok_or_else(|| missing(crate_name))?;
    // A package entry ends at the blank line before the next entry.
    let end = committed[start..].find("\n\n").map_or(committed.len(), |offset| start + offset + 1);
    let entry = &committed[start..end];
    if !entry.contains("\nsource = \"registry+") {
        return Err(missing(crate_name));
    }
    let path_entry: String = entry
        .split_inclusive('\n')
        .filter(|line| !line.starts_with("source = ") && !line.starts_with("checksum = "))
        .collect();
    Ok(format!("{}{path_entry}{}", &committed[..start], &committed[end..]))
}

fn missing(crate_name: &str) -> ForkError {
    ForkError::LockEntryMissing { crate_name: crate_name.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_patched_package_loses_source_and_checksum() {
        let lock = "version = 4\n\n[[package]]\nname = \"a\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\nchecksum = \"1\"\n\n\
                    [[package]]\nname = \"rustpython-vm\"\nversion = \"0.6.0\"\nsource = \"registry+x\"\nchecksum = \"2\"\n\
                    dependencies = [\n \"a\",\n]\n\n[[package]]\nname = \"z\"\nversion = \"1.0.0\"\nsource = \"registry+x\"\nchecksum = \"3\"\n";
        let forked = with_path_package(lock, "rustpython-vm").expect("entry exists");
        let expected =
            lock.replace("version = \"0.6.0\"\nsource = \"registry+x\"\nchecksum = \"2\"\n", "version = \"0.6.0\"\n");
        assert_eq!(forked, expected);
        assert!(matches!(with_path_package(lock, "rustpython"), Err(ForkError::LockEntryMissing { .. })));
    }
}
