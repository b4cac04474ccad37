//! The `sys.executable` of hosted programs: a small launcher script that runs this copylab
//! binary with the same copy.py selection, so child interpreters get it too.
//!
//! Why a file and not an environment variable: pyperf starts its workers with an environment
//! reduced to a few variables (PATH, HOME, PYTHONPATH, ...), and `subprocess` users may pass
//! `env={}`; a command line survives both. The file is named by its content, so every run with
//! the same selection shares one, and `cat "$(python -c 'import sys; print(sys.executable)')"`
//! shows exactly what a child runs.

use std::ffi::OsString;
use std::hash::{Hash as _, Hasher as _};
use std::os::unix::ffi::OsStrExt as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use crate::error::CliError;

/// Writes (or finds) the launcher of `copylab run <selection> -- "$@"` and returns its path.
/// `label` names the selection in the file's directory, for people reading paths in
/// pyperf's metadata (`python_executable`).
pub(crate) fn python_launcher(label: &str, selection: &[OsString]) -> Result<PathBuf, CliError> {
    let copylab = std::env::current_exe().map_err(|source| CliError::Launcher { path: "copylab".into(), source })?;
    launcher_of(&copylab, label, selection)
}

/// [`python_launcher`] of another copylab binary (a fork's, for `bench --script --vm`).
pub(crate) fn launcher_of(copylab: &Path, label: &str, selection: &[OsString]) -> Result<PathBuf, CliError> {
    let script = launcher_script(copylab, selection, std::env::var_os("VIRTUAL_ENV").as_deref());
    let mut hasher = std::hash::DefaultHasher::new();
    script.hash(&mut hasher);
    let safe_label: String =
        label.chars().map(|c| if c.is_ascii_alphanumeric() || "-_.,=".contains(c) { c } else { '_' }).collect();
    let name = format!("{safe_label}-{:016x}", hasher.finish());
    let mut failure = None;
    for root in launcher_roots() {
        let dir = root.join(&name);
        let path = dir.join("python3");
        if std::fs::read(&path).is_ok_and(|existing| existing == script.as_bytes()) {
            return Ok(path);
        }
        match write_executable(&dir, &path, &script) {
            Ok(()) => return Ok(path),
            // The first choice's error is the one to report if no place works.
            Err(source) => failure = failure.or(Some(CliError::Launcher { path, source })),
        }
    }
    Err(failure.expect("there is always at least one candidate directory"))
}

/// The sh script: a comment that says what it is, then one `exec`. An active venv is passed
/// on: pyperf starts its workers with a reduced environment that drops `VIRTUAL_ENV`, and a
/// worker must import the same packages (pyperf itself) as the program that started it.
fn launcher_script(copylab: &Path, selection: &[OsString], virtual_env: Option<&std::ffi::OsStr>) -> String {
    let venv = virtual_env
        .filter(|v| !v.is_empty())
        .map(|v| format!("export VIRTUAL_ENV={}\n", shell_quote(v.as_bytes())))
        .unwrap_or_default();
    let mut command = vec![shell_quote(copylab.as_os_str().as_bytes()), "run".to_owned()];
    command.extend(selection.iter().map(|arg| shell_quote(arg.as_bytes())));
    command.extend(["--".to_owned(), "\"$@\"".to_owned()]);
    format!(
        "#!/bin/sh\n\
         # sys.executable of programs run by `copylab run`: a python with the same copy.py\n\
         # selection, for child interpreters. Written by copylab; safe to delete.\n\
         {venv}exec {}\n",
        command.join(" ")
    )
}

fn shell_quote(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    format!("'{}'", text.replace('\'', r"'\''"))
}

/// Where launchers may live, best first: the user's cache (`$XDG_CACHE_HOME`, else
/// `~/.cache`), then the temp directory (a read-only home must not break `copylab run`).
fn launcher_roots() -> Vec<PathBuf> {
    let cache = std::env::var_os("XDG_CACHE_HOME")
        .filter(|dir| Path::new(dir).is_absolute())
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")));
    cache.into_iter().chain([std::env::temp_dir()]).map(|dir| dir.join("copylab").join("python")).collect()
}

/// Written beside its final name and renamed over it, so a concurrent run never executes a
/// half-written launcher.
fn write_executable(dir: &Path, path: &Path, script: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let temporary = dir.join(format!(".python3.{}", std::process::id()));
    std::fs::write(&temporary, script)?;
    std::fs::set_permissions(&temporary, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn script_execs_copylab_with_the_selection_quoted() {
        let selection: Vec<OsString> =
            ["--variant", "merged", "--copy-py", "/tmp/it's here/copy.py"].into_iter().map(OsString::from).collect();
        let script = launcher_script(Path::new("/opt/copylab"), &selection, None);
        assert!(script.starts_with("#!/bin/sh\n"), "{script}");
        assert!(
            script.ends_with(
                "exec '/opt/copylab' run '--variant' 'merged' '--copy-py' '/tmp/it'\\''s here/copy.py' -- \"$@\"\n"
            ),
            "{script}"
        );
        let in_venv = launcher_script(Path::new("/opt/copylab"), &selection, Some("/home/me/.venv".as_ref()));
        assert!(in_venv.contains("\nexport VIRTUAL_ENV='/home/me/.venv'\nexec '/opt/copylab' run"), "{in_venv}");
    }
}
