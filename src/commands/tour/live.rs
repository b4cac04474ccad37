//! The live tour: the user's own deepcopy under `copylab trace`'s step tracer (as JSON), each
//! step shown at its copy.py line with its live values (memo entries as they appear, the
//! reduce tuple, the keep-alive list) and, the first time the line runs, its explanation.

use std::collections::BTreeSet;

use copylab_stdlib_copy::tour::Tour;
use copylab_vm::{HostError, TraceOptions};
use serde_json::Value;

use super::TourArgs;
use super::document::{Block, CodeRow, Note, NoteKind};
use crate::error::CliError;

pub(super) fn blocks(args: &TourArgs, tour: &Tour) -> Result<(Vec<Block>, u8), CliError> {
    let (copy, memo) = args.selection();
    let (target, config) = crate::commands::trace::setup(&copy, &memo, args.expr.as_deref(), &args.program)?;
    let what = match (&args.expr, &args.program.code, &args.program.script) {
        (Some(expr), _, _) => format!("deepcopy({expr})"),
        (None, Some(_), _) => "the deepcopy calls of -c CODE".to_owned(),
        (None, None, Some(script)) => format!("the deepcopy calls of {script}"),
        (None, None, None) => String::new(),
    };
    let options = TraceOptions { max_steps: args.max_steps, json: true };
    let traced = crate::commands::trace::run(config, target, options)?;
    let status = (traced.status & 0xff) as u8;
    if traced.text.trim().is_empty() {
        // The program failed before anything was traced; its traceback is on stderr.
        return Ok((Vec::new(), status.max(1)));
    }

    let source: Vec<&str> = args.variant.source.lines().collect();
    let mut blocks = vec![
        Block::Title(format!("Your deepcopy, step by step: {what}, under {}", args.variant.name)),
        Block::Para(
            "Each step shows the copy.py line that made it, then what happened with your own objects \
             (live), then, the first time that line runs, what it is for. Nested calls are indented \
             by depth. Ids are this run's."
                .to_owned(),
        ),
    ];
    let mut functions_shown = BTreeSet::new();
    let mut lines_explained = BTreeSet::new();
    let mut summary = None;
    for row in traced.text.lines().filter(|l| !l.trim().is_empty()) {
        let step: Value = serde_json::from_str(row).map_err(|err| HostError::Python {
            message: format!("the step tracer wrote a line that is not JSON ({err}): {row}"),
        })?;
        if step["kind"] == "summary" {
            summary = Some(step);
            continue;
        }
        let depth = step["depth"].as_u64().unwrap_or(0) as usize;
        let live = Note::new(NoteKind::Live, live_text(&step), 2 * depth);
        let Some(line) = step["line"].as_u64().map(|l| l as usize) else {
            blocks.push(Block::Code(CodeRow { notes: vec![live], ..CodeRow::default() }));
            continue;
        };
        if let Some(function) = tour.function_at(line)
            && functions_shown.insert(function.name.clone())
            && let Some(block) = super::function_block(tour, &function.name)
        {
            blocks.push(block);
        }
        let first = tour.statement_at(line).map_or(line, |s| s.first);
        let mut notes = vec![live];
        if lines_explained.insert(first) {
            notes.extend(super::explanation(tour, first));
        }
        if let Some(reason) = reason_of(tour, &step)
            && lines_explained.insert(reason.first)
        {
            let mut why = super::explanation(tour, reason.first);
            let indent = tour.statement_at(line).map_or(0, |s| s.indent);
            for note in &mut why {
                note.indent = indent;
            }
            if let Some(opening) = why.first_mut() {
                let anchor = match reason.anchor.split_once('{') {
                    Some((head, _)) if reason.anchor.len() > 40 => format!("{head}{{...}}"),
                    _ => reason.anchor.clone(),
                };
                opening.text = format!("Why (line {}, `{anchor}`): {}", reason.first, opening.text);
            }
            notes.extend(why);
        }
        blocks.push(Block::Code(CodeRow {
            line: Some(line),
            text: source.get(line - 1).copied().unwrap_or_default().to_owned(),
            changed: step["changed"].as_bool().unwrap_or(false),
            notes,
        }));
    }
    if let Some(summary) = summary {
        let mut tail = format!(
            "{} deepcopy calls, {} steps",
            summary["deepcopy_calls"].as_u64().unwrap_or(0),
            summary["steps"].as_u64().unwrap_or(0)
        );
        if let Some(routes) = summary["routes"].as_object().filter(|r| !r.is_empty()) {
            let mut routes: Vec<(&String, u64)> = routes.iter().map(|(k, v)| (k, v.as_u64().unwrap_or(0))).collect();
            routes.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
            let routes: Vec<String> = routes.iter().map(|(name, count)| format!("{name} {count}")).collect();
            tail.push_str(&format!("; routes: {}", routes.join(", ")));
        }
        let hidden = summary["steps_not_shown"].as_u64().unwrap_or(0);
        if hidden > 0 {
            tail.push_str(&format!("; {hidden} steps not shown (raise --max-steps to see them)"));
        }
        if summary["deepcopy_calls"].as_u64() == Some(0) {
            tail = "No deepcopy call was made: call copy.deepcopy in your code, or use --expr.".to_owned();
        }
        blocks.push(Block::Para(tail));
    }
    Ok((blocks, status))
}

/// Steps whose reason is explained at another statement than the one that makes them (kind,
/// or `route:NAME`, and the start of that statement): the first such step shows it too.
const REASONS: &[(&str, &str)] = &[
    ("memo-miss", "d = id(x)"),
    ("memo-hit", "d = id(x)"),
    ("keep-alive", "_keep_alive(x, memo)"),
    ("route:atomic", "_atomic_types ="),
];

fn reason_of<'a>(tour: &'a Tour, step: &Value) -> Option<&'a copylab_stdlib_copy::tour::Note> {
    let kind = step["kind"].as_str()?;
    let route = step["route"].as_str().map(|route| format!("route:{route}"));
    let (_, statement) = REASONS.iter().find(|(k, _)| *k == kind || Some(*k) == route.as_deref())?;
    tour.notes.values().find(|note| note.anchor.rsplit(" / ").next().is_some_and(|last| last.starts_with(statement)))
}

/// The step as the tracer wrote it, plus what the tour adds: the memo's size after a store,
/// the keep-alive list after an append.
fn live_text(step: &Value) -> String {
    let mut text = step["text"].as_str().unwrap_or_default().to_owned();
    if let Some(count) = step["count"].as_u64().filter(|&c| c > 1) {
        text.push_str(&format!("  (x{count})"));
    }
    if let Some(size) = step["memo_len"].as_u64() {
        let plural = if size == 1 { "entry" } else { "entries" };
        text.push_str(&format!("; the memo now holds {size} {plural}"));
    }
    if let Some(kept) = step["kept"].as_array() {
        let kept: Vec<&str> = kept.iter().filter_map(Value::as_str).collect();
        text.push_str(&format!("; keep-alive list: [{}]", kept.join(", ")));
    }
    // A changed line's own comment is on the code row beside it; it is not repeated here.
    text
}
