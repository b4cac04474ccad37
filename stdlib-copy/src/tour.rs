//! `copylab tour`'s explanations of copy.py, kept outside copy.py (which stays byte for byte
//! upstream's) in `tour/explanations.md` and tied to the code by the text of the statements
//! they explain, never by line numbers.
//!
//! The file is Markdown with four kinds of `##` section:
//!
//! * `## module`: what copy.py is for, then notes on module-level statements;
//! * `## def NAME`: what function NAME does, then notes on its statements;
//! * `## hot NAME`: why statements of NAME are hot, with the live probes (`probes: a, b`)
//!   that `tour --why-hot` runs beside them;
//! * `## variant NAME`: what the variant's patch changes and why it is safe, then
//!   `### def NAME` for functions the patch adds and notes on the patch's own statements.
//!
//! A note is a `### ` heading of backticked statements, then its text. Its anchor is the last
//! statement; the ones before it (joined by ` / `) must directly precede it, which tells
//! apart statements written the same way twice (`y = x`). An anchor must match exactly one
//! statement of its section's scope, and every function of the copy.py needs an explanation:
//! [`explain`] reports each break, so the tour follows upstream changes or says exactly what
//! broke.

use std::collections::BTreeMap;
use std::fmt;

use crate::layout::{self, Statement, squeeze};
use crate::registry::Variant;

/// Where the explanations live, for messages.
pub const EXPLANATIONS_PATH: &str = "stdlib-copy/tour/explanations.md";

const EXPLANATIONS: &str = include_str!("../tour/explanations.md");

/// One copy.py with its explanations resolved to its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tour {
    /// What copy.py is for (paragraphs).
    pub intro: Vec<String>,
    /// For a variant: what its patch changes and why it is safe (paragraphs).
    pub variant: Vec<String>,
    /// Every top-level function of the source, in order, with its explanation.
    pub functions: Vec<FunctionNote>,
    /// Notes by the first line of the statement they explain.
    pub notes: BTreeMap<usize, Note>,
    /// Why-hot notes by the first line of the statement they explain.
    pub hot: BTreeMap<usize, Note>,
    /// Baseline notes whose statement the variant's patch changed: (`## ` heading, anchor).
    pub changed_by_patch: Vec<(String, String)>,
    /// Every statement of the source.
    pub statements: Vec<Statement>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunctionNote {
    pub name: String,
    pub start: usize,
    pub end: usize,
    pub text: Vec<String>,
}

/// An explanation of one statement.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub first: usize,
    pub last: usize,
    /// The anchor as written in the explanations file.
    pub anchor: String,
    pub text: Vec<String>,
    /// Names of live measurements to show beside it (`## hot` notes only).
    pub probes: Vec<String>,
}

impl Tour {
    /// The statement whose lines include `line`.
    #[must_use]
    pub fn statement_at(&self, line: usize) -> Option<&Statement> {
        self.statements.iter().find(|s| (s.first..=s.last).contains(&line))
    }

    /// The function whose lines include `line`.
    #[must_use]
    pub fn function_at(&self, line: usize) -> Option<&FunctionNote> {
        self.functions.iter().find(|f| (f.start..=f.end).contains(&line))
    }
}

/// Everything wrong between the explanations and a copy.py, one problem per entry.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct TourError {
    pub problems: Vec<String>,
}

impl fmt::Display for TourError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{EXPLANATIONS_PATH} does not fit this copy.py:")?;
        for problem in &self.problems {
            write!(f, "\n  - {problem}")?;
        }
        Ok(())
    }
}

/// The tour of a registered variant: the baseline's explanations, plus the variant's own.
pub fn explain(variant: &Variant) -> Result<Tour, TourError> {
    explain_source(variant.source, variant.name, EXPLANATIONS)
}

