//! `copylab bench`: plans arms from the CLI flags, runs them through copylab-bench's
//! scheduler with this binary as the RustPython worker, and writes the reports.

use std::ffi::OsString;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::process::Command;

use copylab_bench::{
    Arm, BenchError, BenchFiles, ByInterpreter, CPythonLauncher, Job, Launcher, Plan, Preset, Report, RunResults,
    StderrProgress, SweepTable, TerminalOptions, WorkerOutput, Workload, markdown, parse_sweep, pyperf, run_plan,
    run_worker_command, terminal,
};
use copylab_stdlib_copy::{CopySource, Define, Variant, tunables};

use crate::cli::{BenchAction, BenchArgs, BenchRunArgs, Effort, SweepArgs, WorkloadArgs};
use crate::error::CliError;
use crate::output::Output;

pub(crate) fn bench(args: BenchArgs) -> Result<u8, CliError> {
    match args.action {
        Some(BenchAction::Compare { first, second }) => compare(&first, &second),
        Some(BenchAction::Sweep(sweep_args)) => sweep(sweep_args),
        None => run(args.run),
    }
}

fn run(args: BenchRunArgs) -> Result<u8, CliError> {
    let json = args.json.as_deref().map(Output::check).transpose()?;
    let markdown_file = args.markdown.as_deref().map(Output::check).transpose()?;
    let html = args.html.as_deref().map(Output::check).transpose()?;
    if let Some(dir) = &args.json_dir {
        std::fs::create_dir_all(dir).map_err(|source| BenchError::Output { path: dir.clone(), source })?;
        Output::check(&dir.join("baseline.json"))?;
    }
    if let Some(dir) = &args.profile {
        super::bench_profile::check_dir(dir)?;
    }
    let files = BenchFiles::materialize()?;
    if let Some(script) = &args.script {
        return super::bench_script::run(&args, script, &files, markdown_file.as_ref());
    }
    let workloads = chosen_workloads(&files, &args.workloads)?;
    let arms = plan_arms(&args, &files)?;

    let plan = Plan::new(workloads, arms, preset(&args.effort).settings())?;
    let results = execute(&plan, &files)?;
    let report = Report::from_results(&results);
    let color = std::io::stdout().is_terminal();
    super::print_text(&terminal::render(&report, TerminalOptions { color, memory: args.memory }));

    if let Some(json) = &json {
        json.write(&pyperf::combined_suite(&results).to_json_text()?)?;
    }
    if let Some(dir) = &args.json_dir {
        pyperf::write_per_arm(&results, dir)?;
    }
    if let Some(markdown_file) = &markdown_file {
        markdown_file.write(&markdown::render(&report, args.memory))?;
    }
    let profiles = match &args.profile {
        Some(dir) => super::bench_profile::record(&plan, args.workloads.workload_file.as_deref(), dir)?,
        None => Vec::new(),
    };
    if let Some(html) = &html {
        super::report::write_html(html, &copylab_bench::RunSet::from_results(&results)?, &profiles)?;
    }
    Ok(0)
}

/// Variants (baseline first) × memo backends on RustPython, then each variant under
/// `--python`, with its copy.py written into `files` for CPython to import, then each
/// `--peer` under `--python`; the `--reference` arm goes first, as every report compares
/// with the first arm.
pub(super) fn plan_arms(args: &BenchRunArgs, files: &BenchFiles) -> Result<Vec<Arm>, CliError> {
    let variants = with_baseline_first(&args.variants);
    check_defines_are_declared(&args.defines, &variants)?;
    let mut arms = Vec::new();
    for vm in &args.vm {
        for memo in &args.memo {
            for variant in &variants {
                let arm = Arm::rustpython(variant.name, memo.name()).with_vm(&vm.label());
                arms.push(with_defines(arm, variant, &args.defines));
            }
        }
    }
    if let Some(exe) = &args.python {
        CPythonLauncher::probe(exe)?;
        for variant in &variants {
            let source = CopySource::variant(variant).with_defines(&declared(&args.defines, variant))?;
            let copy_py = files.write_copy_py(variant.name, &source.source)?;
            arms.push(with_defines(Arm::cpython(exe, variant.name, Some(copy_py)), variant, &args.defines));
        }
        for module in &args.peer {
            CPythonLauncher::probe_peer(exe, module)?;
            arms.push(Arm::peer(exe, module));
        }
    }
    if let Some(reference) = &args.reference {
        let index = arms.iter().position(|arm| &arm.label() == reference).ok_or_else(|| {
            let labels: Vec<_> = arms.iter().map(Arm::label).collect();
            CliError::Usage(format!("--reference {reference}: no such arm; the arms are {}", labels.join(", ")))
        })?;
        let first = arms.remove(index);
        arms.insert(0, first);
    }
    Ok(arms)
}

