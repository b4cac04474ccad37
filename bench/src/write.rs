//! Output files are written whole or not at all.

use std::io::Write as _;
use std::path::Path;

use crate::error::BenchError;

/// Writes `text` to a temporary file in `path`'s directory and renames it over `path` once
/// complete, so an interrupted or failed write never leaves a truncated report or JSON
/// file behind (pyperf would refuse a half-written file; a human would trust it).
pub fn write_atomically(path: &Path, text: &str) -> Result<(), BenchError> {
    let dir = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let error = |source| BenchError::output(path, source);
    // tempfile's default mode is 0600, right for secrets, wrong for a report meant to be
    // shared: ask for 0666 and let the umask decide, as for any file the user creates.
    let mut builder = tempfile::Builder::new();
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut file = builder.tempfile_in(dir).map_err(error)?;
    file.write_all(text.as_bytes()).map_err(error)?;
    file.as_file().sync_all().map_err(error)?;
    file.persist(path).map_err(|err| error(err.error))?;
    Ok(())
}
