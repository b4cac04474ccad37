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
    let memo = args.memo.backend()?;
    let config = HostConfig { copy, argv, sys_path, memo };
    let (status, cam) = super::with_host(config, move |host| {
        let status = host.run_main(&program);
        Ok((status, copylab_vm::cam_memo::report()))
    })?;
    if let (Some(destination), Some(cam)) = (&args.memo.cam_stats, cam) {
        write_cam_stats(destination, &cam)?;
    }
    // Exit statuses are a byte on Unix; CPython truncates the same way.
    Ok((status & 0xff) as u8)
}

/// `-` prints the tables to stderr (stdout belongs to the script); a path gets JSON.
fn write_cam_stats(destination: &Path, cam: &copylab_vm::cam_memo::CamReport) -> Result<(), CliError> {
    if destination == Path::new("-") {
        eprint!("\n{}", cam.render_table());
        return Ok(());
    }
    std::fs::write(destination, cam.to_json())
        .map_err(|source| CliError::Output { path: destination.to_owned(), source })
}