/// The tour of `source` (the copy.py of variant `name`) from explanations in `data`.
pub fn explain_source(source: &str, name: &str, data: &str) -> Result<Tour, TourError> {
    let sections = parse(data);
    let statements = layout::statements(source);
    let functions = layout::functions(source);
    let mut problems = Vec::new();
    let mut tour = Tour {
        intro: Vec::new(),
        variant: Vec::new(),
        functions: Vec::new(),
        notes: BTreeMap::new(),
        hot: BTreeMap::new(),
        changed_by_patch: Vec::new(),
        statements: statements.clone(),
    };
    let mut function_text: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    let is_baseline = name == "baseline";
    let known_variant = |section: &str| crate::find(section).is_ok() && section != "baseline";

    for section in &sections {
        let scope = match &section.kind {
            Kind::Module => {
                tour.intro.clone_from(&section.text);
                Scope::Module
            }
            Kind::Def(function) | Kind::Hot(function) => {
                let Some(found) = functions.iter().find(|f| f.name == function) else {
                    // A function only a variant has is explained in that variant's section.
                    if is_baseline {
                        problems.push(format!(
                            "line {}: `## {}` names no function of {name} copy.py",
                            section.line, section.heading
                        ));
                    }
                    continue;
                };
                if matches!(section.kind, Kind::Def(_)) {
                    function_text.insert(found.name, section.text.clone());
                }
                Scope::Lines(found.start, found.end)
            }
            Kind::Variant(variant) => {
                if !known_variant(variant) {
                    problems.push(format!("line {}: `## variant {variant}` names no registered variant", section.line));
                }
                if variant != name {
                    continue;
                }
                tour.variant.clone_from(&section.text);
                for (function, text) in &section.defs {
                    match functions.iter().find(|f| f.name == function) {
                        Some(found) => {
                            function_text.insert(found.name, text.clone());
                        }
                        None => problems.push(format!(
                            "`## variant {variant}` explains `def {function}`, which {name} copy.py does not have"
                        )),
                    }
                }
                Scope::File
            }
            Kind::Other => {
                problems.push(format!(
                    "line {}: unknown section `## {}` (use module, def NAME, hot NAME or variant NAME)",
                    section.line, section.heading
                ));
                continue;
            }
        };
        // Baseline notes whose statement a variant's patch rewrote are expected to miss there.
        let must_match = is_baseline || matches!(section.kind, Kind::Variant(_));
        for note in &section.notes {
            match resolve(&statements, &functions, scope, &note.statements) {
                Ok(statement) => {
                    let resolved = Note {
                        first: statement.first,
                        last: statement.last,
                        anchor: note.statements.join(" / "),
                        text: note.text.clone(),
                        probes: note.probes.clone(),
                    };
                    let target = if matches!(section.kind, Kind::Hot(_)) { &mut tour.hot } else { &mut tour.notes };
                    if target.insert(statement.first, resolved).is_some() {
                        problems.push(format!(
                            "line {}: `{}` explains copy.py line {} a second time",
                            note.line,
                            note.statements.join(" / "),
                            statement.first
                        ));
                    }
                }
                Err(Miss::Absent) if !must_match => {
                    tour.changed_by_patch.push((section.heading.clone(), note.statements.join(" / ")));
                }
                Err(miss) => problems.push(format!(
                    "line {}: anchor `{}` (in `## {}`) {} of {name} copy.py; update the anchor to the statement's \
                     current text",
                    note.line,
                    note.statements.join(" / "),
                    section.heading,
                    miss
                )),
            }
        }
    }
    for function in &functions {
        match function_text.get(function.name) {
            Some(text) => tour.functions.push(FunctionNote {
                name: function.name.to_owned(),
                start: function.start,
                end: function.end,
                text: text.clone(),
            }),
            None => problems.push(format!(
                "def {} (copy.py line {}) has no explanation: add a `## def {}` section{}",
                function.name,
                function.start,
                function.name,
                if is_baseline { String::new() } else { format!(" or a `### def` under `## variant {name}`") }
            )),
        }
    }
    if tour.intro.is_empty() {
        problems.push("no `## module` section: the tour has nothing to start with".to_owned());
    }
    if problems.is_empty() { Ok(tour) } else { Err(TourError { problems }) }
}

#[derive(Debug, Clone, Copy)]
enum Scope {
    /// Statements outside every function.
    Module,
    /// Statements within these lines.
    Lines(usize, usize),
    File,
}

#[derive(Debug)]
enum Miss {
    Absent,
    Ambiguous(usize),
}

impl fmt::Display for Miss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Absent => write!(f, "matches no statement"),
            Self::Ambiguous(count) => {
                write!(
                    f,
                    "matches {count} statements; put the statement before it first (`a` / `b`) to tell them apart"
                )
            }
        }
    }
}

