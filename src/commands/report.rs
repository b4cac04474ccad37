//! `copylab report` and `bench --html`: the HTML page of one or more runs, with the patches
//! that make each arm differ looked up here, where the variants and fork patch sets are known.

use copylab_bench::RunSet;

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
    let mut set = RunSet::from_files(&args.files)?;
    if !(args.arms.is_empty() && args.workloads.is_empty()) {
        set = set.select(&args.arms, &args.workloads)?;
    }
    if let Some(output) = &html {
        write_html(output, &set)?;
    }
    match markdown {
        Some(Some(output)) => {
            output.write(&markdown_report::render(&set, &args.files))?;
            eprintln!("wrote {}", output.path().display());
        }
        Some(None) => super::print_text(&markdown_report::render(&set, &args.files)),
        None => {}
    }
    Ok(0)
}

/// Renders `set` with its arms' patches and replaces `output` with it.
pub(crate) fn write_html(output: &Output, set: &RunSet) -> Result<(), CliError> {
    output.write(&html_report::render(set, &patches(set)))?;
    eprintln!("wrote {}", output.path().display());
    Ok(())
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
