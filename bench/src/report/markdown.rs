//! Markdown report in the shape of `pyperf compare_to --table`: one row per
//! workload, one column per arm, the baseline as mean ± std dev and the other
//! arms as `mean: verdict`; then a geometric mean row, and a memory table when
//! asked for.

use super::Report;
use super::terminal::memory_texts;
use crate::units::{format_mean_stdev, format_timedelta};

pub fn render(report: &Report, memory: bool) -> String {
    let mut header = vec!["Benchmark".to_string()];
    header.extend(report.labels.iter().map(|label| escape(label)));
    let mut lines = vec![row(&header), separator(1, header.len())];
    for section in &report.sections {
        let mut cells = vec![escape(&section.workload)];
        for row in &section.rows {
            let s = &row.summary;
            cells.push(match &row.comparison {
                None => format_mean_stdev(s.mean, s.stdev),
                Some(comparison) => match &row.reference {
                    Some(reference) => {
                        format!("{}: {} vs {}", format_timedelta(s.mean), comparison.verdict, escape(reference))
                    }
                    None => format!("{}: {}", format_timedelta(s.mean), comparison.verdict),
                },
            });
        }
        lines.push(row(&cells));
    }
    if !report.geometric_means.is_empty() {
        let mut cells = vec!["Geometric mean".to_string(), "(ref)".to_string()];
        cells.extend(report.geometric_means.iter().map(|g| match &g.reference {
            Some(reference) => format!("{} vs {}", g.verdict, escape(reference)),
            None => g.verdict.to_string(),
        }));
        lines.push(row(&cells));
    }
    if memory {
        lines.push(String::new());
        let header = ["Benchmark", "Arm", "Peak RSS", "Allocs/call", "Bytes/call"].map(String::from);
        lines.push(row(&header));
        lines.push(separator(2, header.len()));
        for section in &report.sections {
            for r in &section.rows {
                let mut cells = vec![escape(&section.workload), escape(&r.label)];
                cells.extend(memory_texts(&r.memory));
                lines.push(row(&cells));
            }
        }
    }
    lines.push(String::new());
    lines.join("\n")
}

fn row(cells: &[String]) -> String {
    format!("| {} |", cells.join(" | "))
}

/// The first `text` columns left-aligned, the others right-aligned like numbers.
fn separator(text: usize, columns: usize) -> String {
    let parts: Vec<String> = (0..columns).map(|i| if i < text { ":---" } else { "---:" }.to_string()).collect();
    row(&parts)
}

fn escape(text: &str) -> String {
    text.replace('|', "\\|")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{MemoryStats, Sample};

    #[test]
    fn table_with_reference_verdicts_and_geomean() {
        let sample = |scale: f64| Sample {
            values: vec![scale, scale * 1.01, scale * 0.99],
            loops: 100,
            memory: MemoryStats::default(),
        };
        let report = Report::build(
            vec!["baseline".into(), "fast|path".into()],
            vec![
                ("deepcopy".into(), vec![sample(2.8e-3), sample(1.4e-3)]),
                ("deepcopy_memo".into(), vec![sample(170e-6), sample(170e-6)]),
            ],
        );
        let text = render(&report, false);
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "| Benchmark | baseline | fast\\|path |");
        assert_eq!(lines[1], "| :--- | ---: | ---: |");
        assert_eq!(lines[2], "| deepcopy | 2.80 ms ± 0.03 ms | 1.40 ms: 2.00x faster |");
        assert_eq!(lines[3], "| deepcopy_memo | 170 us ± 2 us | 170 us: not significant |");
        assert_eq!(lines[4], "| Geometric mean | (ref) | 1.41x faster |");
        let with_memory = render(&report, true);
        assert!(with_memory.contains("| deepcopy | baseline | - | - | - |"), "{with_memory}");
    }
}
