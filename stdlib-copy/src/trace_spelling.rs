//! What a patch tells the step tracer (`copylab trace`): the lines it changed, and how it
//! spells steps of copy.py that the baseline spells differently.
//!
//! The tracer's rules (vm-patches/python/step_tracer.py) are written in the baseline's
//! spelling only. Every variant spelling of a step is declared here, beside the patches, and a
//! test checks that each entry is a statement its patch changed, so renaming something in a
//! patch fails a test instead of silently dropping a step from traces. Statements are written
//! as code without comments; the tracer compares them token by token.

use crate::registry::Variant;

/// A statement a patch changed, and the tracer rule (and call-site role) it stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceSpelling {
    /// The variants whose patch has this statement.
    pub variants: &'static [&'static str],
    pub statement: &'static str,
    /// The name of a rule in step_tracer.py's `RULES`.
    pub rule: &'static str,
    /// The role of the object a call in this statement copies (`reduce arg`), if any.
    pub role: Option<&'static str>,
}

const fn spelling(variants: &'static [&'static str], statement: &'static str, rule: &'static str) -> TraceSpelling {
    TraceSpelling { variants, statement, rule, role: None }
}

const SPELLINGS: &[TraceSpelling] = &[
    spelling(&["binding"], "copier = _deepcopy_dispatch_get(cls)", "dispatch"),
    spelling(&["binding"], "reductor = _dispatch_table_get(cls)", "copyreg"),
    spelling(&["binding"], "memo[_id(x)] = y", "memo_store"),
    spelling(&["binding"], "return memo[_id(x)]", "tuple_memo_hit"),
    spelling(&["binding"], "append(item)", "append_item"),
    spelling(&["memo", "merged"], "return memo[d]", "tuple_memo_hit"),
    spelling(&["memo", "merged"], "keep.append(x)", "keep_alive_inline_append"),
    spelling(&["fastpath", "merged"], "y = _reconstruct_fast(x, memo, d, rv)", "reconstruct_call"),
    spelling(&["fastpath", "merged"], "y = args[0].__new__(*args)", "construct"),
    TraceSpelling {
        variants: &["fastpath", "merged"],
        statement: "copied.append(a if type(a) in _atomic_types else deepcopy(a, memo))",
        rule: "atomic_arg",
        role: Some("reduce arg"),
    },
];

impl Variant {
    /// The variant's own spellings of copy.py's steps (none for the baseline).
    #[must_use]
    pub fn trace_spellings(&self) -> Vec<&'static TraceSpelling> {
        SPELLINGS.iter().filter(|s| s.variants.contains(&self.name)).collect()
    }

    /// The 1-based lines of the variant's source that its patch added or changed, in order.
    #[must_use]
    pub fn changed_lines(&self) -> Vec<usize> {
        let Some(patch) = self.patch else { return Vec::new() };
        let patch = diffy::Patch::from_str(patch).expect("the build script applied this patch, so it parses");
        let mut changed = Vec::new();
        for hunk in patch.hunks() {
            let mut line = hunk.new_range().start();
            for hunk_line in hunk.lines() {
                match hunk_line {
                    diffy::Line::Context(_) => line += 1,
                    diffy::Line::Insert(_) => {
                        changed.push(line);
                        line += 1;
                    }
                    diffy::Line::Delete(_) => {}
                }
            }
        }
        changed
    }
}

#[cfg(test)]
mod tests {
    use crate::{find, variants};

    /// Code without its comment, with runs of white space as one space.
    fn code(line: &str) -> String {
        let code = line.split('#').next().unwrap_or_default();
        code.split_whitespace().collect::<Vec<_>>().join(" ")
    }

    /// The code of the variant's changed lines, consecutive lines joined (a statement may
    /// span lines), so an entry can be looked up as a substring.
    fn changed_code(name: &str) -> String {
        let variant = find(name).unwrap();
        let lines: Vec<&str> = variant.source.lines().collect();
        variant.changed_lines().iter().map(|&line| code(lines[line - 1])).collect::<Vec<_>>().join(" ")
    }

    #[test]
    fn every_spelling_is_a_statement_its_variants_patches_changed() {
        for variant in variants() {
            let changed = changed_code(variant.name);
            for spelling in variant.trace_spellings() {
                let statement = code(spelling.statement).replace("( ", "(");
                assert!(
                    changed.replace("( ", "(").contains(&statement),
                    "{}: `{}` is not a changed statement of the patch; update stdlib-copy/src/trace_spelling.rs",
                    variant.name,
                    spelling.statement
                );
            }
        }
    }

    #[test]
    fn changed_lines_point_at_the_patched_code() {
        assert!(find("baseline").unwrap().changed_lines().is_empty());
        let binding = find("binding").unwrap();
        let lines: Vec<&str> = binding.source.lines().collect();
        let changed = binding.changed_lines();
        assert!(
            changed.iter().any(|&line| lines[line - 1].contains("copier = _deepcopy_dispatch_get(cls)")),
            "{changed:?}"
        );
        // One changed line per `+` line of the patch, each holding that line's text.
        let added: Vec<&str> = binding
            .patch
            .unwrap()
            .lines()
            .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
            .map(|l| &l[1..])
            .collect();
        assert_eq!(changed.len(), added.len());
        for (line, text) in changed.iter().zip(added) {
            assert_eq!(lines[line - 1], text);
        }
    }
}
