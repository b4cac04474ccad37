//! `profile --flamegraph`: the run's flame graph (drawn by [`crate::render::flame_graph`]).

use copylab_vm::Profile;

use super::report::Context;
use crate::error::CliError;
use crate::output::Output;
use crate::render::flame_graph::{self, Caption};

pub(crate) fn write(file: Output, profile: &Profile, context: &Context<'_>) -> Result<(), CliError> {
    let caption = Caption {
        title: format!("copylab profile: {}", context.what.trim()),
        subtitle: format!(
            "{}, memo {}. Width: time in ns with the tracer running. copy.py frames name the line running.",
            super::copy_label(context.copy),
            context.memo
        ),
    };
    let svg = flame_graph::svg(&caption, &profile.folded)
        .map_err(|source| CliError::Output { path: file.path().to_owned(), source })?;
    file.write(&svg)
}
