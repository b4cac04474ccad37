//! The terminal report: one table per workload, then the geometric means.

use super::table::{Cell, TextTable, paint, style};
use super::{MemoryStats, Report, Row};
use crate::units::{format_count, format_filesize, format_mean_stdev, format_timedeltas};
use crate::verdict::Verdict;

#[derive(Clone, Copy, Debug, Default)]
pub struct TerminalOptions {
    /// ANSI colours; the caller decides (e.g. stdout is a terminal and
    /// NO_COLOR is unset).
    pub color: bool,
    /// Peak RSS, allocations and bytes per call columns.
    pub memory: bool,
}

pub fn render(report: &Report, options: TerminalOptions) -> String {
    let mut out = Vec::new();
    for section in &report.sections {
        out.push(paint(&section.workload, Some(style::BOLD), options.color));
        let mut headers: Vec<String> =
            ["Arm", "Mean ± std dev", "Median", "Min", "Max", "Loops", "vs baseline"].map(String::from).to_vec();
        let mut right = vec![false, true, true, true, true, true, false];
        if options.memory {
            headers.extend(["Peak RSS", "Allocs/call", "Bytes/call"].map(String::from));
            right.extend([true, true, true]);
        }
        let rows = section.rows.iter().map(|row| row_cells(row, options)).collect();
        let table = TextTable { headers, right, rows };
        out.extend(table.render("  ", options.color));
        for row in &section.rows {
            for warning in &row.warnings {
                let text = format!("  ! {}: {warning}", row.label);
                out.push(paint(&text, Some(style::YELLOW), options.color));
            }
        }
        out.push(String::new());
    }
    if !report.geometric_means.is_empty() {
        let baseline = report.labels.first().map_or("", String::as_str);
        out.push(paint(&format!("Geometric mean vs {baseline}"), Some(style::BOLD), options.color));
        let rows = report
            .geometric_means
            .iter()
            .map(|g| {
                vec![Cell::plain(g.label.clone()), with_reference(verdict_cell(g.verdict), g.reference.as_deref())]
            })
            .collect();
        let table = TextTable { headers: vec!["Arm".into(), "Speed".into()], right: vec![false, false], rows };
        out.extend(table.render("  ", options.color));
        out.push(String::new());
    }
    out.join("\n")
}

fn row_cells(row: &Row, options: TerminalOptions) -> Vec<Cell> {
    let s = &row.summary;
    // One unit for the whole row, chosen from the mean, as pyperf does.
    let times = format_timedeltas(&[s.mean, s.median, s.min, s.max]);
    let verdict = match &row.comparison {
        None => Cell::styled("(baseline)", style::DIM),
        Some(comparison) => with_reference(verdict_cell(comparison.verdict), row.reference.as_deref()),
    };
    let mut cells = vec![
        Cell::plain(row.label.clone()),
        Cell::plain(format_mean_stdev(s.mean, s.stdev)),
        Cell::plain(times[1].clone()),
        Cell::plain(times[2].clone()),
        Cell::plain(times[3].clone()),
        Cell::plain(row.loops.to_string()),
        verdict,
    ];
    if options.memory {
        cells.extend(memory_cells(&row.memory));
    }
    cells
}

pub(crate) fn memory_texts(memory: &MemoryStats) -> [String; 3] {
    let or_dash = |text: Option<String>| text.unwrap_or_else(|| "-".to_string());
    [
        or_dash(memory.peak_rss_kib.map(|kib| format_filesize(kib as f64 * 1024.0))),
        or_dash(memory.allocs_per_call.map(format_count)),
        or_dash(memory.bytes_per_call.map(format_count)),
    ]
}

fn memory_cells(memory: &MemoryStats) -> [Cell; 3] {
    memory_texts(memory).map(Cell::plain)
}

fn verdict_cell(verdict: Verdict) -> Cell {
    let style = match verdict {
        Verdict::Faster(_) => style::GREEN,
        Verdict::Slower(_) => style::RED,
        Verdict::NoChange | Verdict::NotSignificant => style::DIM,
    };
    Cell::styled(verdict.to_string(), style)
}

/// `1.36x faster vs baseline@python3` when the reference is not the first arm.
fn with_reference(mut cell: Cell, reference: Option<&str>) -> Cell {
    if let Some(reference) = reference {
        cell.text = format!("{} vs {reference}", cell.text);
    }
    cell
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Sample;

    fn report() -> Report {
        let sample = |values: &[f64], allocs| Sample {
            values: values.to_vec(),
            loops: 4,
            memory: MemoryStats { peak_rss_kib: Some(20_480), allocs_per_call: allocs, bytes_per_call: None },
        };
        Report::build(
            vec!["baseline".into(), "fastpath".into()],
            vec![
                (
                    "deepcopy".into(),
                    vec![sample(&[2.8e-3, 2.82e-3, 2.79e-3], Some(1200.0)), sample(&[2.5e-3, 2.51e-3, 2.49e-3], None)],
                ),
                (
                    "deepcopy_memo".into(),
                    vec![sample(&[170e-6, 171e-6, 169e-6], None), sample(&[170e-6, 172e-6, 168e-6], None)],
                ),
            ],
        )
    }

    #[test]
    fn plain_report_has_tables_verdicts_and_geomean() {
        let text = render(&report(), TerminalOptions::default());
        assert!(!text.contains('\x1b'));
        assert!(text.contains("deepcopy\n  Arm "), "{text}");
        assert!(text.contains("2.80 ms ± 0.02 ms"), "{text}");
        assert!(text.contains("(baseline)"));
        assert!(text.contains("1.12x faster"), "{text}");
        assert!(text.contains("not significant"), "{text}");
        assert!(text.contains("Geometric mean vs baseline"), "{text}");
        assert!(text.contains("! baseline: the shortest raw value is only 676 us"), "{text}");
        assert!(!text.contains("Peak RSS"));
    }

    /// The whole table, as a user sees it: layout changes show up in review.
    #[test]
    fn plain_report_snapshot() {
        insta::assert_snapshot!("terminal_report", render(&report(), TerminalOptions::default()));
    }

    #[test]
    fn memory_columns_and_colour_on_request() {
        let text = render(&report(), TerminalOptions { color: true, memory: true });
        assert!(text.contains("Peak RSS") && text.contains("20.0 MiB") && text.contains("1,200"), "{text}");
        assert!(text.contains("\x1b[32m1.12x faster\x1b[0m"), "{text}");
    }
}
