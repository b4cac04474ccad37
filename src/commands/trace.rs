//! `copylab trace`: every deepcopy call of a program, or of one expression's value, step by
//! step through the installed copy.py.

use std::path::PathBuf;

use clap::Args;
use copylab_vm::{HostConfig, HostError, InterpreterFlags, TraceError, TraceOptions, TraceOutput, TraceTarget};

use super::target::host_config;
use crate::cli::CopyArgs;
use crate::cli::{MemoChoice, ProgramArgs};
use crate::error::CliError;
use crate::output::Output;

const AFTER_HELP: &str = "Examples:\n  copylab trace --expr '[1, (2, [3])]'\n  copylab trace --variant fastpath script.py\n  copylab trace --memo cam --json -o steps.jsonl -c 'import copy; copy.deepcopy({1: [2]})'\n\n\
Output: one line per step, `LINE  STEP`, indented by deepcopy depth. LINE is the copy.py line
that did the step; a `*` before it marks a line the variant changed, followed by the line's
own comment. With --json: JSON Lines, one object per step (step, depth, line, function, kind,
text, changed, comment, plus the kind's own fields), then one {\"kind\": \"summary\"} object.";

#[derive(Debug, Args)]
#[command(arg_required_else_help = true, after_long_help = AFTER_HELP)]
pub(crate) struct TraceArgs {
    #[command(flatten)]
    pub(crate) copy: CopyArgs,
    #[command(flatten)]
    pub(crate) memo: MemoChoice,
    /// Deep-copy the value of EXPR (a SCRIPT or -c CODE, if given, runs first as its setup)
    #[arg(long, value_name = "EXPR", allow_hyphen_values = true)]
    pub(crate) expr: Option<String>,
    #[command(flatten)]
    pub(crate) program: ProgramArgs,
    /// Emit JSON Lines instead of text
    #[arg(long)]
    pub(crate) json: bool,
    /// Write the trace to FILE instead of standard output
    #[arg(short = 'o', long, value_name = "FILE")]
    pub(crate) output: Option<PathBuf>,
    /// Show at most N steps; the rest are counted
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    pub(crate) max_steps: usize,
}

pub(crate) fn trace(args: TraceArgs) -> Result<u8, CliError> {
    let output = args.output.as_deref().map(Output::check).transpose()?;
    let (target, config) = setup(&args.copy, &args.memo, args.expr.as_deref(), &args.program)?;
    let options = TraceOptions { max_steps: args.max_steps, json: args.json };
    let traced = run(config, target, options)?;
    emit(&traced, output)?;
    Ok((traced.status & 0xff) as u8)
}

/// What to trace and the interpreter to trace it in: `--expr` alone, a program alone, or a
/// program as the setup of `--expr` (shared with `tour`).
pub(crate) fn setup(
    copy: &CopyArgs,
    memo: &MemoChoice,
    expr: Option<&str>,
    program: &ProgramArgs,
) -> Result<(TraceTarget, HostConfig), CliError> {
    let copy = copy.copy_source()?;
    Ok(match (expr, program.is_given()) {
        (Some(expr), false) => (
            TraceTarget::Expr { expr: expr.to_owned(), setup: None },
            host_config(copy, memo, None, Vec::new(), &InterpreterFlags::default())?,
        ),
        (expr, true) => {
            let (program, argv) = program.program()?;
            let config = host_config(copy, memo, Some(&program), argv, &InterpreterFlags::default())?;
            let target = match expr {
                Some(expr) => TraceTarget::Expr { expr: expr.to_owned(), setup: Some(program) },
                None => TraceTarget::Program(program),
            };
            (target, config)
        }
        (None, false) => return Err(CliError::Usage("give a SCRIPT, -c CODE or --expr EXPR to trace".into())),
    })
}

/// Runs the step tracer in a fresh interpreter.
pub(crate) fn run(config: HostConfig, target: TraceTarget, options: TraceOptions) -> Result<TraceOutput, CliError> {
    super::with_host(config, move |host| host.trace(&target, options).map_err(cli_error))
}

fn emit(traced: &TraceOutput, output: Option<Output>) -> Result<(), CliError> {
    match output {
        Some(file) => {
            let path = file.path().display().to_string();
            file.write(&traced.text)?;
            if !traced.text.is_empty() {
                eprintln!("wrote {path}");
            }
            Ok(())
        }
        None => {
            super::print_text(&traced.text);
            Ok(())
        }
    }
}

fn cli_error(err: TraceError) -> CliError {
    match err {
        TraceError::ExprSyntax { .. } => CliError::Usage(err.to_string()),
        TraceError::ExprRaised { .. } => CliError::Host(HostError::Python { message: err.to_string() }),
        TraceError::Host(err) => CliError::Host(err),
    }
}
