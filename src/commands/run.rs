use std::path::Path;

use copylab_vm::{CommandLine, Invocation, MainProgram, Program};

use crate::cli::{MemoKind, RunArgs};
use crate::error::CliError;
use crate::output::Output;

pub(crate) fn run(args: RunArgs) -> Result<u8, CliError> {
    let command_line = match copylab_vm::command_line::parse(&args.python)? {
        Invocation::Run(command_line) => command_line,
        Invocation::Help => {
            super::print_text(copylab_vm::command_line::USAGE);
            return Ok(0);
        }
        Invocation::Version => {
            super::print_text(&format!("{}\n", copylab_vm::command_line::version_line()));
            return Ok(0);
        }
    };
    let copy = args.copy.copy_source()?;
    if args.cam_stats.is_some() && args.memo.memo != MemoKind::Cam {
        return Err(CliError::Usage("--cam-stats needs --memo cam".into()));
    }
    let program = source_program(&command_line)?;
    let mut config = super::target::host_config(copy, &args.memo, program.as_ref(), command_line.argv.clone())?;
    config.flags = command_line.flags.clone();
    config.sys_path = super::target::sys_path(program.as_ref(), &command_line.flags);
    let mut selection = args.copy.selection_args();
    selection.extend(args.memo.selection_args());
    let label = format!("{}-{}", config.copy.label, args.memo.memo.name());
    config.executable = Some(super::python_launcher::python_launcher(&label, &selection)?.display().to_string());

    let main = command_line.main;
    let (status, cam) = super::with_host(config, move |host| {
        let status = match (&main, program) {
            (MainProgram::Module(name), _) => host.run_module_main(name),
            (_, Some(program)) => host.run_main(&program),
            (_, None) => unreachable!("every main program but -m has source"),
        };
        Ok((status, copylab_vm::cam_memo::report()))
    })?;
    if let (Some(destination), Some(cam)) = (&args.cam_stats, cam) {
        write_cam_stats(destination, &cam)?;
    }
    // Exit statuses are a byte on Unix; CPython truncates the same way.
    Ok((status & 0xff) as u8)
}

/// The source of `__main__`, read before the interpreter starts; `None` for `-m`, whose module
/// runpy finds on `sys.path`.
fn source_program(command_line: &CommandLine) -> Result<Option<Program>, CliError> {
    Ok(match &command_line.main {
        MainProgram::Script(path) => Some(Program::file(Path::new(path))?),
        MainProgram::Code(code) => Some(Program::code(code)),
        MainProgram::Stdin => Some(Program::stdin()?),
        MainProgram::Module(_) => None,
    })
}

/// `-` prints the tables to stderr (stdout belongs to the script); a path gets JSON.
fn write_cam_stats(destination: &Path, cam: &copylab_vm::cam_memo::CamReport) -> Result<(), CliError> {
    if destination == Path::new("-") {
        eprint!("\n{}", cam.render_table());
        return Ok(());
    }
    Output::check(destination)?.write(&cam.to_json())
}
