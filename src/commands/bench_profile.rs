//! `bench --profile DIR`: after the measurement, each RustPython arm's Python call stacks on
//! the same workloads, for the flame graphs of the HTML report. Each arm's stacks are
//! recorded by `copylab profile --folded`, run from the arm's own copylab build (a fork's for
//! a `--vm fork:NAME` arm) with the arm's copy.py, defines and memo: the collection code is
//! the profiler's, in one place, and a fork is profiled as it was measured. They are recorded
//! apart from the timed workers, since the tracer slows every call several times over.
//! CPython arms have no profiler here and get no flame graph.

use std::path::Path;
use std::process::{Command, Stdio};

use copylab_bench::{Arm, Interpreter, Plan};

use super::bench::{VmBinaries, selection_args};
use super::profile::folded::ArmProfile;
use crate::error::CliError;
use crate::output::Output;

/// Checks up front that profiles can be written into `dir` (creating it), as `--json-dir`.
pub(super) fn check_dir(dir: &Path) -> Result<(), CliError> {
    std::fs::create_dir_all(dir).map_err(|source| CliError::Output { path: dir.to_owned(), source })?;
    Output::check(&dir.join("baseline.folded"))?;
    Ok(())
}

/// Profiles every RustPython arm of `plan` and writes `dir/ARM.folded` for each.
pub(super) fn record(plan: &Plan, workload_file: Option<&Path>, dir: &Path) -> Result<Vec<ArmProfile>, CliError> {
    let arms: Vec<&Arm> = plan.arms.iter().filter(|arm| arm.interpreter == Interpreter::RustPython).collect();
    let binaries = VmBinaries::for_arms(&plan.arms)?;
    let names: Vec<&str> = plan.workloads.iter().map(|w| w.name.as_str()).collect();
    let scratch = tempfile::tempdir().map_err(|source| CliError::Output { path: std::env::temp_dir(), source })?;
    let mut profiles = Vec::new();
    for (index, arm) in arms.iter().enumerate() {
        eprintln!("copylab bench: profiling {} ({}/{})", arm.label(), index + 1, arms.len());
        let stacks = scratch.path().join(format!("{}.folded", arm.file_stem()));
        let binary = binaries.of(arm)?;
        let mut command = Command::new(binary);
        command.arg("profile").args(selection_args(arm)).arg("--workload").arg(names.join(","));
        if let Some(file) = workload_file {
            command.arg("--workload-file").arg(file);
        }
        // The line profile on stdout is not wanted here; a failure's reason is on stderr.
        command.arg("--folded").arg(&stacks).stdout(Stdio::null()).stderr(Stdio::piped());
        let out = command.output().map_err(|source| CliError::Exec { program: binary.to_owned(), source })?;
        let failed = |reason: String| CliError::Profile { arm: arm.label(), reason };
        if !out.status.success() {
            return Err(failed(String::from_utf8_lossy(&out.stderr).trim().to_string()));
        }
        let recorded =
            ArmProfile::sniff(&stacks)?.ok_or_else(|| failed(format!("{} wrote no profile", binary.display())))?;
        // The arm's full label (the profile knows neither the VM nor a peer's name).
        let profile = ArmProfile { arm: arm.label(), folded: recorded.folded };
        let path = dir.join(format!("{}.folded", arm.file_stem()));
        Output::check(&path)?.write(&profile.to_text())?;
        profiles.push(profile);
    }
    Ok(profiles)
}
