//! Block diagram of where the memo CAM sits in Python's deepcopy, as SVG, Graphviz dot or
//! Mermaid.
//!
//! All three formats are drawn from one list of blocks and arrows, so they cannot drift
//! apart. Software blocks are blue with rounded corners in a dashed lane; hardware blocks
//! are orange with square corners in a solid lane; a legend explains both and the three
//! arrow styles. The SVG is self-contained (no fonts, scripts or links).

use std::fmt::{self, Write as _};
use std::str::FromStr;

use cam_device::defaults;

/// An unknown diagram format name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown diagram format `{given}`: valid formats are svg, dot, mermaid")]
pub(crate) struct ParseDiagramFormatError {
    /// What the user typed.
    pub(crate) given: String,
}

/// Output format of [`render`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DiagramFormat {
    /// Standalone SVG image.
    Svg,
    /// Graphviz `dot` source.
    Dot,
    /// Mermaid flowchart source.
    Mermaid,
}

#[cfg(test)]
impl DiagramFormat {
    /// Every format, in the order they are listed to users.
    const ALL: [DiagramFormat; 3] = [DiagramFormat::Svg, DiagramFormat::Dot, DiagramFormat::Mermaid];
}

impl fmt::Display for DiagramFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DiagramFormat::Svg => "svg",
            DiagramFormat::Dot => "dot",
            DiagramFormat::Mermaid => "mermaid",
        })
    }
}

impl FromStr for DiagramFormat {
    type Err = ParseDiagramFormatError;

    /// Case-insensitive; `mmd` and `graphviz` are accepted as aliases.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.trim().to_ascii_lowercase().as_str() {
            "svg" => Ok(DiagramFormat::Svg),
            "dot" | "graphviz" => Ok(DiagramFormat::Dot),
            "mermaid" | "mmd" => Ok(DiagramFormat::Mermaid),
            _ => Err(ParseDiagramFormatError { given: text.to_owned() }),
        }
    }
}

/// Renders the diagram.
pub(crate) fn render(format: DiagramFormat) -> String {
    match format {
        DiagramFormat::Svg => svg(),
        DiagramFormat::Dot => dot(),
        DiagramFormat::Mermaid => mermaid(),
    }
}

// ---------------------------------------------------------------------------------------
// The one model
// ---------------------------------------------------------------------------------------

#[derive(Clone, Copy, PartialEq, Eq)]
enum Lane {
    Software,
    Hardware,
}

/// A box; `x`, `y`, `w`, `h` place it in the SVG (other formats lay out themselves).
struct Block {
    id: &'static str,
    title: &'static str,
    detail: &'static str,
    lane: Lane,
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    /// A memo or control operation.
    Operation,
    /// The spill path to and from the software table.
    Spill,
    /// Loads and stores through the memory system, both ways.
    Memory,
}

/// An arrow. `path` is its SVG polyline and `label_at` the centre of its label; routes are
/// hand-placed so that no two labels or boxes overlap.
struct Arrow {
    from: &'static str,
    to: &'static str,
    label: &'static str,
    style: Style,
    path: &'static [(f64, f64)],
    label_at: (f64, f64),
}

