//! `copylab profile`: a line profile of copy.py, in line_profiler's layout, for a script or
//! bench workloads; the profiler's overhead against an unprofiled run; a flame graph.

use std::path::PathBuf;

use clap::Args;
use copylab_bench::BenchFiles;
use copylab_stdlib_copy::CopySource;
use copylab_vm::{HostConfig, InterpreterFlags, Profile, ProfileTarget, Timing};

use super::target::host_config;
use crate::cli::CopyArgs;
use crate::cli::{MemoChoice, ProgramArgs};
use crate::error::CliError;
use crate::output::Output;

mod flame;
pub(crate) mod folded;
pub(crate) mod report;

#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub(crate) struct ProfileArgs {
    #[command(flatten)]
    pub(crate) copy: CopyArgs,
    #[command(flatten)]
    pub(crate) memo: MemoChoice,
    /// Profile bench workloads instead of a script: names or suites, comma-separated
    /// (trio, structures, deepcopy, deepcopy_reduce, ...)
    #[arg(long, value_name = "NAMES", value_delimiter = ',', conflicts_with_all = ["code", "script"])]
    pub(crate) workload: Vec<String>,
    /// A Python file whose bench_* functions --workload may name (all of them if none is named)
    #[arg(long, value_name = "PATH", conflicts_with_all = ["code", "script"])]
    pub(crate) workload_file: Option<PathBuf>,
    /// Calls of each workload to profile (default: enough for about 0.1 s unprofiled)
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..), conflicts_with_all = ["code", "script"])]
    pub(crate) loops: Option<u32>,
    #[command(flatten)]
    pub(crate) program: ProgramArgs,
    /// Write an interactive SVG flame graph of the run's Python call stacks to FILE
    #[arg(long, value_name = "FILE")]
    pub(crate) flamegraph: Option<PathBuf>,
    /// Write the run's collapsed stacks to FILE, headed by the bench arm they belong to
    /// (`copylab report run.json FILE` shows them as that arm's flame graph)
    #[arg(long, value_name = "FILE")]
    pub(crate) folded: Option<PathBuf>,
    /// Mark the N hottest lines
    #[arg(long, value_name = "N", default_value_t = 5)]
    pub(crate) top: usize,
    /// Skip the unprofiled run (no overhead figure; a script then runs only once)
    #[arg(long)]
    pub(crate) no_compare: bool,
}

pub(crate) fn profile(args: ProfileArgs) -> Result<u8, CliError> {
    let flame_file = args.flamegraph.as_deref().map(Output::check).transpose()?;
    let folded_file = args.folded.as_deref().map(Output::check).transpose()?;
    let copy = args.copy.copy_source()?;
    // Keeps the built-in workload files on disk until both runs are over.
    let mut bench_files = None;
    let (target, config, what) = if !args.workload.is_empty() || args.workload_file.is_some() {
        let files = BenchFiles::materialize()?;
        let (workloads, what) = choose_workloads(&files, &args.workload, args.workload_file.as_deref())?;
        bench_files = Some(files);
        let config = host_config(copy.clone(), &args.memo, None, Vec::new(), &InterpreterFlags::default())?;
        (ProfileTarget::Workloads { workloads, loops: args.loops }, config, what)
    } else if args.program.is_given() {
        let (program, argv) = args.program.program()?;
        let what = format!("{} ", program.filename);
        let config = host_config(copy.clone(), &args.memo, Some(&program), argv, &InterpreterFlags::default())?;
        (ProfileTarget::Program(program), config, what)
    } else {
        return Err(CliError::Usage("give a SCRIPT, -c CODE or --workload NAME to profile".into()));
    };

    let stacks = flame_file.is_some() || folded_file.is_some();
    let (profile, unprofiled) = measure(config, target, !args.no_compare, stacks)?;
    drop(bench_files);

    let context = report::Context { copy: &copy, memo: args.memo.memo.name(), what: &what, top: args.top };
    super::print_text(&report::render(&profile, unprofiled.as_ref(), &context));
    if let Some(file) = flame_file {
        let path = file.path().display().to_string();
        flame::write(file, &profile, &context)?;
        eprintln!("wrote {path}");
    }
    if let Some(file) = folded_file {
        let arm = arm_label(&copy, args.memo.memo.name());
        file.write(&folded::ArmProfile { arm, folded: profile.folded.clone() }.to_text())?;
        eprintln!("wrote {}", file.path().display());
    }
    Ok((profile.run.status & 0xff) as u8)
}

/// The line profile of `target`, after an unprofiled run of it when `compare` (the overhead
/// reference, which also calibrates the workloads' loops); shared with `tour --why-hot`.
pub(crate) fn measure(
    config: HostConfig,
    target: ProfileTarget,
    compare: bool,
    flame: bool,
) -> Result<(Profile, Option<Timing>), CliError> {
    let unprofiled = if compare {
        let (config, target) = (config.clone(), target.clone());
        Some(super::with_host(config, move |host| Ok(host.time_unprofiled(&target)?))?)
    } else {
        None
    };
    let target = with_loops(target, unprofiled.as_ref());
    let profile = super::with_host(config, move |host| Ok(host.profile(&target, flame)?))?;
    Ok((profile, unprofiled))
}

/// The profiled run makes as many calls as the unprofiled one, so their times compare.
fn with_loops(target: ProfileTarget, unprofiled: Option<&Timing>) -> ProfileTarget {
    match (target, unprofiled) {
        (ProfileTarget::Workloads { workloads, loops: None }, Some(timing)) if timing.loops > 0 => {
            ProfileTarget::Workloads { workloads, loops: Some(timing.loops) }
        }
        (ProfileTarget::Workloads { workloads, loops: None }, _) => {
            ProfileTarget::Workloads { workloads, loops: Some(1) }
        }
        (target, _) => target,
    }
}

/// `(file, name)` of each workload, and a description such as `workload deepcopy (trio) `.
pub(crate) fn choose_workloads(
    files: &BenchFiles,
    names: &[String],
    workload_file: Option<&std::path::Path>,
) -> Result<(Vec<(PathBuf, String)>, String), CliError> {
    let chosen = copylab_bench::choose_workloads(files.builtin_workloads(), names, workload_file)?;
    let names: Vec<String> = chosen.iter().map(|w| format!("{} ({})", w.name, w.suite)).collect();
    let what = format!("workload{} {} ", if names.len() == 1 { "" } else { "s" }, names.join(", "));
    Ok((chosen.into_iter().map(|w| (w.file, w.name)).collect(), what))
}

/// The installed copy.py as the report shows it: its source and its name.
pub(crate) fn copy_label(copy: &CopySource) -> String {
    format!("{} ({})", copy.origin, copy.label)
}

/// The label `bench` gives the arm of this copy.py and memo on this build (`fastpath`,
/// `fastpath,cam,_FASTPATH_MAX=5`); a `--copy-py` file is named `file:PATH`.
fn arm_label(copy: &CopySource, memo: &str) -> String {
    copy.defines
        .iter()
        .fold(copylab_bench::Arm::rustpython(&copy.label, memo), |arm, define| {
            arm.with_define(&define.name, &define.value)
        })
        .label()
}
