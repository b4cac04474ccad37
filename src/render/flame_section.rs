//! The report's flame graphs: one per profiled arm, and one differential graph of each arm
//! against its reference (the arm its ratios are computed against) when both were profiled.
//!
//! Each graph is inferno's interactive SVG ([`super::flame_graph`]) in an `<object>` with a
//! `data:` URL: a document of its own, so its script (hover, zoom, search), its styles and
//! its element ids stay apart from the page's and from the other graphs', and the page still
//! loads nothing from anywhere.

use std::fmt::Write;

use copylab_bench::RunSet;

use super::flame_graph::{self, Caption};
use super::html_report::reference_of;
use super::svg_plot::escape;
use crate::commands::profile::folded::ArmProfile;

const SUBTITLE: &str = "Width: time in ns with the tracer running (profiled apart from the timed runs). copy.py frames name the line running.";

fn profile_of<'a>(set: &RunSet, arm: usize, profiles: &'a [ArmProfile]) -> Option<&'a ArmProfile> {
    profiles.iter().find(|p| p.arm == set.arms[arm].label)
}

fn flame_id(arm: usize) -> String {
    format!("flame-{arm}")
}

fn differential_id(arm: usize) -> String {
    format!("flame-diff-{arm}")
}

/// The links of arm `arm`'s row to its graphs (none when it was not profiled).
pub(super) fn links(set: &RunSet, arm: usize, profiles: &[ArmProfile]) -> Vec<String> {
    let mut links = Vec::new();
    if profile_of(set, arm, profiles).is_some() {
        links.push(format!("<a href=\"#{}\">flame graph</a>", flame_id(arm)));
        if let Some(reference) = reference_of(set, arm).filter(|r| profile_of(set, *r, profiles).is_some()) {
            links.push(format!(
                "<a href=\"#{}\">differential flame graph against {}</a>",
                differential_id(arm),
                escape(&set.arms[reference].label)
            ));
        }
    }
    links
}

pub(super) fn sections(html: &mut String, set: &RunSet, profiles: &[ArmProfile]) {
    if profiles.is_empty() {
        return;
    }
    html.push_str("<h2>Where the time goes: flame graphs</h2>\n<p>Each profiled arm's Python call stacks over the same workloads, recorded after the timed runs by <code>copylab profile</code> on the arm's own build. Hover a frame for its time, click to zoom, Ctrl-F to search. A differential graph has the arm's frames at the arm's widths, coloured by the change against the reference (its times scaled to the arm's total first): <span class=\"slower\">red</span> where the arm spends more, <span style=\"color:#1f5fbf;font-weight:bold\">blue</span> where it spends less.</p>\n");
    let missing: Vec<&str> = (0..set.arms.len())
        .filter(|arm| profile_of(set, *arm, profiles).is_none())
        .map(|arm| set.arms[arm].label.as_str())
        .collect();
    if !missing.is_empty() {
        let _ = writeln!(
            html,
            "<p>Not profiled: {} (CPython arms have no copylab profiler; for a saved run, pass the arm's <code>.folded</code> file after its results file).</p>",
            escape(&missing.join(", "))
        );
    }
    for (arm, info) in set.arms.iter().enumerate() {
        let Some(profile) = profile_of(set, arm, profiles) else {
            continue;
        };
        let caption = Caption { title: format!("copylab bench: {}", info.label), subtitle: SUBTITLE.to_string() };
        let _ = writeln!(html, "<section class=\"flame\" id=\"{}\">\n<h3>{}</h3>", flame_id(arm), escape(&info.label));
        embed(html, flame_graph::svg(&caption, &profile.folded));
        html.push_str("</section>\n");
        let Some(reference) = reference_of(set, arm) else {
            continue;
        };
        let Some(reference_profile) = profile_of(set, reference, profiles) else {
            continue;
        };
        let title = format!("{} against {}", info.label, set.arms[reference].label);
        let caption = Caption {
            title: format!("copylab bench: {title}"),
            subtitle: "Red: more time in the arm than in the reference; blue: less. Widths: the arm's times. Frames matched by function, lines dropped.".into(),
        };
        let _ =
            writeln!(html, "<section class=\"flame\" id=\"{}\">\n<h3>{}</h3>", differential_id(arm), escape(&title));
        embed(html, flame_graph::differential_svg(&caption, &reference_profile.folded, &profile.folded));
        html.push_str("</section>\n");
    }
}

/// The graph as an `<object>` as tall as the SVG says, or, should inferno refuse the stacks,
/// the reason in its place: the rest of the report is still worth having.
fn embed(html: &mut String, svg: std::io::Result<String>) {
    match svg {
        Ok(svg) => {
            let height = svg_height(&svg).unwrap_or(600.0);
            let _ = writeln!(
                html,
                "<object class=\"plot flame\" type=\"image/svg+xml\" style=\"width:100%;height:{height}px\" data=\"data:image/svg+xml;charset=utf-8,{}\"></object>",
                data_url_text(&svg)
            );
        }
        Err(err) => {
            let _ = writeln!(html, "<p class=\"warn\">No flame graph: {}</p>", escape(&err.to_string()));
        }
    }
}

/// The `height` of the root `<svg>` element.
fn svg_height(svg: &str) -> Option<f64> {
    let root = &svg[svg.find("<svg")?..];
    let root = &root[..root.find('>')?];
    let rest = &root[root.find(" height=\"")? + " height=\"".len()..];
    rest[..rest.find('"')?].parse().ok()
}

/// `text` as the data of a `data:` URL inside a double-quoted attribute: percent-encoded where
/// a URL parser would cut or drop it (`%`, `#`, line breaks and tabs), and HTML-escaped.
fn data_url_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '#' => out.push_str("%23"),
            '\n' => out.push_str("%0A"),
            '\r' => out.push_str("%0D"),
            '\t' => out.push_str("%09"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_urls_keep_what_a_url_parser_would_cut() {
        assert_eq!(data_url_text("a#b%c\n\"<&>"), "a%23b%25c%0A&quot;&lt;&amp;&gt;");
        assert_eq!(svg_height("<?xml?><svg width=\"1200\" height=\"342\" x=\"1\"><rect height=\"9\"/>"), Some(342.0));
        assert_eq!(svg_height("<svg width=\"1\">"), None);
    }
}
