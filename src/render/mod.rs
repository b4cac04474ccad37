//! Presentation: what the model crates (cam-device, copylab-bench) compute, drawn for people.
//! The CAM block diagram (SVG, Graphviz dot, Mermaid), the one SVG plotter (line, strip and
//! forest plots), and the pages built from them (the bench report, the sweep page, the CAM
//! slide deck) live here, so the model crates hold numbers and rules only.

pub(crate) mod cam_diagram;
pub(crate) mod cam_slides;
pub(crate) mod flame_graph;
mod flame_section;
pub(crate) mod html_report;
pub(crate) mod markdown_report;
pub(crate) mod svg_plot;
pub(crate) mod sweep_page;
