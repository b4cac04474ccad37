//! What `trace` and `profile` share: the program to run (SCRIPT, -c CODE or - with ARGS, as
//! `copylab run` takes them), the memo backend, and an output file opened before any work.

use std::path::Path;

use copylab_stdlib_copy::CopySource;
use copylab_vm::{HostConfig, InterpreterFlags, Program};

use crate::cli::{MemoChoice, ProgramArgs};
use crate::error::CliError;

impl ProgramArgs {
    pub(crate) fn is_given(&self) -> bool {
        self.code.is_some() || self.script.is_some()
    }

    /// The program and its `sys.argv`, exactly as `copylab run` builds them.
    pub(crate) fn program(&self) -> Result<(Program, Vec<String>), CliError> {
        let rest = self.args.iter().cloned();
        Ok(match (&self.code, &self.script) {
            (Some(code), script) => {
                (Program::code(code), ["-c".to_owned()].into_iter().chain(script.clone()).chain(rest).collect())
            }
            (None, Some(script)) if script == "-" => {
                (Program::stdin()?, ["-".to_owned()].into_iter().chain(rest).collect())
            }
            (None, Some(script)) => {
                let program = Program::file(Path::new(script))?;
                (program, [script.clone()].into_iter().chain(rest).collect())
            }
            (None, None) => return Err(CliError::Usage("give a SCRIPT, -c CODE, or - to read standard input".into())),
        })
    }
}

/// The interpreter for `program` (or none) with CPython's `flags`: its directory (or the
/// current one) first on `sys.path`, then PYTHONPATH, as CPython builds them, then an active
/// venv's site-packages.
pub(crate) fn host_config(
    copy: CopySource,
    memo: &MemoChoice,
    program: Option<&Program>,
    argv: Vec<String>,
    flags: &InterpreterFlags,
) -> Result<HostConfig, CliError> {
    let mut config = HostConfig::new(copy);
    config.argv = if argv.is_empty() { vec![String::new()] } else { argv };
    config.sys_path = sys_path(program, flags);
    config.flags = flags.clone();
    config.memo = memo.backend()?;
    Ok(config)
}

/// What goes in front of `sys.path`, as CPython builds it: the script's directory (the current
/// one for -c, -m and stdin) unless -P or -I, then PYTHONPATH unless -E or -I, then the
/// site-packages of the venv in `VIRTUAL_ENV` unless -S or -I.
fn sys_path(program: Option<&Program>, flags: &InterpreterFlags) -> Vec<String> {
    let mut sys_path = Vec::new();
    if flags.prepends_program_directory() {
        sys_path.push(match program.and_then(|p| p.directory.as_ref()) {
            Some(dir) => dir.display().to_string(),
            // CPython puts the current directory first for -c and stdin; -m gets its full path.
            None if program.is_none() => std::env::current_dir().map(|d| d.display().to_string()).unwrap_or_default(),
            None => String::new(),
        });
    }
    // PYTHONPATH works as in CPython, e.g. to reach Debian's `test` package for test_copy.
    if flags.reads_environment()
        && let Some(extra) = std::env::var_os("PYTHONPATH")
    {
        sys_path.extend(std::env::split_paths(&extra).map(|p| p.display().to_string()));
    }
    // The embedded interpreter has no site module and no prefix of its own, so it would never
    // see the packages of the venv the user activated (`pip install pyperf` there, then
    // `copylab run -m pyperf`). Its site-packages comes after PYTHONPATH, where CPython's site
    // puts it; only pure-Python packages import, C extensions are built for CPython's ABI.
    if !(flags.no_site || flags.isolated) {
        sys_path.extend(venv_site_packages().into_iter().map(|p| p.display().to_string()));
    }
    sys_path
}

/// The `lib/python*/site-packages` directories of the venv named by `VIRTUAL_ENV` (what a
/// venv's `activate` sets), in name order; none when it is unset or not a venv.
pub(crate) fn venv_site_packages() -> Vec<std::path::PathBuf> {
    let Some(venv) = std::env::var_os("VIRTUAL_ENV").filter(|v| !v.is_empty()) else {
        return Vec::new();
    };
    let Ok(entries) = std::fs::read_dir(Path::new(&venv).join("lib")) else {
        return Vec::new();
    };
    let mut found: Vec<std::path::PathBuf> = entries
        .filter_map(Result::ok)
        .filter(|entry| entry.file_name().to_string_lossy().starts_with("python"))
        .map(|entry| entry.path().join("site-packages"))
        .filter(|dir| dir.is_dir())
        .collect();
    found.sort();
    found
}