fn sweep(args: SweepArgs) -> Result<u8, CliError> {
    let svg = Output::check(&args.svg)?;
    let html = args.html.as_deref().map(Output::check).transpose()?;
    let spec = parse_sweep(&args.define)?;
    // Each value must be a literal and the constant a tunable of the variant: check them all
    // before spending minutes measuring.
    for value in &spec.values {
        let define: Define = format!("{}={value}", spec.name).parse()?;
        CopySource::variant(args.variant).with_defines(&[define])?;
    }
    let files = BenchFiles::materialize()?;
    let workloads = chosen_workloads(&files, &args.workloads)?;
    let base = Arm::rustpython(args.variant.name, copylab_bench::DEFAULT_MEMO);
    let vms: Vec<String> = args.vm.iter().map(crate::fork::Vm::label).collect();
    let plan = Plan::new(workloads, spec.arms_on(&base, &vms), preset(&args.effort).settings())?;
    let results = execute(&plan, &files)?;
    let table = SweepTable::from_results(&spec, &base, &vms, &results)?;
    super::print_text(&table.render_text());
    svg.write(&crate::render::svg_plot::render(&table.plot()))?;
    eprintln!("wrote {}", args.svg.display());
    if let Some(html) = &html {
        let set = copylab_bench::RunSet::from_results(&results)?;
        html.write(&crate::render::sweep_page::render(&table, &set))?;
        eprintln!("wrote {}", html.path().display());
    }
    Ok(0)
}

fn compare(first: &Path, second: &Path) -> Result<u8, CliError> {
    let report = pyperf::compare_files(&[first.to_owned(), second.to_owned()])?;
    let color = std::io::stdout().is_terminal();
    super::print_text(&terminal::render(&report, TerminalOptions { color, memory: false }));
    Ok(0)
}

fn execute(plan: &Plan, files: &BenchFiles) -> Result<RunResults, CliError> {
    let launcher = ByInterpreter { rustpython: RustPythonLauncher::for_arms(&plan.arms)? };
    Ok(run_plan(plan, files.driver(), &launcher, &mut StderrProgress::new())?)
}

/// Runs a job in `copylab worker`: a fresh process and interpreter with the arm's copy.py,
/// started from the binary of the arm's VM (this one for `stock`, a fork's for `fork:NAME`).
struct RustPythonLauncher {
    binaries: VmBinaries,
}

impl RustPythonLauncher {
    fn for_arms(arms: &[Arm]) -> Result<Self, CliError> {
        Ok(RustPythonLauncher { binaries: VmBinaries::for_arms(arms)? })
    }
}

/// The copylab binary of every VM of a plan.
pub(super) struct VmBinaries {
    /// (arm VM label, binary).
    binaries: Vec<(String, PathBuf)>,
}