/// The one statement of `scope` that is the last of `anchor`, with the ones before it in
/// `anchor` directly before it.
fn resolve<'a>(
    statements: &'a [Statement],
    functions: &[layout::CopyFunction<'_>],
    scope: Scope,
    anchor: &[String],
) -> Result<&'a Statement, Miss> {
    let in_scope: Vec<&Statement> = statements
        .iter()
        .filter(|s| match scope {
            Scope::Module => !functions.iter().any(|f| (f.start..=f.end).contains(&s.first)),
            Scope::Lines(start, end) => (start..=end).contains(&s.first),
            Scope::File => true,
        })
        .collect();
    let keys: Vec<String> = anchor.iter().map(|a| squeeze(a)).collect();
    let found: Vec<&Statement> = (keys.len().saturating_sub(1)..in_scope.len())
        .filter(|&end| {
            let start = end + 1 - keys.len();
            in_scope[start..=end].iter().zip(&keys).all(|(s, key)| &s.key() == key)
        })
        .map(|end| in_scope[end])
        .collect();
    match found.as_slice() {
        [one] => Ok(one),
        [] => Err(Miss::Absent),
        many => Err(Miss::Ambiguous(many.len())),
    }
}

// -- the explanations file ---------------------------------------------------------------

#[derive(Debug)]
enum Kind {
    Module,
    Def(String),
    Hot(String),
    Variant(String),
    Other,
}

#[derive(Debug)]
struct Section {
    kind: Kind,
    heading: String,
    /// 1-based line of the heading in the file.
    line: usize,
    text: Vec<String>,
    notes: Vec<RawNote>,
    /// `### def NAME` explanations (variant sections).
    defs: Vec<(String, Vec<String>)>,
}

#[derive(Debug)]
struct RawNote {
    line: usize,
    statements: Vec<String>,
    text: Vec<String>,
    probes: Vec<String>,
}

/// What a line of text belongs to while parsing.
enum Target {
    Section,
    Note,
    Def,
}

fn parse(data: &str) -> Vec<Section> {
    let mut sections: Vec<Section> = Vec::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut target = Target::Section;
    for (index, line) in data.lines().enumerate() {
        if let Some(heading) = line.strip_prefix("## ") {
            flush(&mut sections, &mut paragraph, &target);
            sections.push(Section {
                kind: kind_of(heading.trim()),
                heading: heading.trim().to_owned(),
                line: index + 1,
                text: Vec::new(),
                notes: Vec::new(),
                defs: Vec::new(),
            });
            target = Target::Section;
        } else if let Some(heading) = line.strip_prefix("### ") {
            flush(&mut sections, &mut paragraph, &target);
            let Some(section) = sections.last_mut() else { continue };
            let heading = heading.trim();
            if let Some(function) = heading.strip_prefix("def ") {
                section.defs.push((function.trim().to_owned(), Vec::new()));
                target = Target::Def;
            } else {
                let statements = heading
                    .split(" / ")
                    .map(|part| part.trim().trim_matches('`').to_owned())
                    .filter(|part| !part.is_empty())
                    .collect();
                section.notes.push(RawNote { line: index + 1, statements, text: Vec::new(), probes: Vec::new() });
                target = Target::Note;
            }
        } else if line.starts_with("# ") && sections.is_empty() {
            // The file's own title, for people reading it.
        } else if let Some(names) = line.strip_prefix("probes:") {
            if let Some(note) = sections.last_mut().and_then(|s| s.notes.last_mut()) {
                note.probes.extend(names.split(',').map(|n| n.trim().to_owned()).filter(|n| !n.is_empty()));
            }
        } else if line.trim().is_empty() {
            flush(&mut sections, &mut paragraph, &target);
        } else {
            paragraph.push(line.trim());
        }
    }
    flush(&mut sections, &mut paragraph, &target);
    sections
}

fn kind_of(heading: &str) -> Kind {
    let mut words = heading.split_whitespace();
    match (words.next(), words.next()) {
        (Some("module"), None) => Kind::Module,
        (Some("def"), Some(name)) => Kind::Def(name.to_owned()),
        (Some("hot"), Some(name)) => Kind::Hot(name.to_owned()),
        (Some("variant"), Some(name)) => Kind::Variant(name.to_owned()),
        _ => Kind::Other,
    }
}

