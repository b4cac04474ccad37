use std::path::Path;

use copylab_vm::{HostConfig, Program};

use crate::cli::RunArgs;
use crate::error::CliError;

pub(crate) fn run(args: RunArgs) -> Result<u8, CliError> {
    let copy = args.copy.copy_source()?;
    let (program, argv) = match (&args.code, &args.script) {
        (Some(code), script) => {
            // As with `python -c CODE a b`, every positional is an argument: argv = ['-c', a, b].
            let argv = ["-c".to_owned()].into_iter().chain(script.clone()).chain(args.args).collect();
            (Program::code(code), argv)
        }
        (None, Some(script)) if script == "-" => {
            (Program::stdin()?, ["-".to_owned()].into_iter().chain(args.args).collect())
        }
        (None, Some(script)) => {
            let program = Program::file(Path::new(script))?;
            (program, [script.clone()].into_iter().chain(args.args).collect())
        }
        (None, None) => {
            return Err(CliError::Usage("give a SCRIPT, -c CODE, or - to read standard input".into()));
        }
    };
    let mut sys_path = match &program.directory {
        Some(dir) => vec![dir.display().to_string()],
        // CPython puts the current directory first for -c and stdin.
        None => vec![String::new()],
    };
    // PYTHONPATH works as in CPython, e.g. to reach Debian's `test` package for test_copy.
    if let Some(extra) = std::env::var_os("PYTHONPATH") {
        sys_path.extend(std::env::split_paths(&extra).map(|p| p.display().to_string()));
    }
    let config = HostConfig { copy, argv, sys_path };
    let status = super::with_host(config, move |host| Ok(host.run_main(&program)))?;
    // Exit statuses are a byte on Unix; CPython truncates the same way.
    Ok((status & 0xff) as u8)
}
