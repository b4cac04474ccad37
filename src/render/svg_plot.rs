//! copylab's one plotter: self-contained SVG (no scripts, fonts or external resources) of
//! the plot data copylab-bench describes: a [`LinePlot`] (sweeps and `cam sweep`), a
//! [`StripPlot`] (each arm's values, with mean, median and run order) and a [`ForestPlot`]
//! (ratios to the reference with confidence intervals), for files and the HTML reports.
//!
//! Why hand-written SVG rather than a crate: `plotters` is not in Cargo.lock, and adding it
//! (with its font and image stacks) would move locked versions the RustPython 0.6 build
//! depends on; these plots need only lines, circles and text on a linear or log axis, which
//! is a few hundred lines here, and the output stays small, diffable text that a browser,
//! an XML parser and the tests can all read.

use std::fmt::Write;

use copylab_bench::plot::{ForestPlot, LinePlot, StripPlot, YUnit};
use copylab_bench::units::{format_timedelta, format_timedeltas};

const WIDTH: f64 = 760.0;
const HEIGHT: f64 = 460.0;
const LEFT: f64 = 80.0;
const RIGHT: f64 = 200.0;
const TOP: f64 = 44.0;
const BOTTOM: f64 = 64.0;
const COLORS: [&str; 10] =
    ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];

/// One axis: maps data to pixels, linear or logarithmic.
struct Axis {
    low: f64,
    high: f64,
    log: bool,
    ticks: Vec<f64>,
}

impl Axis {
    /// Log scale when the data are positive and span more than 10x, because a
    /// linear axis would crush the small values into the bottom pixels.
    fn fit(values: &[f64]) -> Axis {
        let min = values.iter().copied().fold(f64::INFINITY, f64::min);
        let max = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if !min.is_finite() {
            return Axis { low: 0.0, high: 1.0, log: false, ticks: vec![0.0, 1.0] };
        }
        if min > 0.0 && max / min > 10.0 {
            let (low, high) = (min.log10().floor() as i32, max.log10().ceil() as i32);
            let mut ticks = Vec::new();
            for exponent in low..=high {
                let base = 10f64.powi(exponent);
                let steps: &[f64] = if high - low <= 2 { &[1.0, 2.0, 5.0] } else { &[1.0] };
                ticks.extend(steps.iter().map(|m| m * base).filter(|t| *t <= 10f64.powi(high)));
            }
            return Axis { low: 10f64.powi(low), high: 10f64.powi(high), log: true, ticks };
        }
        let (min, max) = if min == max {
            let pad = if min == 0.0 { 1.0 } else { min.abs() * 0.1 };
            (min - pad, max + pad)
        } else {
            (min, max)
        };
        let step = nice_step((max - min) / 5.0);
        let (low, high) = ((min / step).floor() * step, (max / step).ceil() * step);
        let count = ((high - low) / step).round() as usize;
        let ticks = (0..=count).map(|i| low + i as f64 * step).collect();
        Axis { low, high, log: false, ticks }
    }

    fn categories(count: usize) -> Axis {
        let high = count.saturating_sub(1).max(1) as f64;
        Axis { low: -0.25, high: high + 0.25, log: false, ticks: (0..count).map(|i| i as f64).collect() }
    }

    /// Position in 0..1 along the axis.
    fn fraction(&self, value: f64) -> f64 {
        if self.log {
            (value.log10() - self.low.log10()) / (self.high.log10() - self.low.log10())
        } else {
            (value - self.low) / (self.high - self.low)
        }
    }
}

/// 1, 2 or 5 times a power of ten, at least `raw`.
fn nice_step(raw: f64) -> f64 {
    let magnitude = 10f64.powf(raw.log10().floor());
    let multiple = [1.0, 2.0, 5.0, 10.0].into_iter().find(|m| m * magnitude >= raw).unwrap_or(10.0);
    multiple * magnitude
}

fn format_number(value: f64) -> String {
    if value == value.round() && value.abs() < 1e15 { format!("{}", value as i64) } else { format!("{value}") }
}

pub(crate) fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

