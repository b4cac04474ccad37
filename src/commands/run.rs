use std::path::Path;


use crate::cli::RunArgs;
use crate::error::CliError;

pub(crate) fn run(args: RunArgs) -> Result<u8, CliError> {
    let copy = args.copy.copy_source()?;
    if args.cam_stats.is_some() && args.memo.memo != "cam" {
        return Err(CliError::Usage("--cam-stats needs --memo cam".into()));
    }
    let (program, argv) = args.program.program()?;
    let config = super::target::host_config(copy, &args.memo, Some(&program), argv)?;
    let (status, cam) = super::with_host(config, move |host| {
        let status = host.run_main(&program);
        Ok((status, copylab_vm::cam_memo::report()))
    })?;
    if let (Some(destination), Some(cam)) = (&args.cam_stats, cam) {
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
