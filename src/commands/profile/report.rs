//! The text report: run and overhead figures, then copy.py line by line, per function, in
//! line_profiler's layout, then the hottest lines.

use std::fmt::Write as _;

use copylab_stdlib_copy::CopySource;
use copylab_vm::{LineStat, Profile, Timing};

pub(crate) struct Context<'a> {
    pub(crate) copy: &'a CopySource,
    pub(crate) memo: &'a str,
    /// What ran, e.g. `workload deepcopy (trio) ` or `script.py `.
    pub(crate) what: &'a str,
    pub(crate) top: usize,
}

pub(crate) fn render(profile: &Profile, unprofiled: Option<&Timing>, context: &Context<'_>) -> String {
    let mut out = String::new();
    let source: Vec<&str> = context.copy.source.lines().collect();
    let total: u64 = profile.lines.iter().map(|l| l.nanos).sum();
    header(&mut out, profile, unprofiled, context, total);
    if context.copy.runs_native_deepcopy() {
        out.push_str(
            "\nThis copy.py hands deepcopy to copylab's native (Rust) code, which a line profile of\n\
             copy.py cannot see: only its Python fallbacks and module code show below. Measure\n\
             it with `copylab bench --variants native`.\n",
        );
    }
    if total == 0 {
        out.push_str("\nNo copy.py line ran.\n");
        return out;
    }
    let hot = hottest(&profile.lines, context.top);
    for function in functions(&context.copy.source) {
        let stats: Vec<&LineStat> =
            profile.lines.iter().filter(|l| (function.start..=function.end).contains(&l.line)).collect();
        if stats.is_empty() {
            continue;
        }
        let nanos: u64 = stats.iter().map(|l| l.nanos).sum();
        let calls = stats.iter().find(|l| l.line == function.start).map_or(0, |l| l.hits);
        let _ = writeln!(
            out,
            "\nFunction: {} (lines {}-{}): {} calls, {} ({:.1}%)",
            function.name,
            function.start,
            function.end,
            calls,
            millis(nanos),
            percent(nanos, total)
        );
        table(&mut out, &source, function.start..=function.end, profile, &hot, total);
    }
    let module: Vec<u32> = profile
        .lines
        .iter()
        .map(|l| l.line)
        .filter(|&line| !functions(&context.copy.source).iter().any(|f| (f.start..=f.end).contains(&line)))
        .collect();
    if !module.is_empty() {
        out.push_str("\nModule level (copy.py being imported):\n");
        table(&mut out, &source, module.into_iter(), profile, &hot, total);
    }
    out.push_str("\nHottest lines:\n");
    for (rank, &line) in hot.iter().enumerate() {
        let Some(stat) = profile.lines.iter().find(|l| l.line == line) else { continue };
        let code = source.get(line as usize - 1).map_or("", |s| s.trim());
        let _ = writeln!(out, "  #{:<2} line {:>4}  {:>5.1}%  {}", rank + 1, line, percent(stat.nanos, total), code);
    }
    out
}

fn header(out: &mut String, profile: &Profile, unprofiled: Option<&Timing>, context: &Context<'_>, total: u64) {
    let run = &profile.run;
    let _ = writeln!(out, "Line profile of {}, memo {}", super::copy_label(context.copy), context.memo);
    let calls = if run.loops > 1 || context.what.starts_with("workload") {
        format!(", {} calls each", run.loops)
    } else {
        String::new()
    };
    let _ = writeln!(out, "Run: {}{calls}; profiled run {}", context.what.trim_end(), millis(run.elapsed_nanos));
    let _ = writeln!(
        out,
        "Time in copy.py: {}, {:.1}% of the profiled run (the rest is the caller's own code)",
        millis(total),
        percent(total, run.elapsed_nanos)
    );
    match unprofiled {
        Some(plain) if plain.elapsed_nanos > 0 => {
            let ratio = run.elapsed_nanos as f64 / plain.elapsed_nanos as f64;
            let extra = run.elapsed_nanos.saturating_sub(plain.elapsed_nanos);
            let per_event = extra.checked_div(profile.events).unwrap_or(0);
            let _ = writeln!(
                out,
                "Overhead: {} unprofiled, {} profiled: {ratio:.1}x slower ({} trace events, ~{per_event} ns each).\n  \
                 Every call and line runs the tracer, and calls build full frames while it is\n  \
                 installed: short, frequent lines and calls are inflated most. Compare lines with\n  \
                 each other; measure speed-ups with `copylab bench`.",
                millis(plain.elapsed_nanos),
                millis(run.elapsed_nanos),
                profile.events
            );
        }
        _ => {
            let _ = writeln!(out, "Overhead: not measured (--no-compare); {} trace events", profile.events);
        }
    }
    let _ = writeln!(
        out,
        "Time is a line's own: the builtins and non-copy.py code it calls, not the copy.py lines\n\
         it reaches (they have their own rows). A def line's hits are calls, its time the entry."
    );
    if let Some(floor) = tracer_floor(profile, &context.copy.source) {
        let _ = writeln!(
            out,
            "Floor: ~{floor} ns per hit is the tracer's own share of every row (what a def line costs,\n\
             where nothing runs between the call event and the first line)."
        );
    }
}

/// The cheapest def line per hit: between a function's call event and its first line event
/// nothing of the program runs, so what is measured there is the tracer's own dispatch.
fn tracer_floor(profile: &Profile, source: &str) -> Option<u64> {
    functions(source)
        .iter()
        .filter_map(|f| profile.lines.iter().find(|l| l.line == f.start && l.hits >= 10))
        .filter_map(|l| l.nanos.checked_div(l.hits))
        .min()
}

