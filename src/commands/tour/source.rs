//! The static tour: the whole copy.py, each function's explanation before its `def`, each
//! explained statement's note after its last line, and for a variant what its patch changes.

use copylab_stdlib_copy::Variant;
use copylab_stdlib_copy::tour::Tour;

use super::document::{Block, CodeRow};

pub(super) fn blocks(variant: &Variant, tour: &Tour) -> Vec<Block> {
    let mut blocks = vec![Block::Title(format!(
        "copy.py explained: {} (`{}`), {}",
        variant.name,
        variant.origin(),
        variant.summary
    ))];
    blocks.extend(tour.intro.iter().cloned().map(Block::Para));
    blocks.push(Block::Para(
        "How to read it: each function's explanation comes before its `def`; a statement's \
         explanation follows it. `copylab tour -c CODE` shows the same lines with the values of \
         your own deepcopy; `copylab tour --why-hot` measures the hot ones."
            .to_owned(),
    ));
    let changed = variant.changed_lines();
    if variant.patch.is_some() {
        blocks.push(Block::Heading(format!("What the {} patch changes, and why it is safe", variant.name)));
        blocks.extend(tour.variant.iter().cloned().map(Block::Para));
        blocks.push(Block::Para(format!(
            "Lines marked * are the patch's ({} lines); the comment at the end of each says what it \
             does. `copylab variants diff {}` prints the patch.",
            changed.len(),
            variant.name
        )));
        if !tour.changed_by_patch.is_empty() {
            let mut anchors: Vec<String> = Vec::new();
            for (_, anchor) in &tour.changed_by_patch {
                let anchor = anchor.split(" / ").map(|s| format!("`{s}`")).collect::<Vec<_>>().join(" / ");
                if !anchors.contains(&anchor) {
                    anchors.push(anchor);
                }
            }
            blocks.push(Block::Para(format!(
                "The baseline tour explains these statements, which this patch rewrote: {}. See `copylab tour` \
                 for them.",
                anchors.join(", ")
            )));
        }
    }
    blocks.push(Block::Heading("copy.py, line by line".to_owned()));
    for (index, text) in variant.source.lines().enumerate() {
        let line = index + 1;
        if let Some(function) = tour.functions.iter().find(|f| f.start == line)
            && let Some(block) = super::function_block(tour, &function.name)
        {
            blocks.push(block);
        }
        let notes = match tour.notes.values().find(|note| note.last == line) {
            Some(note) => super::explanation(tour, note.first),
            None => Vec::new(),
        };
        blocks.push(Block::Code(CodeRow {
            line: Some(line),
            text: text.to_owned(),
            changed: changed.contains(&line),
            notes,
        }));
    }
    blocks
}
