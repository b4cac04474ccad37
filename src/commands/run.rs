use std::ffi::OsString;
use std::os::unix::process::CommandExt as _;
use std::path::Path;

use copylab_vm::{CommandLine, Finished, Invocation, MainProgram, Program};

use crate::cli::{MemoKind, RunArgs, RunCommandArgs};
use crate::error::CliError;
use crate::fork::Vm;
use crate::output::Output;

/// `copylab run --vm NAME`: here for `stock`; a fork's binary replaces this process (same pid,
/// stdio and signals) and runs the same command line without `--vm`, after the checks
/// `bench --vm` makes: a fork that is not built, or built from other sources, is refused.
/// Inside it, `sys.executable` relaunches that binary, so child interpreters run on the fork.
pub(crate) fn run_on_vm(args: RunCommandArgs) -> Result<u8, CliError> {
    match &args.vm {
        Vm::Stock => run(args.run),
        fork @ Vm::Fork(_) => {
            let binary = fork.resolve()?;
            let error = std::process::Command::new(&binary).args(relaunch_args(&args.run)).exec();
            Err(CliError::Exec { program: binary, source: error })
        }
    }
}

/// The `copylab run` arguments that select what `args` selects, without `--vm`.
fn relaunch_args(args: &RunArgs) -> Vec<OsString> {
    let mut relaunch: Vec<OsString> = vec!["run".into()];
    relaunch.extend(args.copy.selection_args());
    relaunch.extend(args.memo.selection_args());
    if let Some(path) = &args.cam_stats {
        let mut flag = OsString::from("--cam-stats=");
        flag.push(path);
        relaunch.push(flag);
    }
    relaunch.push("--".into());
    relaunch.extend(args.python.iter().cloned());
    relaunch
}

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
    // A bad --cam-stats=FILE fails before the program runs.
    let cam_stats = match args.cam_stats.as_deref() {
        Some(path) if path == Path::new("-") => Some(CamStats::Stderr),
        Some(path) => Some(CamStats::File(Output::check(path)?)),
        None => None,
    };
    let main = Main::of(&command_line)?;
    let program = match &main {
        Main::Source(program) => Some(program),
        Main::Module(_) => None,
    };
    let mut config =
        super::target::host_config(copy, &args.memo, program, command_line.argv.clone(), &command_line.flags)?;
    let mut selection = args.copy.selection_args();
    selection.extend(args.memo.selection_args());
    let label = format!("{}-{}", config.copy.label, args.memo.memo.name());
    config.executable = Some(super::python_launcher::python_launcher(&label, &selection)?.display().to_string());

    let Finished { status, cam } = super::with_host(config, move |host| {
        Ok(match &main {
            Main::Source(program) => host.run_main(program),
            Main::Module(name) => host.run_module_main(name),
        })
    })?;
    match (cam_stats, cam) {
        (Some(CamStats::Stderr), Some(cam)) => eprint!("\n{}", cam.render_table()),
        (Some(CamStats::File(output)), Some(cam)) => output.write(&cam.to_json())?,
        _ => {}
    }
    // Exit statuses are a byte on Unix; CPython truncates the same way.
    Ok((status & 0xff) as u8)
}

/// What runs as `__main__`: source read before the interpreter starts, or a module that
/// runpy finds on `sys.path` (`-m`).
enum Main {
    Source(Program),
    Module(String),
}

impl Main {
    fn of(command_line: &CommandLine) -> Result<Self, CliError> {
        Ok(match &command_line.main {
            MainProgram::Script(path) => Self::Source(Program::file(Path::new(path))?),
            MainProgram::Code(code) => Self::Source(Program::code(code)),
            MainProgram::Stdin => Self::Source(Program::stdin()?),
            MainProgram::Module(name) => Self::Module(name.clone()),
        })
    }
}

/// Where `--cam-stats` goes: tables on stderr (stdout belongs to the program), or JSON in a file.
enum CamStats {
    Stderr,
    File(Output),
}
