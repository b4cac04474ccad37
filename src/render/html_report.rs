//! The bench report as one self-contained HTML page: inline CSS and SVG, no script of its
//! own, no external resource, so it opens offline and can be mailed or archived as one file.
//!
//! The arms table names the reference of each arm's ratios. Per workload: a strip plot of
//! every arm's values (run order visible), a forest plot of each arm's ratio to its reference
//! with its 95% interval, and a table with the t-test's verdict in words and the stability
//! warnings beside their arm. Then the geometric means, the flame graphs of profiled arms
//! ([`super::flame_section`], whose embedded graphs carry inferno's script in their own
//! documents), the runs' metadata, and the patches that make each arm differ (variant diffs,
//! fork patch sets), linked from the arms table. Numbers come from copylab-bench's [`RunSet`]
//! and [`Report`](copylab_bench::Report); nothing is computed here but layout.

use std::fmt::Write;

use copylab_bench::plot::{ForestPlot, ForestRow, Strip, StripPlot};
use copylab_bench::stats::{self, TTest};
use copylab_bench::units::format_mean_stdev;
use copylab_bench::{ArmInfo, Comparison, RunSet, Section};

use super::flame_section as flame_graph;
use super::svg_plot::{escape, render_forest, render_strips};
use crate::commands::profile::folded::ArmProfile;

/// Why an arm differs from the reference: a variant's diff or a fork's patch files.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Patch {
    /// The page anchor, `variant-NAME` or `vm-fork:NAME`.
    pub(crate) id: String,
    pub(crate) title: String,
    /// (file name, text).
    pub(crate) files: Vec<(String, String)>,
}

impl Patch {
    pub(crate) fn variant_id(variant: &str) -> String {
        format!("variant-{variant}")
    }

    pub(crate) fn vm_id(vm: &str) -> String {
        format!("vm-{vm}")
    }
}

pub(super) const STYLE: &str = "body{font-family:sans-serif;max-width:1200px;margin:1em auto;padding:0 1em;color:#222}\
table{border-collapse:collapse;margin:.5em 0 1em}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}\
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}.warn{color:#a15c00;font-size:90%}\
.faster{color:#1a7f37;font-weight:bold}.slower{color:#b42318;font-weight:bold}.ns{color:#666}\
section.workload{border-top:2px solid #ddd;margin-top:1.5em}svg.plot{display:block;max-width:100%;height:auto}\
pre{background:#f7f7f7;padding:.5em;overflow-x:auto;font-size:85%}details{margin:.5em 0}";

pub(crate) fn render(set: &RunSet, patches: &[Patch], profiles: &[ArmProfile]) -> String {
    let mut html = String::new();
    let title = format!(
        "copylab bench report: {} arm{}, {} workload{}",
        set.arms.len(),
        plural(set.arms.len()),
        set.workloads.len(),
        plural(set.workloads.len())
    );
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body data-arms=\"{}\" data-workloads=\"{}\">",
        escape(&title),
        set.arms.len(),
        set.workloads.len()
    );
    let _ = writeln!(html, "<h1>{}</h1>", escape(&title));
    let reference = set.arms.first().map_or("", |a| a.label.as_str());
    let _ = writeln!(
        html,
        "<p>Every ratio is an arm's mean time per call over the reference's, <b>{}</b>, unless the arms table (column <i>ratios against</i>) and the row name another: a CPython arm is compared with the first run's CPython arm of its variant, or else with its run's CPython baseline. Below 1.00 is faster. Verdicts are Welch's two-sided t-test at 95%, as <code>pyperf compare_to</code> words them.</p>",
        escape(reference)
    );
    arms_table(&mut html, set, patches, profiles);
    geometric_means(&mut html, set);
    for (index, section) in set.report.sections.iter().enumerate() {
        workload(&mut html, set, index, section);
    }
    flame_graph::sections(&mut html, set, profiles);
    runs_metadata(&mut html, set);
    patch_sections(&mut html, patches);
    html.push_str("</body>\n</html>\n");
    html
}

