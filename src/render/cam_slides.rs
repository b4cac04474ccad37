//! `cam present`: the CAM argument as a slide deck in one HTML file. Each slide fills the
//! window; scrolling snaps from slide to slide and the arrow keys (or Page Up/Down, space)
//! move one slide, through the only script, inline. Every number comes from a
//! [`Presentation`] measured when the deck is made: memo shares and the cost model's
//! reports (`cam share`), a capacity sweep (`cam sweep`), the device's configuration, and
//! the block diagram of [`super::cam_diagram`]; plots come from [`super::svg_plot`].

use std::fmt::Write;

use cam_device::{CamConfig, CostReport};
use copylab_bench::plot::{LinePlot, Series, YUnit};

use super::cam_diagram::{self, DiagramFormat};
use super::svg_plot::{self, escape};

/// A group of workloads (a trio workload, or a suite) with one cost report per variant.
pub(crate) struct ShareRow {
    pub(crate) label: String,
    pub(crate) costs: Vec<CostReport>,
}

pub(crate) struct Presentation {
    pub(crate) config: CamConfig,
    /// Variant names, in the order of each [`ShareRow::costs`].
    pub(crate) variants: Vec<String>,
    pub(crate) shares: Vec<ShareRow>,
    pub(crate) sweep: LinePlot,
    pub(crate) sweep_variant: String,
    /// Calls per workload behind every measurement.
    pub(crate) repeat: usize,
}

const STYLE: &str = "html{scroll-snap-type:y mandatory}body{margin:0;font-family:sans-serif;color:#1f2937}\
section.slide{position:relative;box-sizing:border-box;min-height:100vh;scroll-snap-align:start;padding:4vh 6vw;border-bottom:1px solid #e5e7eb}\
h1{font-size:2.4em;margin:.2em 0}h2{font-size:1.8em;margin:.2em 0 .6em}li{margin:.35em 0;font-size:1.15em}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #d1d5db;padding:4px 10px;text-align:right}th:first-child,td:first-child{text-align:left}\
svg{max-width:100%;height:auto}.big{font-size:2em;font-weight:bold}.note{color:#6b7280}.page{position:absolute;right:1em;bottom:.5em;color:#9ca3af}";

/// Arrow keys, Page Up/Down and space move to the neighbouring slide.
const SCRIPT: &str = "document.addEventListener('keydown', e => {\
  const step = {ArrowDown: 1, ArrowRight: 1, PageDown: 1, ' ': 1, ArrowUp: -1, ArrowLeft: -1, PageUp: -1}[e.key];\
  if (!step) return;\
  const slides = [...document.querySelectorAll('section.slide')];\
  const here = slides.findIndex(s => s.getBoundingClientRect().top > -window.innerHeight / 2);\
  const next = slides[Math.min(Math.max((here < 0 ? slides.length - 1 : here) + step, 0), slides.length - 1)];\
  next.scrollIntoView({behavior: 'smooth'}); e.preventDefault();\
});";

pub(crate) fn render(deck: &Presentation) -> String {
    let slides = [title(deck), lookup(deck), diagram(), shares(deck), amdahl(deck), sweep(deck), build_and_limit(deck)];
    let mut html = String::new();
    let _ = writeln!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>A CAM for deepcopy's memo</title>\n<style>{STYLE}</style>\n</head>\n<body>"
    );
    for (index, slide) in slides.iter().enumerate() {
        let _ = writeln!(
            html,
            "<section class=\"slide\" id=\"slide-{}\">\n{slide}<div class=\"page\">{} / {}</div>\n</section>",
            index + 1,
            index + 1,
            slides.len()
        );
    }
    let _ = writeln!(html, "<script>{SCRIPT}</script>\n</body>\n</html>");
    html
}

/// The largest memo share measured, and where: the best case for the CAM.
fn largest_share(deck: &Presentation) -> Option<(&str, &str, &CostReport)> {
    deck.shares
        .iter()
        .flat_map(|row| {
            row.costs.iter().zip(&deck.variants).map(move |(cost, v)| (row.label.as_str(), v.as_str(), cost))
        })
        .max_by(|a, b| a.2.memo_share.total_cmp(&b.2.memo_share))
}

fn title(deck: &Presentation) -> String {
    let groups: Vec<&str> = deck.shares.iter().map(|r| r.label.as_str()).collect();
    format!(
        "<h1>A CAM for deepcopy's memo</h1>\n<p class=\"big\">What a content-addressable memory could save, measured on copylab.</p>\n\
         <p>Workloads: {}; copy.py variants: {}; {} calls per workload behind every number. Scroll, or use the arrow keys.</p>\n",
        escape(&groups.join(", ")),
        escape(&deck.variants.join(", ")),
        deck.repeat
    )
}