// One line per block reads as a table; keep rustfmt from unfolding it.
#[rustfmt::skip]
const BLOCKS: &[Block] = &[
    Block { id: "python", title: "Python code", detail: "your program", lane: Lane::Software, x: 50.0, y: 95.0, w: 170.0, h: 60.0 },
    Block { id: "copy_py", title: "copy.py", detail: "deepcopy(x, memo)", lane: Lane::Software, x: 320.0, y: 95.0, w: 180.0, h: 60.0 },
    Block { id: "interpreter", title: "Interpreter + bytecode", detail: "RustPython VM, memo object", lane: Lane::Software, x: 600.0, y: 95.0, w: 220.0, h: 60.0 },
    Block { id: "os", title: "OS", detail: "tag allocation, context switch", lane: Lane::Software, x: 50.0, y: 205.0, w: 220.0, h: 60.0 },
    Block { id: "spill_table", title: "Spill table", detail: "software, one per tag", lane: Lane::Software, x: 860.0, y: 205.0, w: 140.0, h: 60.0 },
    Block { id: "cam", title: "CAM", detail: "(tag, key) \u{2192} copy, 1 search/clock", lane: Lane::Hardware, x: 580.0, y: 400.0, w: 260.0, h: 70.0 },
    Block { id: "cache", title: "Cache L1/L2/L3", detail: CACHE_DETAIL, lane: Lane::Hardware, x: 860.0, y: 525.0, w: 140.0, h: 60.0 },
    Block { id: "memory_controller", title: "Memory controller", detail: "fills cache lines", lane: Lane::Hardware, x: 600.0, y: 525.0, w: 220.0, h: 60.0 },
    Block { id: "main_memory", title: "Main memory", detail: DRAM_DETAIL, lane: Lane::Hardware, x: 320.0, y: 525.0, w: 180.0, h: 60.0 },
];

// Keep the latency notes in step with the figures table.
const CACHE_DETAIL: &str = "\u{2248} 4 / 12 / 44 cycles";
const DRAM_DETAIL: &str = "DRAM 60\u{2013}120 ns";
const _: () = assert!(defaults::L1_CYCLES == 4 && defaults::L2_CYCLES == 12 && defaults::L3_CYCLES == 44);
const _: () = assert!(defaults::DRAM_NS_MIN == 60.0 && defaults::DRAM_NS_MAX == 120.0);

#[rustfmt::skip]
const ARROWS: &[Arrow] = &[
    Arrow { from: "python", to: "copy_py", label: "deepcopy(x)", style: Style::Operation, path: &[(220.0, 125.0), (320.0, 125.0)], label_at: (270.0, 112.0) },
    Arrow { from: "copy_py", to: "interpreter", label: "memo ops", style: Style::Operation, path: &[(500.0, 125.0), (600.0, 125.0)], label_at: (550.0, 112.0) },
    Arrow { from: "interpreter", to: "cam", label: "lookup", style: Style::Operation, path: &[(625.0, 155.0), (625.0, 400.0)], label_at: (625.0, 195.0) },
    Arrow { from: "cam", to: "interpreter", label: "hit/miss", style: Style::Operation, path: &[(680.0, 400.0), (680.0, 155.0)], label_at: (680.0, 235.0) },
    Arrow { from: "interpreter", to: "cam", label: "insert", style: Style::Operation, path: &[(740.0, 155.0), (740.0, 400.0)], label_at: (740.0, 195.0) },
    Arrow { from: "interpreter", to: "cam", label: "clear", style: Style::Operation, path: &[(795.0, 155.0), (795.0, 400.0)], label_at: (795.0, 235.0) },
    Arrow { from: "os", to: "cam", label: "tag (ASID-like)", style: Style::Operation, path: &[(160.0, 265.0), (160.0, 435.0), (580.0, 435.0)], label_at: (370.0, 422.0) },
    Arrow { from: "cam", to: "spill_table", label: "spill", style: Style::Spill, path: &[(840.0, 435.0), (930.0, 435.0), (930.0, 265.0)], label_at: (885.0, 422.0) },
    Arrow { from: "interpreter", to: "spill_table", label: "probe on miss", style: Style::Spill, path: &[(820.0, 125.0), (930.0, 125.0), (930.0, 205.0)], label_at: (875.0, 112.0) },
    Arrow { from: "spill_table", to: "cache", label: "loads/stores", style: Style::Memory, path: &[(975.0, 265.0), (975.0, 525.0)], label_at: (925.0, 490.0) },
    Arrow { from: "cache", to: "memory_controller", label: "", style: Style::Memory, path: &[(860.0, 555.0), (820.0, 555.0)], label_at: (0.0, 0.0) },
    Arrow { from: "memory_controller", to: "main_memory", label: "", style: Style::Memory, path: &[(600.0, 555.0), (500.0, 555.0)], label_at: (0.0, 0.0) },
];