/// Ends the paragraph being read and files it where it belongs.
fn flush(sections: &mut [Section], paragraph: &mut Vec<&str>, target: &Target) {
    if paragraph.is_empty() {
        return;
    }
    let text = paragraph.join(" ");
    paragraph.clear();
    let Some(section) = sections.last_mut() else { return };
    let into = match target {
        Target::Section => &mut section.text,
        Target::Note => match section.notes.last_mut() {
            Some(note) => &mut note.text,
            None => return,
        },
        Target::Def => match section.defs.last_mut() {
            Some((_, text)) => text,
            None => return,
        },
    };
    into.push(text);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{baseline, variants};

    #[test]
    fn every_anchor_matches_the_embedded_baseline_and_every_function_is_explained() {
        let tour = explain(baseline()).unwrap_or_else(|err| panic!("{err}"));
        let defs = layout::functions(baseline().source);
        assert_eq!(tour.functions.len(), defs.len());
        assert!(tour.functions.iter().all(|f| !f.text.is_empty()), "a function with an empty explanation");
        assert!(tour.changed_by_patch.is_empty());
        assert!(tour.variant.is_empty());
        // Each note sits on the statement its anchor names.
        for note in tour.notes.values().chain(tour.hot.values()) {
            let statement = tour.statement_at(note.first).unwrap();
            let last = note.anchor.rsplit(" / ").next().unwrap();
            assert_eq!(statement.key(), squeeze(last), "{note:?}");
            assert!(!note.text.is_empty(), "`{}` has no text", note.anchor);
        }
    }

    #[test]
    fn every_variant_has_its_section_and_every_function_explained() {
        for variant in &variants()[1..] {
            let tour = explain(variant).unwrap_or_else(|err| panic!("{}: {err}", variant.name));
            assert!(!tour.variant.is_empty(), "{} has no `## variant` section", variant.name);
            // A baseline note goes missing only in a part of copy.py the patch changed.
            let changed = variant.changed_lines();
            for (heading, anchor) in &tour.changed_by_patch {
                let touched = match heading.split_once(' ') {
                    Some((_, name)) => {
                        let function = tour.functions.iter().find(|f| f.name == name).unwrap();
                        changed.iter().any(|line| (function.start..=function.end).contains(line))
                    }
                    None => !changed.is_empty(),
                };
                assert!(
                    touched,
                    "{}: `{anchor}` (## {heading}) no longer matches, but the patch did not change it",
                    variant.name
                );
            }
        }
    }

    #[test]
    fn the_topics_the_issue_asks_for_are_covered() {
        let tour = explain(baseline()).unwrap();
        let text: String = tour
            .intro
            .iter()
            .chain(tour.functions.iter().flat_map(|f| &f.text))
            .chain(tour.notes.values().flat_map(|n| &n.text))
            .cloned()
            .collect::<Vec<_>>()
            .join(" ");
        for topic in
            ["id(", "_keep_alive", "_deepcopy_dispatch", "C array", "__deepcopy__", "__reduce_ex__(4)", "__reduce__"]
        {
            assert!(text.contains(topic), "no explanation mentions `{topic}`");
        }
        let note = |code: &str| tour.notes.values().find(|n| n.anchor.ends_with(code)).map(|n| n.text.join(" "));
        assert!(note("return memo[id(x)]").is_some_and(|t| t.contains("after")), "tuples' late memo check");
        assert!(note("rv = reductor(4)").is_some_and(|t| t.contains("state")), "the reduce tuple's items");
    }

    #[test]
    fn a_changed_statement_fails_naming_the_anchor_and_a_new_function_fails_naming_it() {
        let source = baseline().source.replace("        memo[d] = y\n", "        memo[d] = y_copy\n");
        let err = explain_source(&source, "baseline", EXPLANATIONS).unwrap_err();
        assert!(
            err.problems.iter().any(|p| p.contains("`memo[d] = y`") && p.contains("matches no statement")),
            "{err}"
        );

        let source = format!("{}\ndef _new_helper(x):\n    return x\n", baseline().source);
        let err = explain_source(&source, "baseline", EXPLANATIONS).unwrap_err();
        assert_eq!(err.problems.len(), 1, "{err}");
        assert!(err.problems[0].contains("def _new_helper") && err.problems[0].contains("no explanation"), "{err}");
    }

    #[test]
    fn anchors_tell_repeated_statements_apart_by_the_one_before() {
        let data = "## module\nIntro.\n## def f\nF.\n### `y = x`\nAmbiguous.\n### `if b:` / `y = x`\nThe second.\n";
        let source = "def f(a, b):\n    y = x\n    if b:\n        y = x\n";
        let err = explain_source(source, "baseline", data).unwrap_err();
        assert_eq!(err.problems.len(), 1, "{err}");
        assert!(err.problems[0].contains("matches 2 statements"), "{err}");
        let tour = explain_source(source, "baseline", &data.replace("### `y = x`\nAmbiguous.\n", "")).unwrap();
        assert_eq!(tour.notes.keys().copied().collect::<Vec<_>>(), [4]);
        assert_eq!(tour.notes[&4].text, ["The second."]);
    }
}