/// The arm that arm `arm`'s ratios are computed against (`None` for the first arm, the
/// reference of all others unless a row names another).
pub(super) fn reference_of(set: &RunSet, arm: usize) -> Option<usize> {
    if arm == 0 {
        return None;
    }
    let label = &set.arms[arm].label;
    let named = set.report.sections.iter().flat_map(|s| &s.rows).find(|row| row.label == *label)?.reference.as_ref();
    Some(named.and_then(|named| set.arms.iter().position(|a| a.label == *named)).unwrap_or(0))
}

fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}

fn arms_table(html: &mut String, set: &RunSet, patches: &[Patch], profiles: &[ArmProfile]) {
    html.push_str("<h2>Arms</h2>\n<table class=\"arms\">\n<tr><th>arm</th><th>run</th><th>ratios against</th><th>metadata</th><th>why it differs</th></tr>\n");
    for (index, arm) in set.arms.iter().enumerate() {
        let metadata: Vec<String> = arm.metadata.iter().map(|(k, v)| format!("{k}: {}", escape(v))).collect();
        let reference = match reference_of(set, index) {
            Some(reference) => escape(&set.arms[reference].label),
            None if index == 0 => "(the reference)".to_string(),
            None => "—".to_string(),
        };
        let _ = writeln!(
            html,
            "<tr class=\"arm\"><td>{}</td><td>{}</td><td>{reference}</td><td>{}</td><td>{}</td></tr>",
            escape(&arm.label),
            escape(&set.runs[arm.run].label),
            metadata.join("<br>"),
            patch_links(arm, patches, &flame_graph::links(set, index, profiles))
        );
    }
    html.push_str("</table>\n");
}

fn patch_links(arm: &ArmInfo, patches: &[Patch], flame_links: &[String]) -> String {
    let mut links = flame_links.to_vec();
    let ids = [arm.variant.as_deref().map(Patch::variant_id), arm.vm.as_deref().map(Patch::vm_id)];
    for id in ids.into_iter().flatten() {
        if let Some(patch) = patches.iter().find(|p| p.id == id) {
            links.push(format!("<a href=\"#{}\">{}</a>", escape(&patch.id), escape(&patch.title)));
        }
    }
    if links.is_empty() { "—".to_string() } else { links.join("<br>") }
}

fn geometric_means(html: &mut String, set: &RunSet) {
    if set.report.geometric_means.is_empty() {
        return;
    }
    // Not coloured as a verdict: it has no significance test (pyperf prints it the same way),
    // and two insignificant ratios can average to a confident-looking "1.02x faster".
    html.push_str("<h2>Geometric mean over all workloads</h2>\n<p>Of every workload's ratio, significant or not; no test stands behind it, so read it with the per-workload verdicts below.</p>\n<table class=\"geomean\">\n<tr><th>arm</th><th>geometric mean of ratios</th><th>as a factor</th></tr>\n");
    for mean in &set.report.geometric_means {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"num\">{:.3}</td><td>{}</td></tr>",
            escape(&mean.label),
            mean.norm_mean,
            escape(&mean.verdict.to_string())
        );
    }
    html.push_str("</table>\n");
}