const TITLE: &str = "Memo CAM in Python's deepcopy";
const SOFTWARE_LANE: &str = "SOFTWARE \u{2014} runs on the core";
const HARDWARE_LANE: &str = "HARDWARE";
const HARDWARE_LANE_LONG: &str = "HARDWARE \u{2014} CAM at the core, driven by instructions";
/// Why the CAM is drawn at the core; two lines in the SVG, one in the other formats.
const HARDWARE_NOTE: [&str; 2] = [
    "The CAM sits at the core and is driven by instructions:",
    "an MMIO read (1\u{2013}5 \u{b5}s) would cost more than a dict op (22\u{2013}37 ns).",
];

struct Palette {
    fill: &'static str,
    stroke: &'static str,
}

const SOFTWARE_BLOCK: Palette = Palette { fill: "#dbeafe", stroke: "#1d4ed8" };
const HARDWARE_BLOCK: Palette = Palette { fill: "#fed7aa", stroke: "#9a3412" };
const SOFTWARE_LANE_FILL: &str = "#eff6ff";
const HARDWARE_LANE_FILL: &str = "#fff7ed";

fn arrow_colour(style: Style) -> &'static str {
    match style {
        Style::Operation => "#111827",
        Style::Spill => "#b91c1c",
        Style::Memory => "#6b7280",
    }
}

fn legend_text(style: Style) -> &'static str {
    match style {
        Style::Operation => "memo operation",
        Style::Spill => "spill / fallback",
        Style::Memory => "memory traffic",
    }
}

fn lane_of(id: &str) -> Option<Lane> {
    BLOCKS.iter().find(|block| block.id == id).map(|block| block.lane)
}

fn palette(lane: Lane) -> &'static Palette {
    match lane {
        Lane::Software => &SOFTWARE_BLOCK,
        Lane::Hardware => &HARDWARE_BLOCK,
    }
}

// ---------------------------------------------------------------------------------------
// SVG
// ---------------------------------------------------------------------------------------

const WIDTH: f64 = 1040.0;
const HEIGHT: f64 = 710.0;
/// Rough advance of one character at the label font size, for label backgrounds.
const LABEL_CHAR_WIDTH: f64 = 6.6;

