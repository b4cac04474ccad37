//! `copylab report` and `bench --html`: the HTML page of one or more runs, with the patches
//! that make each arm differ looked up here, where the variants and fork patch sets are known.

use std::path::PathBuf;

use copylab_bench::RunSet;

use super::profile::folded::ArmProfile;
use crate::cli::ReportArgs;
use crate::error::CliError;
use crate::fork::{PatchSet, Vm, default_patches_dir};
use crate::output::Output;
use crate::render::html_report::{self, Patch};
use crate::render::markdown_report;

pub(crate) fn report(args: &ReportArgs) -> Result<u8, CliError> {
    let html = args.html.as_deref().map(Output::check).transpose()?;
    let markdown = match args.markdown.as_deref() {
        Some(path) if path == std::path::Path::new("-") => Some(None),
        Some(path) => Some(Some(Output::check(path)?)),
        None => None,
    };
    let (runs, profiles) = runs_and_profiles(&args.files)?;
    let mut set = RunSet::from_files(&runs)?;
    if !(args.arms.is_empty() && args.workloads.is_empty()) {
        set = set.select(&args.arms, &args.workloads)?;
    }
    if let Some(output) = &html {
        let profiles = profiles_of_arms(&set, profiles)?;
        write_html(output, &set, &profiles)?;
    }
    match markdown {
        Some(Some(output)) => {
            output.write(&markdown_report::render(&set, &runs))?;
            eprintln!("wrote {}", output.path().display());
        }
        Some(None) => super::print_text(&markdown_report::render(&set, &runs)),
        None => {}
    }
    Ok(0)
}

/// Renders `set` with its arms' patches and flame graphs (`profiles`, labelled as `set`'s
/// arms) and replaces `output` with it.
pub(crate) fn write_html(output: &Output, set: &RunSet, profiles: &[ArmProfile]) -> Result<(), CliError> {
    output.write(&html_report::render(set, &patches(set), profiles))?;
    eprintln!("wrote {}", output.path().display());
    Ok(())
}

/// A profile given to `report`, and the index of the run it belongs to: the results file
/// given before it.
struct GivenProfile {
    run: usize,
    path: PathBuf,
    profile: ArmProfile,
}

/// The results files, and the profiles (`profile --folded`, `bench --profile`) among them.
fn runs_and_profiles(files: &[PathBuf]) -> Result<(Vec<PathBuf>, Vec<GivenProfile>), CliError> {
    let (mut runs, mut profiles) = (Vec::new(), Vec::new());
    for path in files {
        match ArmProfile::sniff(path)? {
            Some(_) if runs.is_empty() => {
                return Err(CliError::Usage(format!(
                    "{}: a profile goes after the results file of its run, e.g. `copylab report run.json profiles/*.folded --html report.html`",
                    path.display()
                )));
            }
            Some(profile) => profiles.push(GivenProfile { run: runs.len() - 1, path: path.clone(), profile }),
            None => runs.push(path.clone()),
        }
    }
    Ok((runs, profiles))
}

/// Each profile relabelled with the arm of its run that it profiles (prefixed with the run's
/// name when there are several runs); a profile of no such arm, or a second one of an arm, is
/// refused.
fn profiles_of_arms(set: &RunSet, profiles: Vec<GivenProfile>) -> Result<Vec<ArmProfile>, CliError> {
    let mut found: Vec<ArmProfile> = Vec::new();
    for GivenProfile { run, path, profile } in profiles {
        let run_label = &set.runs[run].label;
        let arm = set
            .arms
            .iter()
            .filter(|arm| arm.run == run)
            .find(|arm| arm.label == profile.arm || arm.label == format!("{run_label}: {}", profile.arm))
            .ok_or_else(|| {
                let arms: Vec<&str> =
                    set.arms.iter().filter(|arm| arm.run == run).map(|arm| arm.label.as_str()).collect();
                CliError::Usage(format!(
                    "{}: a profile of arm {}, which run {run_label} does not have (its arms: {})",
                    path.display(),
                    profile.arm,
                    arms.join(", ")
                ))
            })?;
        if found.iter().any(|p| p.arm == arm.label) {
            return Err(CliError::Usage(format!("{}: a second profile of arm {}", path.display(), arm.label)));
        }
        found.push(ArmProfile { arm: arm.label.clone(), folded: profile.folded });
    }
    Ok(found)
}

/// Each distinct variant's diff against the baseline (`variants diff`) and each fork's
/// patch-set files, in arm order.
fn patches(set: &RunSet) -> Vec<Patch> {
    let mut patches: Vec<Patch> = Vec::new();
    for arm in &set.arms {
        if let Some(variant) = &arm.variant
            && let Some(found) = copylab_stdlib_copy::variants().iter().find(|v| v.name == variant)
            && let Some(diff) = found.patch
        {
            push_new(
                &mut patches,
                Patch {
                    id: Patch::variant_id(variant),
                    title: format!("variant {variant}: its diff against the baseline copy.py"),
                    files: vec![(format!("copylab variants diff {variant}"), diff.to_string())],
                },
            );
        }
        if let Some(vm) = &arm.vm
            && let Ok(Vm::Fork(name)) = Vm::parse(vm)
        {
            let mut files = Vec::new();
            for set_name in &name.sets {
                files.extend(patch_set_files(set_name));
            }
            push_new(
                &mut patches,
                Patch { id: Patch::vm_id(vm), title: format!("{vm}: its rustpython-vm patch sets"), files },
            );
        }
    }
    patches
}

fn push_new(patches: &mut Vec<Patch>, patch: Patch) {
    if !patches.iter().any(|p| p.id == patch.id) {
        patches.push(patch);
    }
}

/// The files of one patch set as (name, text); a set this source tree lacks (a run made
/// elsewhere) is one entry saying so, since the report is still worth having without it.
fn patch_set_files(set_name: &str) -> Vec<(String, String)> {
    let dir = default_patches_dir();
    match PatchSet::load(&dir, set_name) {
        Ok(set) => {
            let mut files: Vec<(String, String)> = set
                .patches
                .iter()
                .map(|path| {
                    let text = std::fs::read_to_string(path).unwrap_or_else(|err| format!("(unreadable: {err})"));
                    (format!("{set_name}/{}", path.file_name().unwrap_or_default().to_string_lossy()), text)
                })
                .collect();
            if !set.features.is_empty() {
                files.push((format!("{set_name}/features"), set.features.join("\n")));
            }
            files
        }
        Err(err) => vec![(set_name.to_string(), format!("(not available in {}: {err})", dir.display()))],
    }
}