fn workload(html: &mut String, set: &RunSet, index: usize, section: &Section) {
    let values = &set.workloads[index].1;
    let strips = set
        .arms
        .iter()
        .zip(values)
        .filter_map(|(arm, values)| {
            let summary = stats::Summary::of(values)?;
            Some(Strip { label: arm.label.clone(), values: values.clone(), mean: summary.mean, median: summary.median })
        })
        .collect();
    let forest_rows: Vec<ForestRow> = section
        .rows
        .iter()
        .filter_map(|row| {
            let comparison = row.comparison?;
            Some(ForestRow {
                label: row.label.clone(),
                ratio: comparison.norm_mean,
                interval: comparison.interval,
                significant: comparison.test.is_none_or(|t| t.significant),
            })
        })
        .collect();
    let _ =
        writeln!(html, "<section class=\"workload\" data-workload=\"{0}\">\n<h2>{0}</h2>", escape(&section.workload));
    html.push_str(&render_strips(&StripPlot { title: format!("{}: time per call", section.workload), strips }));
    if !forest_rows.is_empty() {
        html.push_str(&render_forest(&ForestPlot {
            title: format!("{}: ratio to the reference", section.workload),
            rows: forest_rows,
        }));
    }
    html.push_str("<table class=\"rows\">\n<tr><th>arm</th><th>mean ± std dev</th><th>median</th><th>values</th><th>ratio [95% interval]</th><th>verdict</th><th>stability</th></tr>\n");
    for row in &section.rows {
        let (ratio, verdict) = match &row.comparison {
            Some(comparison) => (ratio_text(comparison), verdict_words(comparison, row.reference.as_deref())),
            None => ("reference".to_string(), String::new()),
        };
        let warnings: Vec<String> = row.warnings.iter().map(|w| format!("⚠ {}", escape(&w.to_string()))).collect();
        let verdict_class = row.comparison.map_or("", |c| verdict_class(&c.verdict.to_string()));
        let _ = writeln!(
            html,
            "<tr class=\"workload-arm\"><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"{verdict_class}\">{}</td><td class=\"warn\">{}</td></tr>",
            escape(&row.label),
            escape(&format_mean_stdev(row.summary.mean, row.summary.stdev)),
            escape(&copylab_bench::units::format_timedelta(row.summary.median)),
            row.summary.n,
            escape(&ratio),
            escape(&verdict),
            warnings.join("<br>")
        );
    }
    html.push_str("</table>\n</section>\n");
}

fn ratio_text(comparison: &Comparison) -> String {
    match comparison.interval {
        Some((low, high)) => format!("{:.3} [{low:.3}, {high:.3}]", comparison.norm_mean),
        None => format!("{:.3}", comparison.norm_mean),
    }
}

/// The verdict and the test behind it, in a sentence a reader can check.
fn verdict_words(comparison: &Comparison, reference: Option<&str>) -> String {
    let against = reference.map(|r| format!(" (against {r})")).unwrap_or_default();
    match comparison.test {
        Some(TTest { t, df, critical, significant: true }) => format!(
            "{}{against}: |t| = {:.2} ≥ {critical:.2}, the 95% critical value at {df:.1} degrees of freedom, so the difference is significant",
            comparison.verdict,
            t.abs()
        ),
        Some(TTest { t, df, critical, significant: false }) => format!(
            "not significant{against}: |t| = {:.2} < {critical:.2}, the 95% critical value at {df:.1} degrees of freedom; the means differ by {:+.1}%, within the noise",
            t.abs(),
            (comparison.norm_mean - 1.0) * 100.0
        ),
        None => format!("{}{against}: too few values for a t-test, ratio only", comparison.verdict),
    }
}

fn verdict_class(verdict: &str) -> &'static str {
    if verdict.ends_with("faster") {
        "faster"
    } else if verdict.ends_with("slower") {
        "slower"
    } else {
        "ns"
    }
}

fn runs_metadata(html: &mut String, set: &RunSet) {
    html.push_str("<h2>Runs</h2>\n");
    for run in &set.runs {
        let _ = writeln!(html, "<h3>{}</h3>\n<table class=\"metadata\">", escape(&run.label));
        for (key, value) in &run.metadata {
            let _ = writeln!(html, "<tr><th>{}</th><td>{}</td></tr>", escape(key), escape(value));
        }
        html.push_str("</table>\n");
    }
}

