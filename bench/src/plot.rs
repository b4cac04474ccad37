//! What a line plot shows (sweeps: time against the value of a constant, one
//! line per workload), as data. Drawing it is the CLI's (src/render/svg_plot.rs).

#[derive(Clone, Debug, PartialEq)]
pub struct Series {
    pub name: String,
    /// (x, y) points; y in seconds.
    pub points: Vec<(f64, f64)>,
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
}