fn lookup(deck: &Presentation) -> String {
    let c = &deck.config;
    format!(
        "<h2>How the CAM answers a memo lookup</h2>\n<ol>\n\
         <li><code>deepcopy</code> asks the memo: <i>have I copied the object with id <code>x</code> in this call?</i></li>\n\
         <li>The interpreter issues one search with the call's tag ({} bits: {} memos can be live at once) and the low {} bits of the id.</li>\n\
         <li>All {} rows compare in parallel; a match returns the copy's row in {} cycles at {} GHz, with no hashing and no probing.</li>\n\
         <li>A miss inserts the new copy ({} cycles); when the CAM is full, or two ids alias on the matched bits, the entry spills to a software table ({} ns an operation).</li>\n\
         <li>When the outermost <code>deepcopy</code> returns, one clear-by-tag ({} cycles) frees every row of the call.</li>\n</ol>\n\
         <p class=\"note\">The software baseline is a Python dict operation at {} ns.</p>\n",
        c.tag_bits,
        1u64 << c.tag_bits,
        c.key_bits,
        c.entries,
        c.lookup_cycles,
        c.clock_ghz,
        c.insert_cycles,
        c.spill_op_ns,
        c.clear_cycles,
        c.sw_dict_op_ns
    )
}

fn diagram() -> String {
    let svg = cam_diagram::render(DiagramFormat::Svg);
    // Inline SVG takes no XML declaration.
    let svg = svg.lines().filter(|line| !line.starts_with("<?xml")).collect::<Vec<_>>().join("\n");
    format!("<h2>Hardware beside software</h2>\n{svg}\n")
}

fn shares(deck: &Presentation) -> String {
    let plot = LinePlot {
        title: "Memo share of deepcopy time".into(),
        x_label: "workloads".into(),
        y_label: "memo share s".into(),
        y_unit: YUnit::Percent,
        x_categories: Some(deck.shares.iter().map(|r| r.label.clone()).collect()),
        series: deck
            .variants
            .iter()
            .enumerate()
            .map(|(v, name)| Series {
                name: name.clone(),
                points: deck
                    .shares
                    .iter()
                    .enumerate()
                    .map(|(i, r)| (i as f64, r.costs[v].memo_share * 100.0))
                    .collect(),
                band: Vec::new(),
            })
            .collect(),
        markers: Vec::new(),
    };
    let mut html = String::from("<h2>How much of deepcopy is the memo?</h2>\n");
    html.push_str(&svg_plot::render(&plot));
    html.push_str(&share_table(deck, &[("memo share s", |c| format!("{:.1}%", c.memo_share * 100.0))]));
    html.push_str("<p class=\"note\">Measured with the CAM memo installed: time inside memo operations over time inside outermost deepcopy calls.</p>\n");
    html
}

type Cell = fn(&CostReport) -> String;