fn patch_sections(html: &mut String, patches: &[Patch]) {
    if patches.is_empty() {
        return;
    }
    html.push_str("<h2>Why the arms differ</h2>\n");
    for patch in patches {
        let _ = writeln!(html, "<details id=\"{}\">\n<summary>{}</summary>", escape(&patch.id), escape(&patch.title));
        for (name, text) in &patch.files {
            let _ = writeln!(html, "<p><code>{}</code></p>\n<pre>{}</pre>", escape(name), escape(text));
        }
        html.push_str("</details>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use copylab_bench::ArmInfo;

    fn set() -> RunSet {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("run.json");
        let benchmarks: Vec<String> = ["w1", "w2"]
            .iter()
            .flat_map(|w| {
                [("baseline", 2.0), ("fastpath", 1.0)].map(|(arm, v)| {
                    format!(
                        r#"{{"metadata": {{"name": "{w}[{arm}]", "unit": "second", "loops": 1, "copylab_arm": "{arm}", "copylab_variant": "{arm}", "copylab_vm": "stock"}}, "runs": [{{"values": [{v}, {}, {}]}}]}}"#,
                        v * 1.01,
                        v * 0.99
                    )
                })
            })
            .collect();
        std::fs::write(&path, format!(r#"{{"version": "1.0", "benchmarks": [{}]}}"#, benchmarks.join(","))).unwrap();
        RunSet::from_files(&[path]).unwrap()
    }

    #[test]
    fn the_page_has_a_section_per_workload_and_links_patches() {
        let set = set();
        let patch = Patch {
            id: Patch::variant_id("fastpath"),
            title: "variant fastpath".into(),
            files: vec![("fastpath.patch".into(), "--- a/copy.py\n+<new>\n".into())],
        };
        let html = render(&set, &[patch], &[]);
        assert_eq!(html.matches("<section class=\"workload\"").count(), 2);
        assert_eq!(html.matches("<svg").count(), 4, "a strip and a forest plot per workload");
        assert_eq!(html.matches("<tr class=\"arm\">").count(), 2);
        assert!(html.contains("<a href=\"#variant-fastpath\">variant fastpath</a>"));
        assert!(html.contains("+&lt;new&gt;"));
        assert!(html.contains("2.00x faster: |t| = "), "{html}");
        assert!(html.contains("<td>baseline</td><td>run</td><td>(the reference)</td>"), "{html}");
        assert!(html.contains("<td>fastpath</td><td>run</td><td>baseline</td>"), "{html}");
        // Offline: no script, no fetched resource (the only URLs are SVG's namespace).
        assert!(!html.contains("<script") && !html.contains("src=") && !html.contains("href=\"http"));
        assert!(!html.contains("Where the time goes"), "no profiles, no flame graph section");
        let arm = ArmInfo { label: "x".into(), run: 0, variant: None, vm: None, metadata: Vec::new() };
        assert_eq!(patch_links(&arm, &[], &[]), "—");
    }

    #[test]
    fn profiled_arms_get_a_flame_graph_and_a_differential_one_against_their_reference() {
        let set = set();
        let profile = |arm: &str, leaf: &str| ArmProfile { arm: arm.into(), folded: vec![format!("main;{leaf} 100")] };
        let html =
            render(&set, &[], &[profile("baseline", "_deepcopy_list"), profile("fastpath", "_reconstruct_fast")]);
        assert_eq!(html.matches("<object class=\"plot flame\"").count(), 3);
        assert!(html.contains("<a href=\"#flame-0\">flame graph</a>"));
        assert!(html.contains("<a href=\"#flame-diff-1\">differential flame graph against baseline</a>"));
        assert!(html.contains("_reconstruct_fast") && html.contains("data:image/svg+xml;charset=utf-8,"));
        // Only the reference profiled: its own graph, and nothing to compare the other with.
        let html = render(&set, &[], &[profile("baseline", "x")]);
        assert_eq!(html.matches("<object class=\"plot flame\"").count(), 1);
        assert!(html.contains("Not profiled: fastpath"));
    }
}
