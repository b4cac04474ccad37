//! `copylab bench --script FILE.py`: a user's own pyperf script as an A/B experiment.
//!
//! The script runs once per arm, start to end, as its author runs it (`python FILE.py
//! --output ARM.json`): under copylab through the arm's python launcher, which runs the binary
//! of the arm's VM (`--vm stock,fork:NAME`), so pyperf's workers get the arm too; under
//! CPython with the arm's copy.py first on `PYTHONPATH` (which pyperf passes on to its
//! workers). pyperf does the timing; copylab compares the files with the
//! same statistics, verdicts and geometric mean as its built-in workloads. Arms run one
//! after another (pyperf owns the worker schedule inside each run), not interleaved.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use copylab_bench::{Arm, BenchError, BenchFiles, Interpreter, TerminalOptions, markdown, pyperf, terminal};

use super::bench::VmBinaries;
use crate::cli::BenchRunArgs;
use crate::error::CliError;
use crate::output::Output;

/// An arm that did not produce results, and why.
struct Failure {
    arm: String,
    reason: String,
}

pub(super) fn run(
    args: &BenchRunArgs,
    script: &Path,
    files: &BenchFiles,
    markdown_file: Option<&Output>,
) -> Result<u8, CliError> {
    if !script.is_file() {
        return Err(CliError::Usage(format!(
            "--script {}: no such file; give the path of a pyperf script (one that uses pyperf.Runner)",
            script.display()
        )));
    }
    let arms = super::bench::plan_arms(args, files)?;
    // Before the first arm runs: an unbuilt or stale fork must not cost the other arms' minutes.
    let binaries = VmBinaries::for_arms(&arms)?;
    let dir = results_dir(args.json_dir.as_deref())?;
    let mut completed = Vec::new();
    let mut failures = Vec::new();
    for (index, arm) in arms.iter().enumerate() {
        let output = dir.join(format!("{}.json", arm.file_stem()));
        eprintln!("[{}/{}] {}: {}", index + 1, arms.len(), arm.label(), script.display());
        let started = Instant::now();
        match run_arm(arm, &binaries, script, &output, args) {
            Ok(()) => {
                eprintln!("      done in {:.1} s", started.elapsed().as_secs_f64());
                completed.push((arm.clone(), output));
            }
            Err(reason) => {
                eprintln!("      failed: {}", first_line(&reason));
                failures.push(Failure { arm: arm.label(), reason });
            }
        }
    }

    let baseline_ran = completed.first().is_some_and(|(arm, _)| arm == &arms[0]);
    if baseline_ran && completed.len() >= 2 {
        let report = pyperf::compare_arm_files(&completed)?;
        let color = std::io::IsTerminal::is_terminal(&std::io::stdout());
        super::print_text(&terminal::render(&report, TerminalOptions { color, memory: false }));
        if let Some(markdown_file) = markdown_file {
            markdown_file.write(&markdown::render(&report, false))?;
        }
    }
    eprintln!("pyperf results, one file per arm: {}", dir.display());
    if failures.is_empty() {
        return Ok(0);
    }
    eprintln!(
        "\npartial results: {} of {} arms completed{}",
        completed.len(),
        arms.len(),
        if baseline_ran { "" } else { "; the baseline failed, so nothing is compared" }
    );
    for failure in &failures {
        eprintln!("\n{} failed:\n{}", failure.arm, failure.reason);
    }
    Ok(1)
}

/// `--json-dir`, or a fresh directory that is kept (the results are the user's).
fn results_dir(json_dir: Option<&Path>) -> Result<PathBuf, CliError> {
    match json_dir {
        Some(dir) => {
            std::fs::create_dir_all(dir).map_err(|source| CliError::Output { path: dir.to_owned(), source })?;
            Ok(dir.to_owned())
        }
        None => tempfile::Builder::new()
            .prefix("copylab-script-")
            .tempdir()
            .map(tempfile::TempDir::keep)
            .map_err(|source| CliError::Output { path: std::env::temp_dir(), source }),
    }
}

/// Runs the script under `arm` with `--output`; the error is what a user needs to see.
fn run_arm(arm: &Arm, binaries: &VmBinaries, script: &Path, output: &Path, args: &BenchRunArgs) -> Result<(), String> {
    // pyperf refuses to overwrite an existing --output file.
    let _ = std::fs::remove_file(output);
    let mut command = arm_command(arm, binaries).map_err(|err| err.to_string())?;
    command.arg(script).arg("--output").arg(output);
    if args.effort.fast {
        command.arg("--fast");
    } else if args.effort.rigorous {
        command.arg("--rigorous");
    }
    command.args(&args.script_args);
    let program = command.get_program().to_owned();
    let result = command
        .stdin(Stdio::null())
        .output()
        .map_err(|err| format!("cannot start {}: {err}", Path::new(&program).display()))?;
    if !result.status.success() {
        return Err(format!("the script exited with {}; its output ends:\n{}", result.status, tail_of(&result)));
    }
    match pyperf::Suite::read(output) {
        Ok(suite) if suite.benchmarks.iter().any(|b| b.runs.iter().any(|r| !r.values.is_empty())) => Ok(()),
        Ok(_) => Err(format!("{} has no measured values; its output ends:\n{}", output.display(), tail_of(&result))),
        Err(BenchError::ReadResults { reason, .. }) => Err(format!(
            "it wrote no pyperf results to --output ({reason}); is {} a pyperf script (pyperf.Runner)? its output ends:\n{}",
            script.display(),
            tail_of(&result)
        )),
        Err(other) => Err(other.to_string()),
    }
}

/// The interpreter command of an arm: the launcher of the arm's VM binary with the arm's
/// selection, or the CPython executable with the arm's copy.py first on PYTHONPATH.
fn arm_command(arm: &Arm, binaries: &VmBinaries) -> Result<Command, CliError> {
    match &arm.interpreter {
        Interpreter::RustPython => {
            let selection = super::bench::selection_args(arm);
            let copylab = binaries.of(arm)?;
            Ok(Command::new(super::python_launcher::launcher_of(copylab, &arm.label(), &selection)?))
        }
        Interpreter::CPython(exe) => {
            let mut command = Command::new(exe);
            if let Some(copy_dir) = arm.copy_py.as_deref().and_then(Path::parent) {
                let inherited = std::env::var_os("PYTHONPATH");
                let paths =
                    std::iter::once(copy_dir.to_owned()).chain(inherited.iter().flat_map(std::env::split_paths));
                let joined = std::env::join_paths(paths).map_err(|err| CliError::Usage(err.to_string()))?;
                command.env("PYTHONPATH", joined);
            }
            // Keep __pycache__ out of the variant directories.
            command.env("PYTHONDONTWRITEBYTECODE", "1");
            Ok(command)
        }
    }
}

fn tail_of(output: &std::process::Output) -> String {
    let text = format!("{}{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
    let lines: Vec<&str> = text.trim_end().lines().collect();
    lines[lines.len().saturating_sub(15)..].join("\n")
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text)
}
