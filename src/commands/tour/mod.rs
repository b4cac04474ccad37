//! `copylab tour`: copy.py explained line by line (stdlib-copy's tour/explanations.md beside
//! the code), with the values of the user's own deepcopy from the step tracer (`-c`, a
//! script, `--expr`), or with measured answers beside the hot lines (`--why-hot`).

use std::io::IsTerminal as _;
use std::path::PathBuf;

use clap::Args;
use copylab_stdlib_copy::Variant;
use copylab_stdlib_copy::tour::Tour;

use crate::cli::{CopyArgs, MemoChoice, MemoKind, ProgramArgs};
use crate::error::CliError;
use crate::output::Output;

mod document;
mod hot;
mod live;
mod source;

use document::{Block, Format};

const AFTER_HELP: &str = "Examples:\n  \
    copylab tour                                   copy.py with explanations beside its lines\n  \
    copylab tour --variant memo                    what the memo patch changes, and why it is safe\n  \
    copylab tour -c 'import copy; copy.deepcopy([1, [2]])'\n  \
    copylab tour --expr '{\"a\": (1, [])}'           your own object, step by step, with live values\n  \
    copylab tour script.py                         every deepcopy a script makes\n  \
    copylab tour --why-hot                         the deepcopy workload's hot lines, measured now\n  \
    copylab tour --why-hot --workload deepcopy_reduce --top 3\n  \
    copylab tour --format html -o tour.html        one self-contained page for a report or slide\n  \
    copylab tour --format markdown --variant fastpath -o fastpath.md\n\n\
The explanations live in stdlib-copy/tour/explanations.md, anchored by the statements they\n\
explain; copy.py itself is never changed. Colours are used on a terminal only (--color).";

#[derive(Debug, Args)]
#[command(after_help = AFTER_HELP)]
pub(crate) struct TourArgs {
    /// copy.py variant to explain (see `copylab variants`)
    #[arg(long, value_name = "NAME", default_value = "baseline", value_parser = parse_variant)]
    pub(crate) variant: &'static Variant,
    /// Deep-copy the value of EXPR under the tracer (a SCRIPT or -c CODE, if given, runs first
    /// as its setup)
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true, conflicts_with = "why_hot")]
    pub(crate) expr: Option<String>,
    #[command(flatten)]
    pub(crate) program: ProgramArgs,
    /// Measure now: profile a workload (or the SCRIPT / -c CODE) and run live probes of the
    /// operations behind the hot lines, shown beside them
    #[arg(long)]
    pub(crate) why_hot: bool,
    /// With --why-hot: bench workloads to profile, comma-separated (default: deepcopy)
    #[arg(long, value_name = "NAMES", value_delimiter = ',', requires = "why_hot", conflicts_with_all = ["code", "script"])]
    pub(crate) workload: Vec<String>,
    /// With --why-hot: calls of each workload (default: enough for about 0.1 s unprofiled)
    #[arg(long, value_name = "N", requires = "why_hot", value_parser = clap::value_parser!(u32).range(1..))]
    pub(crate) loops: Option<u32>,
    /// With --why-hot: also show the N hottest lines
    #[arg(long, value_name = "N", default_value_t = 5, requires = "why_hot")]
    pub(crate) top: usize,
    /// Output format
    #[arg(long, value_name = "FORMAT", value_enum, default_value = "text")]
    pub(crate) format: Format,
    /// Colours in text output: auto (on a terminal, unless NO_COLOR is set), always, never
    #[arg(long, value_name = "WHEN", value_enum, default_value = "auto")]
    pub(crate) color: ColorChoice,
    /// Write to FILE instead of standard output
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// With a program or --expr: show at most N steps; the rest are counted
    #[arg(long, value_name = "N", default_value_t = 300)]
    pub(crate) max_steps: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_variant(name: &str) -> Result<&'static Variant, String> {
    copylab_stdlib_copy::find(name).map_err(|err| err.to_string())
}

pub(crate) fn tour(args: TourArgs) -> Result<u8, CliError> {
    let output = args.output.as_deref().map(Output::check).transpose()?;
    let explained = copylab_stdlib_copy::tour::explain(args.variant)?;
    let (blocks, status) = if args.why_hot {
        hot::blocks(&args, &explained)?
    } else if args.expr.is_some() || args.program.is_given() {
        live::blocks(&args, &explained)?
    } else {
        (source::blocks(args.variant, &explained), 0)
    };
    let colour = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            output.is_none() && std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
        }
    };
    let text = document::render(&blocks, args.format, colour && args.format == Format::Text);
    match output {
        Some(file) => {
            let path = file.path().display().to_string();
            file.write(&text)?;
            eprintln!("wrote {path}");
        }
        None => super::print_text(&text),
    }
    Ok(status)
}

impl TourArgs {
    /// The copy.py and memo the traced or profiled run installs: the variant, a dict memo.
    fn selection(&self) -> (CopyArgs, MemoChoice) {
        (
            CopyArgs { variant: self.variant, copy_py: None, defines: Vec::new() },
            MemoChoice { memo: MemoKind::Dict, cam_entries: None },
        )
    }
}

/// The explanation of the statement starting at `first`, one note per paragraph.
fn explanation(tour: &Tour, first: usize) -> Vec<document::Note> {
    let indent = tour.statement_at(first).map_or(0, |s| s.indent);
    tour.notes
        .get(&first)
        .map(|note| note.text.iter().map(|p| document::Note::new(document::NoteKind::Explain, p, indent)).collect())
        .unwrap_or_default()
}

/// The function block for `name`, as the tour shows it before its `def` line.
fn function_block(tour: &Tour, name: &str) -> Option<Block> {
    tour.functions.iter().find(|f| f.name == name).map(|f| Block::Function {
        name: f.name.clone(),
        start: f.start,
        end: f.end,
        text: f.text.clone(),
    })
}
