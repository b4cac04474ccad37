//! The flame graph: inferno's interactive SVG (hover for a frame's time, click to zoom,
//! Ctrl-F to search) drawn from the profiler's collapsed stacks.

use copylab_vm::Profile;

use super::report::Context;
use crate::error::CliError;
use crate::output::Output;

pub(crate) fn write(file: Output, profile: &Profile, context: &Context<'_>) -> Result<(), CliError> {
    let mut options = inferno::flamegraph::Options::default();
    options.title = format!("copylab profile: {}", context.what.trim());
    options.subtitle = Some(format!(
        "{}, memo {}. Width: time in ns with the tracer running. copy.py frames name the line running.",
        super::copy_label(context.copy),
        context.memo
    ));
    options.count_name = "ns".to_owned();
    // Same input, same picture: colours from frame names, not a random generator.
    options.hash = true;
    let lines = profile.folded.iter().map(String::as_str);
    file.write_with(|writer| inferno::flamegraph::from_lines(&mut options, lines, writer))
}
