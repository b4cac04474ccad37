//! Flame graphs of the profiler's collapsed stacks (`outer;inner;leaf NANOS`): one arm's
//! (`profile --flamegraph`, the report's per-arm graph) and the differential one of an arm
//! against its reference (the report's).
//!
//! Drawn by inferno, not by [`super::svg_plot`]: a flame graph is a layout problem (merging
//! stacks, widths, folding narrow frames) that inferno, the maintained Rust port of Brendan
//! Gregg's flamegraph.pl, already solves, with its interactive SVG (hover for a frame's time,
//! click to zoom, Ctrl-F to search) and its red/blue differential colouring; copylab already
//! depended on it for `profile --flamegraph`.

use inferno::flamegraph::{self, Options};

/// What a flame graph says about itself: its title and a subtitle on how to read it.
pub(crate) struct Caption {
    pub(crate) title: String,
    pub(crate) subtitle: String,
}

fn options(caption: &Caption) -> Options<'static> {
    let mut options = Options::default();
    options.title.clone_from(&caption.title);
    options.subtitle = Some(caption.subtitle.clone());
    options.count_name = "ns".to_owned();
    // Same input, same picture: colours from frame names, not a random generator.
    options.hash = true;
    options
}

/// The flame graph of `folded` as SVG text.
pub(crate) fn svg(caption: &Caption, folded: &[String]) -> std::io::Result<String> {
    let mut bytes = Vec::new();
    flamegraph::from_lines(&mut options(caption), folded.iter().map(String::as_str), &mut bytes)?;
    into_text(bytes)
}

/// The differential flame graph of `arm` against `reference`: frames sized by the arm's time,
/// red where the arm spends more time in them than the reference, blue where less. The
/// reference's counts are scaled to the arm's total first (inferno's `normalize`), since
/// arms run for different times and a uniformly slower arm would otherwise be all red.
/// Frames are matched by function and file, without the line running: two variants' copy.py
/// have the same functions at other lines, which would otherwise never match.
pub(crate) fn differential_svg(caption: &Caption, reference: &[String], arm: &[String]) -> std::io::Result<String> {
    let by_function = |folded: &[String]| folded.iter().map(|line| without_lines(line)).collect::<Vec<_>>().join("\n");
    let (reference, arm) = (by_function(reference), by_function(arm));
    let mut merged = Vec::new();
    let differential = inferno::differential::Options { normalize: true, strip_hex: false };
    inferno::differential::from_readers(differential, reference.as_bytes(), arm.as_bytes(), &mut merged)?;
    let merged = into_text(merged)?;
    let mut bytes = Vec::new();
    flamegraph::from_lines(&mut options(caption), merged.lines(), &mut bytes)?;
    into_text(bytes)
}

/// A collapsed stack with every frame's `(file:LINE)` shortened to `(file)`.
fn without_lines(line: &str) -> String {
    let Some((stack, count)) = line.rsplit_once(' ') else {
        return line.to_string();
    };
    let frames: Vec<String> = stack
        .split(';')
        .map(|frame| match frame.strip_suffix(')').and_then(|body| body.rsplit_once(':')) {
            Some((head, line)) if !line.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => format!("{head})"),
            _ => frame.to_string(),
        })
        .collect();
    format!("{} {count}", frames.join(";"))
}

fn into_text(bytes: Vec<u8>) -> std::io::Result<String> {
    String::from_utf8(bytes).map_err(|err| std::io::Error::new(std::io::ErrorKind::InvalidData, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn caption() -> Caption {
        Caption { title: "t <1>".into(), subtitle: "s".into() }
    }

    #[test]
    fn a_graph_has_a_frame_per_function_and_the_differential_colours_change() {
        let reference = vec!["main;deepcopy;_deepcopy_list 100".to_string(), "main;deepcopy 50".to_string()];
        let svg = svg(&caption(), &reference).unwrap();
        assert!(svg.contains("<svg") && svg.contains("_deepcopy_list") && svg.contains("t &lt;1&gt;"));
        // The arm spends 3x longer in _deepcopy_list and the same in deepcopy itself.
        let arm = vec!["main;deepcopy;_deepcopy_list 300".to_string(), "main;deepcopy 50".to_string()];
        let diff = differential_svg(&caption(), &reference, &arm).unwrap();
        // inferno writes a differential frame's change into its tooltip.
        assert!(diff.contains("_deepcopy_list (300 ns") && diff.contains('%'), "{diff}");
        assert!(differential_svg(&caption(), &reference, &reference).unwrap().contains("deepcopy"));
        assert_eq!(
            without_lines("f (a.py:3);deepcopy (copy.py:131);g (<x>) 10"),
            "f (a.py);deepcopy (copy.py);g (<x>) 10"
        );
        // A variant's copy.py has the same function at another line: it still matches.
        let moved = vec!["main;deepcopy (copy.py:132) 50".to_string()];
        let diff = differential_svg(&caption(), &["main;deepcopy (copy.py:131) 50".to_string()], &moved).unwrap();
        assert!(diff.contains("deepcopy (copy.py) (50 ns") && diff.contains("0.00%"), "{diff}");
    }
}
