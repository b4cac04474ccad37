//! What a line plot shows (sweeps: time against the value of a constant, one
//! line per workload), as data. Drawing it is the CLI's (src/render/svg_plot.rs).

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// (x, y) points; y in seconds.
    pub points: Vec<(f64, f64)>,
    /// A (low, high) 95% interval of y per point, drawn as a shaded band; empty for none.
    pub band: Vec<(f64, f64)>,
}

/// What the y values are, for tick labels.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum YUnit {
    /// Seconds, labelled like pyperf (`2.81 ms`).
    #[default]
    Seconds,
    /// Percentages in 0..=100, labelled `42 %`.
    Percent,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LinePlot {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub y_unit: YUnit,
    /// Tick labels for x = 0, 1, 2... when the x values are not numbers;
    /// `None` for a numeric x axis.
    pub x_categories: Option<Vec<String>>,
    pub series: Vec<Series>,
    /// Vertical marks at x with a label, e.g. a sweep's crossover.
    pub markers: Vec<(f64, String)>,
}

/// Each arm's values on one shared axis (seconds per call), for seeing distributions,
/// drift and outliers behind a ratio.
#[derive(Clone, Debug, PartialEq)]
pub struct StripPlot {
    pub title: String,
    pub strips: Vec<Strip>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Strip {
    pub label: String,
    /// Seconds per call, in run order.
    pub values: Vec<f64>,
    pub mean: f64,
    pub median: f64,
}

/// Each arm's ratio to the reference with its 95% confidence interval.
#[derive(Clone, Debug, PartialEq)]
pub struct ForestPlot {
    pub title: String,
    pub rows: Vec<ForestRow>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ForestRow {
    pub label: String,
    /// Arm mean / reference mean (below 1 is faster).
    pub ratio: f64,
    pub interval: Option<(f64, f64)>,
    /// The t-test's verdict: a significant difference is drawn solid.
    pub significant: bool,
}
