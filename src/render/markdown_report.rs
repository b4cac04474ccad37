//! `copylab report --markdown`: saved runs as Markdown, for pages that must say where their
//! numbers come from. Each run's facts (date, machine, command, preset, file) come first, read
//! from its JSON; then the comparison table, the one bench's `--markdown` writes, so a results
//! page and a fresh run print the same cells.

use std::path::PathBuf;

use copylab_bench::RunSet;

/// The facts of every run in `set` (from `files`, in the same order), then its table.
pub(crate) fn render(set: &RunSet, files: &[PathBuf]) -> String {
    let mut text = String::new();
    for (run, file) in set.runs.iter().zip(files) {
        let fact = |key: &str| run.metadata.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str());
        text.push_str(&format!("- Run: `{}`", file.display()));
        if set.runs.len() > 1 {
            text.push_str(&format!(" (arms labelled `{}: ...`)", run.label));
        }
        text.push('\n');
        // bench writes the date and the machine into every file it saves; a file saved before it
        // did, or by pyperf, says so rather than leaving the reader to guess.
        text.push_str(&format!("- Date: {}\n", fact("date").unwrap_or("not recorded in the file")));
        text.push_str(&format!("- Machine: {}\n", machine(&fact).as_deref().unwrap_or("not recorded in the file")));
        match fact("copylab_command") {
            Some(command) => text.push_str(&format!("- Command: `{command}`\n")),
            None => text.push_str("- Command: not recorded in the file\n"),
        }
        if let (Some(processes), Some(values)) = (fact("copylab_processes"), fact("copylab_values")) {
            let warmups = fact("copylab_warmups").unwrap_or("0");
            let min_time = fact("copylab_min_time").unwrap_or("?");
            text.push_str(&format!(
                "- Preset: {processes} worker processes × {values} values per arm ({warmups} warmup each), \
                 loops calibrated to at least {min_time} s a value\n"
            ));
        }
    }
    text.push('\n');
    text.push_str(&copylab_bench::report::markdown::render(&set.report, set.report.has_memory()));
    text
}

/// `machine` as written by hand, else what bench records: host, platform and cores.
fn machine<'a>(fact: &impl Fn(&str) -> Option<&'a str>) -> Option<String> {
    if let Some(machine) = fact("machine") {
        return Some(machine.to_string());
    }
    let parts: Vec<String> = [
        fact("hostname").map(String::from),
        fact("platform").map(String::from),
        fact("cpu_count").map(|n| format!("{n} cores")),
    ]
    .into_iter()
    .flatten()
    .collect();
    (!parts.is_empty()).then(|| parts.join(", "))
}