pub(crate) fn render(plot: &LinePlot) -> String {
    let xs: Vec<f64> = plot.series.iter().flat_map(|s| s.points.iter().map(|p| p.0)).collect();
    // The bands count in the y range, so a wide interval is not clipped.
    let ys: Vec<f64> = plot
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1).chain(s.band.iter().flat_map(|b| [b.0, b.1])))
        .collect();
    let x_axis = match &plot.x_categories {
        Some(categories) => Axis::categories(categories.len()),
        None => Axis::fit(&xs),
    };
    let y_axis = Axis::fit(&ys);
    let (plot_w, plot_h) = (WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM);
    let px = |x: f64| LEFT + x_axis.fraction(x) * plot_w;
    let py = |y: f64| TOP + (1.0 - y_axis.fraction(y)) * plot_h;

    let mut svg = String::new();
    // write! to a String cannot fail.
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="24" text-anchor="middle" font-size="15" font-weight="bold">{}</text>"#,
        LEFT + plot_w / 2.0,
        escape(&plot.title)
    );

    // Grid lines and tick labels. A linear axis labels every tick in the unit
    // of the largest (0 ms, 1 ms, 2 ms); a log axis labels each decade alone.
    let top_tick = y_axis.ticks.iter().copied().fold(0.0, f64::max);
    let y_tick_label = |tick: f64| {
        if plot.y_unit == YUnit::Percent {
            format!("{tick:.0} %")
        } else if y_axis.log {
            format_timedelta(tick)
        } else {
            format_timedeltas(&[top_tick, tick]).remove(1)
        }
    };
    for tick in &y_axis.ticks {
        let y = py(*tick);
        let _ = writeln!(
            svg,
            r##"<line x1="{LEFT}" y1="{y:.1}" x2="{:.1}" y2="{y:.1}" stroke="#e0e0e0"/>"##,
            LEFT + plot_w
        );
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            LEFT - 6.0,
            y + 4.0,
            escape(&y_tick_label(*tick))
        );
    }
    for (index, tick) in x_axis.ticks.iter().enumerate() {
        let x = px(*tick);
        let label = match &plot.x_categories {
            Some(categories) => categories[index].clone(),
            None => format_number(*tick),
        };
        let _ =
            writeln!(svg, r##"<line x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="#e0e0e0"/>"##, TOP + plot_h);
        let _ = writeln!(
            svg,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            TOP + plot_h + 18.0,
            escape(&label)
        );
    }

    // Axes and their labels.
    let _ = writeln!(
        svg,
        r#"<path d="M{LEFT},{TOP} V{:.1} H{:.1}" fill="none" stroke="black"/>"#,
        TOP + plot_h,
        LEFT + plot_w
    );
    let scale_note = |axis: &Axis| if axis.log { " (log scale)" } else { "" };
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{}{}</text>"#,
        LEFT + plot_w / 2.0,
        HEIGHT - 18.0,
        escape(&plot.x_label),
        scale_note(&x_axis)
    );
    let _ = writeln!(
        svg,
        r#"<text transform="translate(18,{:.1}) rotate(-90)" text-anchor="middle">{}{}</text>"#,
        TOP + plot_h / 2.0,
        escape(&plot.y_label),
        scale_note(&y_axis)
    );

    // Each series' 95% band under all lines: upper edge left to right, lower edge back.
    for (index, series) in plot.series.iter().enumerate() {
        if series.band.len() != series.points.len() || series.band.is_empty() {
            continue;
        }
        let color = COLORS[index % COLORS.len()];
        let upper =
            series.points.iter().zip(&series.band).map(|((x, _), (_, high))| format!("{:.1},{:.1}", px(*x), py(*high)));
        let lower = series
            .points
            .iter()
            .zip(&series.band)
            .rev()
            .map(|((x, _), (low, _))| format!("{:.1},{:.1}", px(*x), py(*low)));
        let outline: Vec<String> = upper.chain(lower).collect();
        let _ = writeln!(
            svg,
            r#"<polygon class="band" points="{}" fill="{color}" fill-opacity="0.15" stroke="none"><title>{}: 95% interval of the mean</title></polygon>"#,
            outline.join(" "),
            escape(&series.name)
        );
    }
    // Marked x positions (a sweep's crossovers), labelled at the top, one line each.
    for (index, (x, label)) in plot.markers.iter().enumerate() {
        let x = px(*x);
        let _ = writeln!(
            svg,
            r#"<line class="marker" x1="{x:.1}" y1="{TOP}" x2="{x:.1}" y2="{:.1}" stroke="black" stroke-dasharray="5 4"/>"#,
            TOP + plot_h
        );
        // Labels stay inside the plot area: right of a mark in the left half, left of it in
        // the right half (where the legend is).
        let (label_x, anchor) = if x < LEFT + plot_w / 2.0 { (x + 4.0, "start") } else { (x - 4.0, "end") };
        let _ = writeln!(
            svg,
            r#"<text x="{label_x:.1}" y="{:.1}" font-size="11" text-anchor="{anchor}">{}</text>"#,
            TOP + 12.0 + index as f64 * 13.0,
            escape(label)
        );
    }

    // One line per series, with its points marked and a legend entry.
    for (index, series) in plot.series.iter().enumerate() {
        let color = COLORS[index % COLORS.len()];
        let points: Vec<String> = series.points.iter().map(|(x, y)| format!("{:.1},{:.1}", px(*x), py(*y))).collect();
        let _ =
            writeln!(svg, r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="2"/>"#, points.join(" "));
        for (x, y) in &series.points {
            let _ = writeln!(svg, r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{color}"/>"#, px(*x), py(*y));
        }
        let legend_y = TOP + 10.0 + index as f64 * 20.0;
        let legend_x = LEFT + plot_w + 16.0;
        let _ = writeln!(
            svg,
            r#"<line x1="{legend_x}" y1="{legend_y}" x2="{}" y2="{legend_y}" stroke="{color}" stroke-width="2"/>"#,
            legend_x + 20.0
        );
        let _ =
            writeln!(svg, r#"<text x="{}" y="{}">{}</text>"#, legend_x + 26.0, legend_y + 4.0, escape(&series.name));
    }
    svg.push_str("</svg>\n");
    svg
}

const STRIP_LABELS: f64 = 220.0;
const STRIP_BAND: f64 = 34.0;

/// The opening `<svg>` of a report plot: `class="plot"` and the row count let the browser
/// test find every plot and check it was laid out with a size.
fn open_plot(svg: &mut String, kind: &str, rows: usize, height: f64, title: &str) {
    let _ = writeln!(
        svg,
        r#"<svg xmlns="http://www.w3.org/2000/svg" class="plot {kind}" data-rows="{rows}" width="{WIDTH}" height="{height}" viewBox="0 0 {WIDTH} {height}" font-family="sans-serif" font-size="12">"#
    );
    let _ = writeln!(svg, r#"<rect width="100%" height="100%" fill="white"/>"#);
    let _ = writeln!(
        svg,
        r#"<text x="{}" y="20" text-anchor="middle" font-size="14" font-weight="bold">{}</text>"#,
        WIDTH / 2.0,
        escape(title)
    );
}

/// The caption under a report plot (what the axis measures, whether it is logarithmic, how to
/// read the marks) and the closing `</svg>`.
fn close_plot(svg: &mut String, quantity: &str, legend: &str, axis: &Axis, plot_w: f64, bottom: f64) {
    let _ = writeln!(
        svg,
        r#"<text x="{:.1}" y="{:.1}" text-anchor="middle">{quantity}{}: {legend}</text>"#,
        STRIP_LABELS + plot_w / 2.0,
        bottom + 40.0,
        if axis.log { " (log scale)" } else { "" }
    );
    svg.push_str("</svg>\n");
}

/// Vertical grid lines with labels under the plot area, and the axis line.
fn x_ticks(
    svg: &mut String,
    axis: &Axis,
    px: &dyn Fn(f64) -> f64,
    label: &dyn Fn(f64) -> String,
    top: f64,
    bottom: f64,
) {
    for tick in &axis.ticks {
        let x = px(*tick);
        let _ = writeln!(svg, r##"<line x1="{x:.1}" y1="{top:.1}" x2="{x:.1}" y2="{bottom:.1}" stroke="#e0e0e0"/>"##);
        let _ = writeln!(
            svg,
            r#"<text x="{x:.1}" y="{:.1}" text-anchor="middle">{}</text>"#,
            bottom + 16.0,
            escape(&label(*tick))
        );
    }
    let _ = writeln!(
        svg,
        r#"<line x1="{STRIP_LABELS}" y1="{bottom:.1}" x2="{:.1}" y2="{bottom:.1}" stroke="black"/>"#,
        WIDTH - 30.0
    );
}

/// Each strip is a band; a value's horizontal place is its time, its vertical place within
/// the band its position in run order (first at the top), so drift shows as a slant and an
/// outlier as a lone dot. The mean is a black bar, the median a red diamond.
pub(crate) fn render_strips(plot: &StripPlot) -> String {
    let values: Vec<f64> = plot.strips.iter().flat_map(|s| s.values.iter().copied()).collect();
    let axis = Axis::fit(&values);
    let top = 34.0;
    let bottom = top + plot.strips.len() as f64 * STRIP_BAND;
    let height = bottom + 56.0;
    let plot_w = WIDTH - 30.0 - STRIP_LABELS;
    let px = |x: f64| STRIP_LABELS + axis.fraction(x) * plot_w;
    let mut svg = String::new();
    open_plot(&mut svg, "strips", plot.strips.len(), height, &plot.title);
    let top_tick = axis.ticks.iter().copied().fold(0.0, f64::max);
    let label =
        |tick: f64| if axis.log { format_timedelta(tick) } else { format_timedeltas(&[top_tick, tick]).remove(1) };
    x_ticks(&mut svg, &axis, &px, &label, top, bottom);
    for (index, strip) in plot.strips.iter().enumerate() {
        let color = COLORS[index % COLORS.len()];
        let band = top + index as f64 * STRIP_BAND;
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            STRIP_LABELS - 8.0,
            band + STRIP_BAND / 2.0 + 4.0,
            escape(&strip.label)
        );
        let last = strip.values.len().saturating_sub(1).max(1) as f64;
        for (order, value) in strip.values.iter().enumerate() {
            let y = band + 5.0 + order as f64 / last * (STRIP_BAND - 10.0);
            let _ = writeln!(
                svg,
                r#"<circle cx="{:.1}" cy="{y:.1}" r="2.5" fill="{color}" fill-opacity="0.7"><title>value {} of {}: {}</title></circle>"#,
                px(*value),
                order + 1,
                strip.values.len(),
                format_timedelta(*value)
            );
        }
        let (mean_x, median_x, middle) = (px(strip.mean), px(strip.median), band + STRIP_BAND / 2.0);
        let _ = writeln!(
            svg,
            r#"<line x1="{mean_x:.1}" y1="{:.1}" x2="{mean_x:.1}" y2="{:.1}" stroke="black" stroke-width="2.5"><title>mean {}</title></line>"#,
            band + 2.0,
            band + STRIP_BAND - 2.0,
            format_timedelta(strip.mean)
        );
        let _ = writeln!(
            svg,
            r##"<path d="M{median_x:.1},{:.1} l5,5 l-5,5 l-5,-5 z" fill="#d62728"><title>median {}</title></path>"##,
            middle - 5.0,
            format_timedelta(strip.median)
        );
    }
    close_plot(
        &mut svg,
        "time per call",
        "bar = mean, red diamond = median, dots top to bottom in run order",
        &axis,
        plot_w,
        bottom,
    );
    svg
}

/// Each arm's ratio to the reference as a square, its 95% interval as a whisker, and 1.0
/// (no change) as a dashed line; rows the t-test finds significant are solid, the others
/// hollow and grey.
pub(crate) fn render_forest(plot: &ForestPlot) -> String {
    let mut span: Vec<f64> = vec![1.0];
    for row in &plot.rows {
        span.push(row.ratio);
        if let Some((low, high)) = row.interval {
            span.extend([low, high]);
        }
    }
    span.retain(|v| v.is_finite());
    let axis = Axis::fit(&span);
    let top = 34.0;
    let bottom = top + plot.rows.len().max(1) as f64 * STRIP_BAND;
    let height = bottom + 56.0;
    let plot_w = WIDTH - 30.0 - STRIP_LABELS;
    let px = |x: f64| STRIP_LABELS + axis.fraction(x) * plot_w;
    let mut svg = String::new();
    open_plot(&mut svg, "forest", plot.rows.len(), height, &plot.title);
    x_ticks(&mut svg, &axis, &px, &|tick| format!("{tick:.2}"), top, bottom);
    let one = px(1.0);
    let _ = writeln!(
        svg,
        r#"<line x1="{one:.1}" y1="{top:.1}" x2="{one:.1}" y2="{bottom:.1}" stroke="black" stroke-dasharray="4 3"/>"#
    );
    for (index, row) in plot.rows.iter().enumerate() {
        let middle = top + index as f64 * STRIP_BAND + STRIP_BAND / 2.0;
        let (stroke, fill) = if row.significant { (COLORS[0], COLORS[0]) } else { ("#888888", "white") };
        let _ = writeln!(
            svg,
            r#"<text x="{:.1}" y="{:.1}" text-anchor="end">{}</text>"#,
            STRIP_LABELS - 8.0,
            middle + 4.0,
            escape(&row.label)
        );
        if let Some((low, high)) = row.interval {
            let _ = writeln!(
                svg,
                r#"<line x1="{:.1}" y1="{middle:.1}" x2="{:.1}" y2="{middle:.1}" stroke="{stroke}" stroke-width="2"><title>95% interval {low:.3} to {high:.3}</title></line>"#,
                px(low),
                px(high)
            );
        }
        let _ = writeln!(
            svg,
            r#"<rect x="{:.1}" y="{:.1}" width="10" height="10" fill="{fill}" stroke="{stroke}" stroke-width="2"><title>ratio {:.3}</title></rect>"#,
            px(row.ratio) - 5.0,
            middle - 5.0,
            row.ratio
        );
    }
    close_plot(
        &mut svg,
        "mean / reference mean",
        "left of 1 is faster; whiskers are 95% intervals; hollow = not significant",
        &axis,
        plot_w,
        bottom,
    );
    svg
}

#[cfg(test)]
mod tests {
    use super::*;
    use copylab_bench::plot::Series;

    /// Minimal well-formedness check: every element closed in order, and
    /// attribute values quoted (enough for what [`render`] emits).
    pub(super) fn assert_well_formed(svg: &str) {
        let mut stack: Vec<String> = Vec::new();
        let mut rest = svg;
        while let Some(start) = rest.find('<') {
            let end = rest[start..].find('>').expect("unclosed tag") + start;
            let tag = &rest[start + 1..end];
            assert!(tag.matches('"').count().is_multiple_of(2), "unbalanced quotes in <{tag}>");
            if let Some(name) = tag.strip_prefix('/') {
                assert_eq!(stack.pop().as_deref(), Some(name), "mismatched </{name}>");
            } else if !tag.ends_with('/') {
                let name = tag.split_whitespace().next().expect("tag name");
                stack.push(name.to_string());
            }
            let text = &rest[..start];
            assert!(!text.contains('>') || text.contains("&gt;"), "stray > in text");
            rest = &rest[end + 1..];
        }
        assert!(stack.is_empty(), "unclosed elements {stack:?}");
    }

    fn plot(xs: &[f64], categories: Option<Vec<String>>) -> LinePlot {
        LinePlot {
            title: "Sweep of _FASTPATH_MAX <fastpath>".into(),
            x_label: "_FASTPATH_MAX".into(),
            y_label: "time per call".into(),
            y_unit: YUnit::Seconds,
            x_categories: categories,
            series: vec![
                Series {
                    name: "deepcopy".into(),
                    points: xs.iter().map(|x| (*x, 2.8e-3 / x.max(1.0).sqrt())).collect(),
                    band: xs.iter().map(|x| (2.5e-3 / x.max(1.0).sqrt(), 3.1e-3 / x.max(1.0).sqrt())).collect(),
                },
                Series {
                    name: "deepcopy_memo & co".into(),
                    points: xs.iter().map(|x| (*x, 170e-6)).collect(),
                    band: Vec::new(),
                },
            ],
            markers: vec![(xs[xs.len() - 1], "deepcopy: differs from _FASTPATH_MAX = 1".into())],
        }
    }

    #[test]
    fn numeric_sweep_uses_log_x_over_a_wide_range() {
        let svg = render(&plot(&[1.0, 5.0, 20.0, 100.0], None));
        assert_well_formed(&svg);
        assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
        assert!(svg.contains("_FASTPATH_MAX (log scale)"));
        assert!(svg.contains("&lt;fastpath&gt;") && svg.contains("memo &amp; co"));
        assert_eq!(svg.matches("<polyline").count(), 2);
        assert_eq!(svg.matches("<polygon class=\"band\"").count(), 1, "a band for the series that has one");
        assert_eq!(svg.matches("<line class=\"marker\"").count(), 1);
        assert!(svg.contains("deepcopy: differs from _FASTPATH_MAX = 1"));
        assert!(svg.contains(">100</text>") && svg.contains(">10</text>"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
    }

    #[test]
    fn narrow_and_categorical_axes_are_linear() {
        let svg = render(&plot(&[1.0, 2.0, 3.0], None));
        assert_well_formed(&svg);
        assert!(!svg.contains("_FASTPATH_MAX (log scale)"));
        let categories = Some(vec!["True".to_string(), "False".to_string()]);
        let svg = render(&plot(&[0.0, 1.0], categories));
        assert_well_formed(&svg);
        assert!(svg.contains(">True</text>") && svg.contains(">False</text>"));
    }

    #[test]
    fn nice_steps_and_linear_ticks() {
        assert_eq!(nice_step(0.3), 0.5);
        assert_eq!(nice_step(1.0), 1.0);
        assert_eq!(nice_step(13.0), 20.0);
        let axis = Axis::fit(&[1.0, 9.0]);
        assert_eq!((axis.low, axis.high), (0.0, 10.0));
        assert_eq!(axis.ticks.len(), 6);
    }

    #[test]
    fn python_parses_the_svg_with_one_polyline_per_series() {
        let svg = render(&plot(&[1.0, 5.0, 20.0, 100.0], None));
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sweep.svg");
        std::fs::write(&path, svg).unwrap();
        let check = "import sys, xml.etree.ElementTree as ET\n\
            root = ET.parse(sys.argv[1]).getroot()\n\
            assert root.tag == '{http://www.w3.org/2000/svg}svg', root.tag\n\
            lines = root.findall('{http://www.w3.org/2000/svg}polyline')\n\
            assert len(lines) == 2, lines\n";
        let status = std::process::Command::new("python3")
            .args(["-c", check])
            .arg(&path)
            .status()
            .expect("python3 must be on PATH (run the tests with `bash .ci/run`)");
        assert!(status.success(), "the SVG does not parse as XML");
    }

    #[test]
    fn strips_and_forest_rows_draw_one_mark_per_value_and_arm() {
        use copylab_bench::plot::{ForestRow, Strip};
        let strip = |label: &str, values: Vec<f64>| Strip { label: label.into(), mean: 2e-3, median: 2e-3, values };
        let strips = StripPlot {
            title: "deepcopy <memo>".into(),
            strips: vec![strip("baseline", vec![2e-3, 2.1e-3, 1.9e-3]), strip("fastpath", vec![1e-3, 1.1e-3])],
        };
        let svg = render_strips(&strips);
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<circle").count(), 5);
        assert!(svg.contains(r#"class="plot strips" data-rows="2""#) && svg.contains("&lt;memo&gt;"));
        assert!(!svg.contains("NaN") && !svg.contains("inf"));

        let forest = ForestPlot {
            title: "ratio".into(),
            rows: vec![
                ForestRow { label: "fast".into(), ratio: 0.5, interval: Some((0.45, 0.55)), significant: true },
                ForestRow { label: "same".into(), ratio: 1.01, interval: None, significant: false },
            ],
        };
        let svg = render_forest(&forest);
        assert_well_formed(&svg);
        assert_eq!(svg.matches("<rect x=").count(), 2);
        assert!(svg.contains("95% interval 0.450 to 0.550") && svg.contains(r#"stroke-dasharray="4 3""#));
    }
}