fn svg() -> String {
    let mut out = String::with_capacity(12_000);
    let _ = writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#);
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="{WIDTH}" height="{HEIGHT}" font-family="sans-serif" role="img" aria-labelledby="title">"#
    );
    let _ = writeln!(out, r#"  <title id="title">{TITLE}</title>"#);
    svg_markers(&mut out);
    let _ = writeln!(out, r##"  <rect x="0" y="0" width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>"##);
    let _ = writeln!(out, r##"  <text x="20" y="32" font-size="20" font-weight="bold" fill="#111827">{TITLE}</text>"##);

    // Lanes: the frame style repeats the block style so a lane reads as its kind at a glance.
    let _ = writeln!(
        out,
        r##"  <rect x="20" y="50" width="1000" height="240" rx="14" fill="{SOFTWARE_LANE_FILL}" stroke="{}" stroke-width="2" stroke-dasharray="8 5"/>"##,
        SOFTWARE_BLOCK.stroke
    );
    let _ = writeln!(
        out,
        r##"  <text x="36" y="74" font-size="13" font-weight="bold" fill="{}">{SOFTWARE_LANE}</text>"##,
        SOFTWARE_BLOCK.stroke
    );
    let _ = writeln!(
        out,
        r##"  <rect x="20" y="320" width="1000" height="290" fill="{HARDWARE_LANE_FILL}" stroke="{}" stroke-width="2"/>"##,
        HARDWARE_BLOCK.stroke
    );
    let _ = writeln!(
        out,
        r##"  <text x="36" y="344" font-size="13" font-weight="bold" fill="{}">{HARDWARE_LANE}</text>"##,
        HARDWARE_BLOCK.stroke
    );
    for (line, y) in HARDWARE_NOTE.iter().zip([480.0, 496.0]) {
        let _ = writeln!(out, r##"  <text x="36" y="{y}" font-size="11" fill="#7c2d12">{line}</text>"##);
    }

    for arrow in ARROWS {
        svg_arrow(&mut out, arrow);
    }
    for block in BLOCKS {
        svg_block(&mut out, block);
    }
    // Labels last, so their backgrounds sit on top of every line.
    for arrow in ARROWS.iter().filter(|arrow| !arrow.label.is_empty()) {
        svg_label(&mut out, arrow.label_at, arrow.label);
    }
    svg_legend(&mut out);
    out.push_str("</svg>\n");
    out
}

fn marker_id(style: Style) -> &'static str {
    match style {
        Style::Operation => "head-operation",
        Style::Spill => "head-spill",
        Style::Memory => "head-memory",
    }
}

fn svg_markers(out: &mut String) {
    out.push_str("  <defs>\n");
    for style in [Style::Operation, Style::Spill, Style::Memory] {
        let _ = writeln!(
            out,
            r#"    <marker id="{}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="{}"/></marker>"#,
            marker_id(style),
            arrow_colour(style)
        );
    }
    out.push_str("  </defs>\n");
}

fn stroke_attributes(style: Style) -> String {
    let dash = match style {
        Style::Spill => r#" stroke-dasharray="7 4""#,
        Style::Operation | Style::Memory => "",
    };
    let start = match style {
        Style::Memory => format!(r#" marker-start="url(#{})""#, marker_id(style)),
        Style::Operation | Style::Spill => String::new(),
    };
    format!(
        r#"fill="none" stroke="{}" stroke-width="2"{dash}{start} marker-end="url(#{})""#,
        arrow_colour(style),
        marker_id(style)
    )
}

fn svg_arrow(out: &mut String, arrow: &Arrow) {
    let points: Vec<String> = arrow.path.iter().map(|(x, y)| format!("{x},{y}")).collect();
    let _ = writeln!(
        out,
        r#"  <polyline points="{}" {}><title>{} to {}</title></polyline>"#,
        points.join(" "),
        stroke_attributes(arrow.style),
        arrow.from,
        arrow.to
    );
}

fn svg_block(out: &mut String, block: &Block) {
    let colours = palette(block.lane);
    let corner = match block.lane {
        Lane::Software => 10.0,
        Lane::Hardware => 0.0,
    };
    let (cx, cy) = (block.x + block.w / 2.0, block.y + block.h / 2.0);
    let _ = writeln!(
        out,
        r##"  <g id="block-{}"><rect x="{}" y="{}" width="{}" height="{}" rx="{corner}" fill="{}" stroke="{}" stroke-width="2"/><text x="{cx}" y="{}" text-anchor="middle" font-size="14" font-weight="bold" fill="#111827">{}</text><text x="{cx}" y="{}" text-anchor="middle" font-size="11" fill="#374151">{}</text></g>"##,
        block.id,
        block.x,
        block.y,
        block.w,
        block.h,
        colours.fill,
        colours.stroke,
        cy - 4.0,
        block.title,
        cy + 14.0,
        block.detail
    );
}

fn svg_label(out: &mut String, (x, y): (f64, f64), text: &str) {
    let width = text.chars().count() as f64 * LABEL_CHAR_WIDTH + 10.0;
    let _ = writeln!(
        out,
        r##"  <g class="label"><rect x="{}" y="{}" width="{width}" height="18" rx="4" fill="#ffffff" fill-opacity="0.95" stroke="#d1d5db"/><text x="{x}" y="{}" text-anchor="middle" font-size="12" fill="#111827">{text}</text></g>"##,
        x - width / 2.0,
        y - 9.0,
        y + 4.0
    );
}

fn svg_legend(out: &mut String) {
    let _ = writeln!(
        out,
        r##"  <g id="legend"><rect x="20" y="625" width="1000" height="72" fill="#ffffff" stroke="#9ca3af"/>"##
    );
    let _ =
        writeln!(out, r##"    <text x="36" y="651" font-size="13" font-weight="bold" fill="#111827">Legend</text>"##);
    let swatches = [(110.0, "Software block", Lane::Software), (260.0, "Hardware block", Lane::Hardware)];
    for (x, text, lane) in swatches {
        let colours = palette(lane);
        let corner = if lane == Lane::Software { 5.0 } else { 0.0 };
        let _ = writeln!(
            out,
            r##"    <rect x="{x}" y="638" width="28" height="18" rx="{corner}" fill="{}" stroke="{}" stroke-width="2"/><text x="{}" y="651" font-size="12" fill="#111827">{text}</text>"##,
            colours.fill,
            colours.stroke,
            x + 36.0
        );
    }
    for (x, style) in [(400.0, Style::Operation), (570.0, Style::Spill), (750.0, Style::Memory)] {
        let _ = writeln!(
            out,
            r##"    <line x1="{}" y1="647" x2="{}" y2="647" {}/><text x="{}" y="651" font-size="12" fill="#111827">{}</text>"##,
            x + 4.0,
            x + 40.0,
            stroke_attributes(style),
            x + 48.0,
            legend_text(style)
        );
    }
    let _ = writeln!(
        out,
        r##"    <text x="36" y="683" font-size="11" fill="#4b5563">Figures are published estimates (cam_device::defaults). A full CAM spills to the software table, so no entry is ever lost.</text>"##
    );
    out.push_str("  </g>\n");
}

// ---------------------------------------------------------------------------------------
// Graphviz dot
// ---------------------------------------------------------------------------------------

fn dot() -> String {
    let mut out = String::from("digraph memo_cam {\n");
    let _ = writeln!(out, "  label=\"{TITLE}\"; labelloc=t; fontname=\"sans-serif\"; nodesep=0.7; ranksep=0.8;");
    out.push_str("  node [fontname=\"sans-serif\", shape=box];\n  edge [fontname=\"sans-serif\", fontsize=11];\n");
    for (lane, cluster, label, fill, style) in [
        (Lane::Software, "software", SOFTWARE_LANE, SOFTWARE_LANE_FILL, "dashed,rounded,filled"),
        (Lane::Hardware, "hardware", HARDWARE_LANE_LONG, HARDWARE_LANE_FILL, "filled"),
    ] {
        let colours = palette(lane);
        let _ = writeln!(
            out,
            "  subgraph cluster_{cluster} {{\n    label=\"{label}\"; labelloc={}; style=\"{style}\"; fillcolor=\"{fill}\"; color=\"{}\";",
            // Arrows enter the hardware lane from above, so its title goes at the bottom.
            if lane == Lane::Hardware { "b" } else { "t" },
            colours.stroke
        );
        for block in BLOCKS.iter().filter(|block| block.lane == lane) {
            let node_style = if lane == Lane::Software { "rounded,filled" } else { "filled" };
            let _ = writeln!(
                out,
                "    {} [label=\"{}\\n{}\", style=\"{node_style}\", fillcolor=\"{}\", color=\"{}\"];",
                block.id, block.title, block.detail, colours.fill, colours.stroke
            );
        }
        out.push_str("  }\n");
    }
    for arrow in ARROWS {
        let (style, both_ways) = match arrow.style {
            Style::Operation => ("solid", ""),
            Style::Spill => ("dashed", ""),
            Style::Memory => ("solid", ", dir=both"),
        };
        // Upward arrows (hardware answering software) must not pull the ranks around,
        // or dot puts the CAM level with the software blocks.
        let upward = lane_of(arrow.from) == Some(Lane::Hardware) && lane_of(arrow.to) == Some(Lane::Software);
        let constraint = if upward { ", constraint=false" } else { "" };
        let _ = writeln!(
            out,
            "  {} -> {} [label=\"{}\", color=\"{}\", fontcolor=\"{}\", style={style}{both_ways}{constraint}];",
            arrow.from,
            arrow.to,
            arrow.label,
            arrow_colour(arrow.style),
            arrow_colour(arrow.style)
        );
    }
    // The legend is one table-shaped node: swatches for the block kinds, coloured arrow
    // glyphs for the edge styles.
    let _ = writeln!(
        out,
        "  legend [shape=plaintext, label=<<table border=\"1\" color=\"#9ca3af\" cellborder=\"0\" cellspacing=\"6\">\
         <tr><td colspan=\"2\"><b>Legend</b></td></tr>\
         <tr><td bgcolor=\"{}\" border=\"1\" color=\"{}\" style=\"rounded\">    </td><td align=\"left\">Software block</td></tr>\
         <tr><td bgcolor=\"{}\" border=\"1\" color=\"{}\">    </td><td align=\"left\">Hardware block</td></tr>\
         <tr><td><font color=\"{}\">&#8212;&#9654;</font></td><td align=\"left\">{}</td></tr>\
         <tr><td><font color=\"{}\">- - &#9654;</font></td><td align=\"left\">{}</td></tr>\
         <tr><td><font color=\"{}\">&#9664;&#8212;&#9654;</font></td><td align=\"left\">{}</td></tr>\
         </table>>];",
        SOFTWARE_BLOCK.fill,
        SOFTWARE_BLOCK.stroke,
        HARDWARE_BLOCK.fill,
        HARDWARE_BLOCK.stroke,
        arrow_colour(Style::Operation),
        legend_text(Style::Operation),
        arrow_colour(Style::Spill),
        legend_text(Style::Spill),
        arrow_colour(Style::Memory),
        legend_text(Style::Memory),
    );
    out.push_str("}\n");
    out
}

// ---------------------------------------------------------------------------------------
// Mermaid
// ---------------------------------------------------------------------------------------

fn mermaid() -> String {
    let mut out = String::from("flowchart TB\n");
    let _ = writeln!(out, "  %% {TITLE}");
    for (lane, id, label) in
        [(Lane::Software, "software", SOFTWARE_LANE), (Lane::Hardware, "hardware", HARDWARE_LANE_LONG)]
    {
        let _ = writeln!(out, "  subgraph {id}[\"{label}\"]");
        for block in BLOCKS.iter().filter(|block| block.lane == lane) {
            let (open, close) = if lane == Lane::Software { ("(\"", "\")") } else { ("[\"", "\"]") };
            let _ = writeln!(out, "    {}{open}<b>{}</b><br/>{}{close}", block.id, block.title, block.detail);
        }
        out.push_str("  end\n");
    }
    for arrow in ARROWS {
        let link = match arrow.style {
            Style::Operation => "-->",
            Style::Spill => "-.->",
            Style::Memory => "<-->",
        };
        if arrow.label.is_empty() {
            let _ = writeln!(out, "  {} {link} {}", arrow.from, arrow.to);
        } else {
            let _ = writeln!(out, "  {} {link}|\"{}\"| {}", arrow.from, arrow.label, arrow.to);
        }
    }
    out.push_str("  subgraph legend[\"Legend\"]\n");
    out.push_str("    legend_software(\"Software block\")\n    legend_hardware[\"Hardware block\"]\n");
    for (index, style) in [Style::Operation, Style::Spill, Style::Memory].into_iter().enumerate() {
        let link = match style {
            Style::Operation => "-->",
            Style::Spill => "-.->",
            Style::Memory => "<-->",
        };
        let _ = writeln!(out, "    legend_a{index}[\" \"] {link}|\"{}\"| legend_b{index}[\" \"]", legend_text(style));
    }
    out.push_str("  end\n");
    for (class, colours) in [("sw", &SOFTWARE_BLOCK), ("hw", &HARDWARE_BLOCK)] {
        let _ = writeln!(
            out,
            "  classDef {class} fill:{},stroke:{},stroke-width:2px,color:#111827",
            colours.fill, colours.stroke
        );
    }
    let ids = |lane: Lane| BLOCKS.iter().filter(|b| b.lane == lane).map(|b| b.id).collect::<Vec<_>>().join(",");
    let _ = writeln!(out, "  class {},legend_software sw", ids(Lane::Software));
    let _ = writeln!(out, "  class {},legend_hardware hw", ids(Lane::Hardware));
    let _ = writeln!(
        out,
        "  style software fill:{SOFTWARE_LANE_FILL},stroke:{},stroke-dasharray:6 4",
        SOFTWARE_BLOCK.stroke
    );
    let _ = writeln!(out, "  style hardware fill:{HARDWARE_LANE_FILL},stroke:{}", HARDWARE_BLOCK.stroke);
    // Arrow colours: link indices follow the order the links were written above, the
    // diagram's arrows first, then the legend's three samples.
    let styles = ARROWS.iter().map(|arrow| arrow.style).chain([Style::Operation, Style::Spill, Style::Memory]);
    for (index, style) in styles.enumerate() {
        let dash = if style == Style::Spill { ",stroke-dasharray:6 4" } else { "" };
        let _ = writeln!(out, "  linkStyle {index} stroke:{},stroke-width:2px{dash}", arrow_colour(style));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that every element opened is closed in order — enough to catch broken markup
    /// without an XML parser.
    fn tags_balance(svg: &str) -> Result<usize, String> {
        let mut open: Vec<String> = Vec::new();
        let mut elements = 0;
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let after = &rest[start + 1..];
            let end = after.find('>').ok_or("unterminated tag")?;
            let tag = &after[..end];
            rest = &after[end + 1..];
            if tag.starts_with('?') || tag.starts_with('!') {
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                let expected = open.pop().ok_or(format!("</{name}> closes nothing"))?;
                if expected != name.trim() {
                    return Err(format!("</{name}> closes <{expected}>"));
                }
            } else {
                elements += 1;
                let name = tag.split_whitespace().next().unwrap_or("").trim_end_matches('/').to_owned();
                if !tag.ends_with('/') {
                    open.push(name);
                }
            }
        }
        if open.is_empty() { Ok(elements) } else { Err(format!("unclosed: {open:?}")) }
    }

    #[test]
    fn svg_is_balanced_self_contained_and_labelled() -> Result<(), String> {
        let svg = render(DiagramFormat::Svg);
        assert!(tags_balance(&svg)? > 50);
        assert!(svg.starts_with("<?xml") && svg.contains(r#"xmlns="http://www.w3.org/2000/svg""#));
        assert!(svg.contains(r#"viewBox="0 0 1040 710""#));
        assert_eq!(svg.matches("http").count(), 1, "only the namespace may be a URL");
        assert!(!svg.contains("href") && !svg.contains("@import") && !svg.contains("<script"));
        assert!(!svg.contains('&'), "no entities needed, none to get wrong");
        assert!(svg.contains("Legend") && svg.contains("Software block") && svg.contains("Hardware block"));
        for label in ["lookup", "hit/miss", "insert", "spill", "clear", "probe on miss", "loads/stores"] {
            assert!(svg.contains(&format!(">{label}</text>")), "arrow label {label}");
        }
        for block in BLOCKS {
            assert!(svg.contains(&format!(">{}</text>", block.title)), "block {}", block.title);
        }
        Ok(())
    }

    #[test]
    fn software_and_hardware_are_drawn_differently() {
        let svg = render(DiagramFormat::Svg);
        assert!(svg.contains(SOFTWARE_BLOCK.fill) && svg.contains(HARDWARE_BLOCK.fill));
        assert_ne!(SOFTWARE_BLOCK.fill, HARDWARE_BLOCK.fill);
        let required = ["python", "copy_py", "interpreter", "os", "cam", "memory_controller", "cache", "main_memory"];
        for id in required {
            assert!(BLOCKS.iter().any(|block| block.id == id), "{id}");
        }
    }

    #[test]
    fn every_block_lies_inside_its_lane_and_blocks_do_not_overlap() {
        for block in BLOCKS {
            let (top, bottom) = match block.lane {
                Lane::Software => (50.0, 290.0),
                Lane::Hardware => (320.0, 610.0),
            };
            assert!(
                block.y > top && block.y + block.h < bottom && block.x > 20.0 && block.x + block.w < 1020.0,
                "{}",
                block.id
            );
        }
        for (i, a) in BLOCKS.iter().enumerate() {
            for b in &BLOCKS[i + 1..] {
                let apart = a.x + a.w <= b.x || b.x + b.w <= a.x || a.y + a.h <= b.y || b.y + b.h <= a.y;
                assert!(apart, "{} overlaps {}", a.id, b.id);
            }
        }
    }

    #[test]
    fn labels_do_not_overlap_each_other_or_blocks() {
        let boxes: Vec<(f64, f64, f64, f64, &str)> = ARROWS
            .iter()
            .filter(|arrow| !arrow.label.is_empty())
            .map(|arrow| {
                let w = arrow.label.chars().count() as f64 * LABEL_CHAR_WIDTH + 10.0;
                (arrow.label_at.0 - w / 2.0, arrow.label_at.1 - 9.0, w, 18.0, arrow.label)
            })
            .collect();
        for (i, a) in boxes.iter().enumerate() {
            for b in &boxes[i + 1..] {
                let apart = a.0 + a.2 <= b.0 || b.0 + b.2 <= a.0 || a.1 + a.3 <= b.1 || b.1 + b.3 <= a.1;
                assert!(apart, "label {} overlaps {}", a.4, b.4);
            }
            for block in BLOCKS {
                let apart = a.0 + a.2 <= block.x
                    || block.x + block.w <= a.0
                    || a.1 + a.3 <= block.y
                    || block.y + block.h <= a.1;
                assert!(apart, "label {} overlaps block {}", a.4, block.id);
            }
        }
    }

    #[test]
    fn arrows_join_declared_blocks() {
        for arrow in ARROWS {
            assert!(BLOCKS.iter().any(|b| b.id == arrow.from) && BLOCKS.iter().any(|b| b.id == arrow.to));
        }
    }

    #[test]
    fn dot_and_mermaid_contain_every_block_and_label() {
        for format in [DiagramFormat::Dot, DiagramFormat::Mermaid] {
            let text = render(format);
            for block in BLOCKS {
                assert!(text.contains(block.id) && text.contains(block.title), "{format}: {}", block.id);
            }
            for arrow in ARROWS.iter().filter(|arrow| !arrow.label.is_empty()) {
                assert!(text.contains(&format!("\"{}\"", arrow.label)), "{format}: {}", arrow.label);
            }
            assert!(text.contains("Legend") && text.contains("Software block") && text.contains("Hardware block"));
        }
        let dot = render(DiagramFormat::Dot);
        assert!(dot.starts_with("digraph") && dot.matches('{').count() == dot.matches('}').count());
        let mermaid = render(DiagramFormat::Mermaid);
        assert!(mermaid.starts_with("flowchart TB"));
        assert_eq!(mermaid.matches("subgraph").count(), mermaid.lines().filter(|l| l.trim() == "end").count());
    }

    #[test]
    fn format_parsing_lists_the_valid_formats() {
        assert_eq!("SVG".parse(), Ok(DiagramFormat::Svg));
        assert_eq!(" dot ".parse(), Ok(DiagramFormat::Dot));
        assert_eq!("mermaid".parse(), Ok(DiagramFormat::Mermaid));
        for format in DiagramFormat::ALL {
            assert_eq!(format.to_string().parse(), Ok(format));
        }
        let error = "png".parse::<DiagramFormat>().err().map(|e| e.to_string());
        assert_eq!(error.as_deref(), Some("unknown diagram format `png`: valid formats are svg, dot, mermaid"));
    }
}
