//! `tour --why-hot`: a line profile made there and then (`copylab profile`'s profiler), and
//! live probes of the operations behind the hot lines (python/hot_probes.py), beside those
//! lines with their explanations and what docs/vm-patches.md found for them.

use std::collections::BTreeSet;

use copylab_bench::BenchFiles;
use copylab_stdlib_copy::tour::{Tour, TourError};
use copylab_vm::{InterpreterFlags, LineStat, Probe, ProfileTarget};

use super::TourArgs;
use super::document::{Block, CodeRow, Note, NoteKind};
use crate::commands::profile::report::{hottest, millis, percent};
use crate::commands::profile::{choose_workloads, measure};
use crate::commands::target::host_config;
use crate::error::CliError;

/// Repetitions of each probe per round, and rounds (the best is kept).
const PROBE_REPEAT: u32 = 100_000;
const PROBE_ROUNDS: u32 = 3;

pub(super) fn blocks(args: &TourArgs, tour: &Tour) -> Result<(Vec<Block>, u8), CliError> {
    let (copy_args, memo) = args.selection();
    let copy = copy_args.copy_source()?;
    let flags = InterpreterFlags::default();
    let mut bench_files = None;
    let (target, config, what) = if args.program.is_given() {
        let (program, argv) = args.program.program()?;
        let what = program.filename.clone();
        let config = host_config(copy.clone(), &memo, Some(&program), argv, &flags)?;
        (ProfileTarget::Program(program), config, what)
    } else {
        let files = BenchFiles::materialize()?;
        let names = if args.workload.is_empty() { vec!["deepcopy".to_owned()] } else { args.workload.clone() };
        let (workloads, what) = choose_workloads(&files, &names, None)?;
        bench_files = Some(files);
        let config = host_config(copy.clone(), &memo, None, Vec::new(), &flags)?;
        (ProfileTarget::Workloads { workloads, loops: args.loops }, config, what.trim_end().to_owned())
    };
    let probe_config = config.clone();
    let (profile, unprofiled) = measure(config, target, true, false)?;
    drop(bench_files);
    let probes = crate::commands::with_host(probe_config, |host| Ok(host.hot_probes(PROBE_REPEAT, PROBE_ROUNDS)?))?;
    check_probe_names(tour, &probes)?;

    // Lines inside copy.py's functions: a program's `import copy` runs the module's own lines
    // once, which is not what makes deepcopy slow.
    let lines: Vec<LineStat> =
        profile.lines.iter().filter(|l| tour.function_at(l.line as usize).is_some()).copied().collect();
    let total: u64 = lines.iter().map(|l| l.nanos).sum();
    let mut blocks =
        vec![Block::Title(format!("Why copy.py's hot lines are hot, measured now ({})", args.variant.name))];
    let calls = if profile.run.loops > 1 { format!(", {} calls each", profile.run.loops) } else { String::new() };
    let overhead = match unprofiled {
        Some(plain) if plain.elapsed_nanos > 0 => format!(
            " The profiler makes the run {:.1}x slower ({} unprofiled), and inflates short, frequent lines most: \
             compare lines with each other, and measure speed-ups with `copylab bench`.",
            profile.run.elapsed_nanos as f64 / plain.elapsed_nanos as f64,
            millis(plain.elapsed_nanos)
        ),
        _ => String::new(),
    };
    blocks.push(Block::Para(format!(
        "Line profile of `{}` (`copylab profile`'s profiler), run just now on {what}{calls}: {} in copy.py's \
         functions, {:.1}% of the profiled run of {}. A line's share is its own time: the copy.py lines it reaches have their own rows.{overhead}",
        args.variant.origin(),
        millis(total),
        percent(total, profile.run.elapsed_nanos),
        millis(profile.run.elapsed_nanos),
    )));
    blocks.push(Block::Para(format!(
        "Probes, also run just now in the same interpreter: each operation repeated {PROBE_REPEAT} times, best of \
         {PROBE_ROUNDS} rounds, the empty loop's cost taken out; allocations are counted exactly by copylab's \
         allocator."
    )));
    if args.variant.native {
        blocks.push(Block::Para(
            "This variant runs deepcopy in Rust: a line profile of copy.py sees only its Python fallbacks.".to_owned(),
        ));
    }
    if total == 0 {
        blocks.push(Block::Para("No copy.py line ran.".to_owned()));
    }

    let source: Vec<&str> = args.variant.source.lines().collect();
    let ranked = hottest(&lines, args.top);
    let shown: BTreeSet<usize> = ranked.iter().map(|&l| l as usize).chain(tour.hot.keys().copied()).collect();
    let mut shown: Vec<usize> = shown.into_iter().collect();
    let share = |line: usize| stat(&lines, line).map_or(0, |s| s.nanos);
    shown.sort_by_key(|&line| std::cmp::Reverse(share(line)));
    let mut previous = None;
    for line in shown {
        if let Some(function) = tour.function_at(line)
            && previous.replace(function.name.clone()).as_ref() != Some(&function.name)
        {
            blocks
                .push(Block::Heading(format!("In def {} (lines {}-{})", function.name, function.start, function.end)));
        }
        let indent = tour.statement_at(line).map_or(0, |s| s.indent);
        let mut notes = vec![Note::new(NoteKind::Measured, measured_line(&lines, &ranked, line, total), indent)];
        notes.extend(super::explanation(tour, line));
        if let Some(hot) = tour.hot.get(&line) {
            notes.extend(hot.text.iter().map(|p| Note::new(NoteKind::Found, p, indent)));
            for name in &hot.probes {
                if let Some(probe) = probes.iter().find(|p| &p.name == name) {
                    notes.push(Note::new(NoteKind::Measured, probe_text(probe), indent));
                }
            }
        }
        blocks.push(Block::Code(CodeRow {
            line: Some(line),
            text: source.get(line - 1).copied().unwrap_or_default().to_owned(),
            changed: args.variant.changed_lines().contains(&line),
            notes,
        }));
    }
    Ok((blocks, (profile.run.status & 0xff) as u8))
}

fn stat(lines: &[LineStat], line: usize) -> Option<&LineStat> {
    lines.iter().find(|s| s.line as usize == line)
}

fn measured_line(lines: &[LineStat], ranked: &[u32], line: usize, total: u64) -> String {
    let Some(stat) = stat(lines, line).filter(|s| s.hits > 0) else {
        return "did not run in this run".to_owned();
    };
    let rank =
        ranked.iter().position(|&l| l as usize == line).map_or(String::new(), |r| format!("#{} hottest, ", r + 1));
    format!(
        "{rank}{:.1}% of copy.py's time, {} hits, {} ns per hit (profiled)",
        percent(stat.nanos, total),
        stat.hits,
        stat.nanos.checked_div(stat.hits).unwrap_or(0)
    )
}

fn probe_text(probe: &Probe) -> String {
    format!("{}: {:.0} ns and {:.1} allocations per operation", probe.description, probe.nanos, probe.allocations)
}

/// A probe named in the explanations must be one python/hot_probes.py runs.
fn check_probe_names(tour: &Tour, probes: &[Probe]) -> Result<(), CliError> {
    let problems: Vec<String> = tour
        .hot
        .values()
        .flat_map(|note| note.probes.iter().map(move |name| (note, name)))
        .filter(|(_, name)| !probes.iter().any(|p| &p.name == *name))
        .map(|(note, name)| {
            format!("`{}` names the probe `{name}`, which vm-patches/python/hot_probes.py does not run", note.anchor)
        })
        .collect();
    if problems.is_empty() { Ok(()) } else { Err(TourError { problems }.into()) }
}
