//! `bench sweep --html`: the sweep as one self-contained page, like the bench report (inline
//! CSS and SVG, no script): the line plot with each workload's 95% band and crossover marks,
//! the table of means with each value's ratio to the first value, the swept arms and the
//! run's metadata. Numbers come from copylab-bench's [`SweepTable`] and [`RunSet`]; nothing
//! is computed here but layout.

use std::fmt::Write;

use copylab_bench::units::format_mean_stdev;
use copylab_bench::{RunSet, SweepTable};

use super::html_report::STYLE;
use super::svg_plot::{self, escape};

/// `set` is the sweep's run as [`RunSet::from_results`] reads it: its arms (one per value and
/// VM) and metadata.
pub(crate) fn render(table: &SweepTable, set: &RunSet) -> String {
    let mut html = String::new();
    let title = format!("copylab sweep of {} for {}", table.spec.name, table.subject);
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{0}</title>\n<style>{STYLE}</style>\n</head>\n<body data-arms=\"{1}\" data-workloads=\"{2}\">\n<h1>{0}</h1>",
        escape(&title),
        set.arms.len(),
        table.rows.len()
    );
    let _ = writeln!(
        html,
        "<p>Mean time per call of each workload at each value of <code>{0}</code>, with its 95% interval shaded. A dashed line marks a workload's crossover: the first value whose ratio to <code>{0} = {1}</code> has a 95% interval that leaves 1.00, where the constant starts to make a measurable difference.</p>",
        escape(&table.spec.name),
        escape(&table.spec.values[0])
    );
    html.push_str(&svg_plot::render(&table.plot()));
    means_table(&mut html, table);
    html.push_str("<h2>Arms</h2>\n<table class=\"arms\">\n<tr><th>arm</th><th>metadata</th></tr>\n");
    for arm in &set.arms {
        let metadata: Vec<String> = arm.metadata.iter().map(|(k, v)| format!("{k}: {}", escape(v))).collect();
        let _ =
            writeln!(html, "<tr class=\"arm\"><td>{}</td><td>{}</td></tr>", escape(&arm.label), metadata.join("<br>"));
    }
    html.push_str("</table>\n<h2>Run</h2>\n<table class=\"metadata\">\n");
    for (key, value) in set.runs.iter().flat_map(|run| &run.metadata) {
        let _ = writeln!(html, "<tr><th>{}</th><td>{}</td></tr>", escape(key), escape(value));
    }
    html.push_str("</table>\n</body>\n</html>\n");
    html
}

/// Workloads (rows) by values (columns): mean ± std dev, then the ratio to the first value
/// with its interval; the crossover's cell is bold.
fn means_table(html: &mut String, table: &SweepTable) {
    let _ = write!(html, "<h2>Means</h2>\n<table class=\"sweep\">\n<tr><th>{} =</th>", escape(&table.spec.name));
    for value in &table.spec.values {
        let _ = write!(html, "<th>{}</th>", escape(value));
    }
    html.push_str("<th>crossover</th></tr>\n");
    let ratios = table.ratios();
    for (((workload, summaries), ratios), crossover) in table.rows.iter().zip(&ratios).zip(table.crossovers()) {
        let _ = write!(html, "<tr class=\"workload\" data-workload=\"{0}\"><td>{0}</td>", escape(workload));
        for (index, (summary, ratio)) in summaries.iter().zip(ratios).enumerate() {
            let ratio = match ratio {
                Some((ratio, Some((low, high)))) => format!("<br>{ratio:.3} [{low:.3}, {high:.3}]"),
                Some((ratio, None)) => format!("<br>{ratio:.3}"),
                None => String::new(),
            };
            let cell = format!("{}{ratio}", escape(&format_mean_stdev(summary.mean, summary.stdev)));
            // Bold, not coloured: a crossover can be a slowdown as well as a speed-up.
            let cell = if crossover == Some(index) { format!("<b>{cell}</b>") } else { cell };
            let _ = write!(html, "<td class=\"num\">{cell}</td>");
        }
        let crossover = match crossover {
            Some(index) => format!("{} = {}", escape(&table.spec.name), escape(&table.spec.values[index])),
            None => "none: every interval contains 1.00".to_string(),
        };
        let _ = writeln!(html, "<td>{crossover}</td></tr>");
    }
    html.push_str("</table>\n<p>Under each mean: its ratio to the first value's mean [95% interval].</p>\n");
}