impl VmBinaries {
    /// Resolves every VM of `arms` before anything runs, so a fork that is not built, or was
    /// built from other sources, fails at once rather than after minutes of measuring the
    /// other arms.
    pub(super) fn for_arms(arms: &[Arm]) -> Result<Self, CliError> {
        let mut binaries: Vec<(String, PathBuf)> = Vec::new();
        for arm in arms {
            if !binaries.iter().any(|(vm, _)| *vm == arm.vm) {
                let binary = crate::fork::Vm::parse(&arm.vm)?.resolve()?;
                binaries.push((arm.vm.clone(), binary));
            }
        }
        Ok(VmBinaries { binaries })
    }

    /// The binary of `arm`'s VM.
    pub(super) fn of(&self, arm: &Arm) -> Result<&Path, BenchError> {
        self.binaries
            .iter()
            .find(|(vm, _)| *vm == arm.vm)
            .map(|(_, exe)| exe.as_path())
            .ok_or_else(|| BenchError::InvalidPlan(format!("no copylab binary for VM '{}' of {}", arm.vm, arm.label())))
    }
}

impl Launcher for RustPythonLauncher {
    fn run(&self, job: &Job) -> Result<WorkerOutput, BenchError> {
        let mut command = Command::new(self.binaries.of(&job.arm)?);
        // The host rewrites the constants in the source, so no --define goes to the driver.
        command.arg("worker").args(selection_args(&job.arm)).arg(&job.driver).args(job.driver_args());
        run_worker_command(&mut command, job)
    }
}

/// The `copylab run`/`worker` flags that select a RustPython arm's copy.py and memo.
pub(super) fn selection_args(arm: &Arm) -> Vec<OsString> {
    let mut args: Vec<OsString> =
        vec!["--variant".into(), arm.variant.clone().into(), "--memo".into(), arm.memo.clone().into()];
    for (name, value) in &arm.defines {
        args.extend(["--define".into(), format!("{name}={value}").into()]);
    }
    args
}

pub(super) fn preset(effort: &Effort) -> Preset {
    match (effort.fast, effort.rigorous) {
        (true, _) => Preset::Fast,
        (_, true) => Preset::Rigorous,
        _ => Preset::Default,
    }
}

/// The workloads `--workloads` and `--workload-file` select.
pub(crate) fn chosen_workloads(files: &BenchFiles, args: &WorkloadArgs) -> Result<Vec<Workload>, BenchError> {
    copylab_bench::choose_workloads(files.builtin_workloads(), &args.names, args.workload_file.as_deref())
}

/// The baseline is the reference of every verdict, so it always runs, first.
fn with_baseline_first(requested: &[&'static Variant]) -> Vec<&'static Variant> {
    let requested: Vec<_> =
        if requested.is_empty() { copylab_stdlib_copy::variants().iter().collect() } else { requested.to_vec() };
    let baseline = copylab_stdlib_copy::baseline();
    std::iter::once(baseline).chain(requested.into_iter().filter(|v| v.name != baseline.name)).fold(
        Vec::new(),
        |mut unique, variant| {
            if !unique.contains(&variant) {
                unique.push(variant);
            }
            unique
        },
    )
}

/// The defines `variant` declares as tunable; the others do not apply to it.
fn declared(defines: &[Define], variant: &Variant) -> Vec<Define> {
    let tunable = tunables(variant.source);
    defines.iter().filter(|d| tunable.iter().any(|t| t.name == d.name)).cloned().collect()
}

fn with_defines(mut arm: Arm, variant: &Variant, defines: &[Define]) -> Arm {
    for define in declared(defines, variant) {
        arm = arm.with_define(&define.name, &define.value);
    }
    arm
}

fn check_defines_are_declared(defines: &[Define], variants: &[&Variant]) -> Result<(), CliError> {
    for define in defines {
        if !variants.iter().any(|v| !declared(std::slice::from_ref(define), v).is_empty()) {
            let names: Vec<_> = variants.iter().map(|v| v.name).collect();
            return Err(CliError::Usage(format!(
                "--define {}: none of the benchmarked variants ({}) declares a tunable constant `{}`",
                define,
                names.join(", "),
                define.name
            )));
        }
    }
    Ok(())
}