fn table(
    out: &mut String,
    source: &[&str],
    lines: impl Iterator<Item = u32>,
    profile: &Profile,
    hot: &[u32],
    total: u64,
) {
    let _ = writeln!(out, "\n  Line       Hits   Time (ms)  Per hit (ns)  % Time  Hot  Line Contents");
    let _ = writeln!(out, "{}", "=".repeat(80));
    for line in lines {
        let code = source.get(line as usize - 1).copied().unwrap_or("");
        match profile.lines.iter().find(|l| l.line == line) {
            Some(stat) => {
                let rank = hot.iter().position(|&h| h == line).map_or(String::new(), |r| format!("#{}", r + 1));
                let per_hit = stat.nanos.checked_div(stat.hits).unwrap_or(0);
                let _ = writeln!(
                    out,
                    "{:>6} {:>10} {:>11.3} {:>13} {:>7.1} {:>4}  {}",
                    line,
                    stat.hits,
                    stat.nanos as f64 / 1e6,
                    per_hit,
                    percent(stat.nanos, total),
                    rank,
                    code
                );
            }
            None => {
                let _ = writeln!(out, "{line:>6} {:>51}  {code}", "");
            }
        }
    }
}

/// Line numbers of the `top` lines with the most time, hottest first.
pub(crate) fn hottest(lines: &[LineStat], top: usize) -> Vec<u32> {
    let mut ranked: Vec<&LineStat> = lines.iter().filter(|l| l.nanos > 0).collect();
    ranked.sort_by(|a, b| b.nanos.cmp(&a.nanos).then(a.line.cmp(&b.line)));
    ranked.into_iter().take(top).map(|l| l.line).collect()
}

/// copy.py's top-level functions (stdlib-copy's layout), with lines counted as the profile
/// counts them.
fn functions(source: &str) -> Vec<Function<'_>> {
    copylab_stdlib_copy::layout::functions(source)
        .into_iter()
        .filter_map(|f| {
            Some(Function { name: f.name, start: u32::try_from(f.start).ok()?, end: u32::try_from(f.end).ok()? })
        })
        .collect()
}

struct Function<'a> {
    name: &'a str,
    start: u32,
    end: u32,
}

pub(crate) fn percent(part: u64, whole: u64) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 * 100.0 / whole as f64 }
}

pub(crate) fn millis(nanos: u64) -> String {
    if nanos >= 1_000_000_000 {
        format!("{:.3} s", nanos as f64 / 1e9)
    } else {
        format!("{:.3} ms", nanos as f64 / 1e6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line_of(source: &str, start: &str) -> u32 {
        let index = source.lines().position(|line| line.starts_with(start)).expect("line in copy.py");
        u32::try_from(index + 1).expect("copy.py is short")
    }

    /// A profile of the baseline: two lines of `deepcopy`, one of `_deepcopy_list`, one
    /// module-level import.
    fn sample() -> (CopySource, Profile) {
        let copy = CopySource::variant(copylab_stdlib_copy::baseline());
        let deepcopy = line_of(&copy.source, "def deepcopy(");
        let list = line_of(&copy.source, "def _deepcopy_list(");
        let import = line_of(&copy.source, "import types");
        let lines = vec![
            LineStat { line: import, hits: 1, nanos: 1_000 },
            LineStat { line: deepcopy, hits: 10, nanos: 400_000 },
            LineStat { line: deepcopy + 8, hits: 10, nanos: 5_000_000 },
            LineStat { line: list + 1, hits: 3, nanos: 3_000_000 },
        ];
        let run = Timing { elapsed_nanos: 20_000_000, loops: 1, status: 0 };
        (copy, Profile { lines, events: 1_000, folded: Vec::new(), run })
    }

    #[test]
    fn lines_are_grouped_by_function_then_module_level_then_hottest() {
        let (copy, profile) = sample();
        let context = Context { copy: &copy, memo: "dict", what: "script.py ", top: 2 };
        let unprofiled = Timing { elapsed_nanos: 4_000_000, loops: 1, status: 0 };
        let text = render(&profile, Some(&unprofiled), &context);
        let deepcopy = text.find("\nFunction: deepcopy (lines ").expect("deepcopy group");
        let list = text.find("\nFunction: _deepcopy_list (lines ").expect("_deepcopy_list group");
        let module = text.find("\nModule level (copy.py being imported):").expect("module group");
        let hottest = text.find("\nHottest lines:").expect("hottest");
        assert!(deepcopy < list && list < module && module < hottest, "{text}");
        // A function's calls are its def line's hits; its share is of all copy.py time.
        assert!(text.contains("Function: deepcopy (lines") && text.contains(": 10 calls, 5.400 ms (64.3%)"), "{text}");
        assert!(text.contains("Overhead: 4.000 ms unprofiled, 20.000 ms profiled: 5.0x slower"), "{text}");
        let hot: Vec<&str> = text[hottest..].lines().skip(2).collect();
        assert_eq!(hot.len(), 2, "{text}");
        assert!(hot[0].starts_with(&format!("  #1  line {:>4}", profile.lines[2].line)), "{text}");
    }

    #[test]
    fn report_snapshot() {
        let (copy, profile) = sample();
        let context = Context { copy: &copy, memo: "dict", what: "workload deepcopy (trio) ", top: 3 };
        insta::assert_snapshot!("profile_report", render(&profile, None, &context));
    }
}