/// One row per workload group, one column per (variant, figure).
fn share_table(deck: &Presentation, figures: &[(&str, Cell)]) -> String {
    let mut html = String::from("<table>\n<tr><th>workloads</th>");
    for variant in &deck.variants {
        for (name, _) in figures {
            let _ = write!(html, "<th>{}: {}</th>", escape(variant), escape(name));
        }
    }
    html.push_str("</tr>\n");
    for row in &deck.shares {
        let _ = write!(html, "<tr><td>{}</td>", escape(&row.label));
        for cost in &row.costs {
            for (_, cell) in figures {
                let _ = write!(html, "<td>{}</td>", escape(&cell(cost)));
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</table>\n");
    html
}

fn amdahl(deck: &Presentation) -> String {
    let c = &deck.config;
    let mut html = String::from(
        "<h2>Amdahl's ceiling</h2>\n<p>With memo share <i>s</i> and a memo operation <i>k</i> times faster, deepcopy gains at most \
         <b>1 / ((1 − s) + s / k)</b>; with an infinitely fast memo, <b>1 / (1 − s)</b>.</p>\n",
    );
    html.push_str(&share_table(
        deck,
        &[
            ("s", |c| format!("{:.1}%", c.memo_share * 100.0)),
            ("k", |c| format!("{:.2}x", c.memo_op_speedup)),
            ("ceiling", |c| format!("{:.3}x", c.amdahl_speedup)),
            ("limit", |c| format!("{:.3}x", c.amdahl_limit)),
        ],
    ));
    let _ = write!(
        html,
        "<h3>Cost model parameters</h3>\n<table>\n<tr><th>parameter</th><th>value</th></tr>\n\
         <tr><td>entries</td><td>{}</td></tr>\n<tr><td>tag / key / value bits</td><td>{} / {} / {}</td></tr>\n\
         <tr><td>search, insert, clear</td><td>{} / {} / {} cycles</td></tr>\n<tr><td>clock</td><td>{} GHz</td></tr>\n\
         <tr><td>software dict operation</td><td>{} ns</td></tr>\n<tr><td>spill table operation</td><td>{} ns</td></tr>\n\
         <tr><td>search energy</td><td>{} fJ per bit</td></tr>\n</table>\n",
        c.entries,
        c.tag_bits,
        c.key_bits,
        c.value_bits,
        c.lookup_cycles,
        c.insert_cycles,
        c.clear_cycles,
        c.clock_ghz,
        c.sw_dict_op_ns,
        c.spill_op_ns,
        c.search_fj_per_bit
    );
    html
}

fn sweep(deck: &Presentation) -> String {
    format!(
        "<h2>How big must the CAM be?</h2>\n{}<p class=\"note\">The {} variant's memo traffic, recorded once and replayed at each capacity; a lookup the CAM cannot resolve alone goes to the software spill table.</p>\n",
        svg_plot::render(&deck.sweep),
        escape(&deck.sweep_variant)
    )
}

fn build_and_limit(deck: &Presentation) -> String {
    let c = &deck.config;
    let row_bits = c.tag_bits + c.key_bits + c.value_bits;
    let mut html = format!(
        "<h2>What it would take, and the honest limit</h2>\n<ul>\n\
         <li>A core-attached CAM of {} rows × {row_bits} bits (tag + key + value), searched in {} cycles.</li>\n\
         <li>Three instructions (search, insert, clear-by-tag) and an interpreter that issues them from deepcopy's memo, not through Python-level calls.</li>\n\
         <li>Spill tables in software for overflow and aliasing, and a tag per live memo, saved across context switches like an ASID.</li>\n",
        c.entries, c.lookup_cycles
    );
    if let Some(mmio) = deck.shares.first().and_then(|r| r.costs.first()) {
        let _ = writeln!(
            html,
            "<li>Attached over MMIO instead (about 1 µs an access), the memo operation would be {:.3}x as fast{}.</li>",
            mmio.mmio_memo_op_speedup,
            if mmio.mmio_memo_op_speedup < 1.0 { ": slower than the dict" } else { "" }
        );
    }
    html.push_str("</ul>\n");
    if let Some((group, variant, cost)) = largest_share(deck) {
        // Said only when the measurement says it: the copy dominates while s < 1/2.
        let verdict = if cost.memo_share < 0.5 { "The copy itself dominates. " } else { "" };
        let _ = writeln!(
            html,
            "<p class=\"big\">{verdict}Even where the memo weighs most ({} under {}, s = {:.1}%), the rest of deepcopy takes {:.1}% of its time: an infinitely fast memo gains at most {:.3}x, and this CAM {:.3}x.</p>",
            escape(group),
            escape(variant),
            cost.memo_share * 100.0,
            (1.0 - cost.memo_share) * 100.0,
            cost.amdahl_limit,
            cost.amdahl_speedup
        );
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cost(memo_share: f64) -> CostReport {
        let config = CamConfig::default();
        let stats = cam_device::CamStats::default();
        let mut report = cam_device::CostModel::new(&config, memo_share).unwrap().report(&stats);
        report.memo_op_speedup = 3.0;
        report.amdahl_speedup = cam_device::amdahl_speedup(memo_share, 3.0);
        report
    }

    #[test]
    fn seven_slides_and_the_limit_is_stated_where_the_memo_weighs_most() {
        let deck = Presentation {
            config: CamConfig::default(),
            variants: vec!["baseline".into(), "native".into()],
            shares: vec![
                ShareRow { label: "deepcopy".into(), costs: vec![cost(0.05), cost(0.20)] },
                ShareRow { label: "structures".into(), costs: vec![cost(0.04), cost(0.30)] },
            ],
            sweep: LinePlot {
                title: "sweep".into(),
                x_label: "CAM entries".into(),
                y_label: "resolved".into(),
                y_unit: YUnit::Percent,
                x_categories: None,
                series: vec![Series {
                    name: "deepcopy".into(),
                    points: vec![(16.0, 40.0), (64.0, 90.0)],
                    band: Vec::new(),
                }],
                markers: Vec::new(),
            },
            sweep_variant: "baseline".into(),
            repeat: 7,
        };
        let html = render(&deck);
        assert_eq!(html.matches("<section class=\"slide\"").count(), 7);
        assert_eq!(html.matches("<svg").count(), 3, "diagram, share plot, sweep plot");
        assert!(!html.contains("<?xml"), "inline SVG has no XML declaration");
        // The largest share (structures under native, 30%): at most 1/(1 - 0.3) = 1.429x.
        assert!(html.contains("(structures under native, s = 30.0%)"), "{html}");
        assert!(html.contains("gains at most 1.429x") && html.contains("The copy itself dominates."));
        assert!(html.contains("<td>30.0%</td>") && html.contains("<td>3.00x</td>"));

        // Where the memo is more than half, the deck does not claim the copy dominates.
        let mut heavy = deck;
        heavy.shares[1].costs[1] = cost(0.6);
        let html = render(&heavy);
        assert!(html.contains("s = 60.0%") && !html.contains("The copy itself dominates."), "{html}");
    }
}
