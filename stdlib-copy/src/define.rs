//! Tunable module-level constants and `--define NAME=VALUE` overrides.
//!
//! A variant declares a constant tunable by ending its line with a `# copylab: tunable`
//! comment, e.g. `_FASTPATH_MAX = 5  # copylab: tunable; fastpath: ...`. An override rewrites
//! the value in the source before it is compiled, so it takes effect however the variant
//! reads the constant (global lookup, default argument, closure).

use std::str::FromStr;

use crate::error::DefineError;

const TUNABLE_MARKER: &str = "# copylab: tunable";

/// A constant a copy.py declares as tunable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tunable {
    pub name: String,
    /// The value as written in the source.
    pub default: String,
    /// 1-based line number in the source.
    pub line: usize,
}

/// The tunables declared in `source`, in source order.
#[must_use]
pub fn tunables(source: &str) -> Vec<Tunable> {
    source
        .lines()
        .enumerate()
        .filter_map(|(index, line)| {
            let (name, value) = parse_tunable_line(line)?;
            Some(Tunable { name: name.to_owned(), default: value.to_owned(), line: index + 1 })
        })
        .collect()
}

/// `NAME = VALUE  # copylab: tunable...` at module level (no indentation).
fn parse_tunable_line(line: &str) -> Option<(&str, &str)> {
    let (code, comment) = line.split_once('#')?;
    if !format!("#{comment}").starts_with(TUNABLE_MARKER) {
        return None;
    }
    let (name, value) = code.split_once('=')?;
    let name = name.trim_end();
    (is_identifier(name) && !line.starts_with(char::is_whitespace)).then_some((name, value.trim()))
}

/// A parsed `--define NAME=VALUE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Define {
    pub name: String,
    /// A Python literal, exactly as the user wrote it.
    pub value: String,
}

/// `NAME=VALUE` split and checked the one way every copylab command checks it: both sides
/// trimmed and non-empty, NAME a Python identifier. What VALUE may be is the caller's rule (a
/// Python literal for `--define`, a list of them for a sweep).
pub fn split_name_value(given: &str) -> Result<(&str, &str), DefineError> {
    let Some((name, value)) = given.split_once('=') else {
        return Err(DefineError::Syntax { given: given.to_owned() });
    };
    let (name, value) = (name.trim(), value.trim());
    if name.is_empty() || value.is_empty() {
        return Err(DefineError::Syntax { given: given.to_owned() });
    }
    if !is_identifier(name) {
        return Err(DefineError::BadName { given: given.to_owned(), name: name.to_owned() });
    }
    Ok((name, value))
}

impl FromStr for Define {
    type Err = DefineError;

    fn from_str(given: &str) -> Result<Self, Self::Err> {
        let (name, value) = split_name_value(given)?;
        if !is_python_literal(value) {
            return Err(DefineError::BadValue { given: given.to_owned() });
        }
        Ok(Self { name: name.to_owned(), value: value.to_owned() })
    }
}

impl std::fmt::Display for Define {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

/// Rewrites the tunable lines of `source` named by `defines`. `copy` names the file in errors.
pub(crate) fn apply_defines(source: &str, defines: &[Define], copy: &str) -> Result<String, DefineError> {
    for (index, define) in defines.iter().enumerate() {
        if defines[..index].iter().any(|earlier| earlier.name == define.name) {
            return Err(DefineError::Duplicate { name: define.name.clone() });
        }
    }
    let declared = tunables(source);
    if let Some(unknown) = defines.iter().find(|d| !declared.iter().any(|t| t.name == d.name)) {
        let valid = declared.iter().map(|t| t.name.as_str()).collect::<Vec<_>>().join(", ");
        return Err(DefineError::UnknownConstant {
            name: unknown.name.clone(),
            copy: copy.to_owned(),
            valid: if valid.is_empty() { "(none)".to_owned() } else { valid },
        });
    }
    let mut out = String::with_capacity(source.len());
    for line in source.split_inclusive('\n') {
        let define = parse_tunable_line(line).and_then(|(name, _)| defines.iter().find(|d| d.name == name));
        match define {
            Some(define) => {
                let comment = &line[line.find('#').unwrap_or(line.len())..];
                out.push_str(&format!("{} = {}  {}", define.name, define.value, comment));
            }
            None => out.push_str(line),
        }
    }
    Ok(out)
}

fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric())
}

/// Int, float (with optional sign, `_` separators and exponent), True/False/None, or a
/// single- or double-quoted string without a newline or an unescaped closing quote.
fn is_python_literal(value: &str) -> bool {
    if matches!(value, "True" | "False" | "None") {
        return true;
    }
    if let Some(quote @ ('"' | '\'')) = value.chars().next() {
        let inner = &value[1..];
        let Some(body) = inner.strip_suffix(quote) else { return false };
        let mut escaped = false;
        return body.chars().all(|c| {
            let ok = c != '\n' && (escaped || c != quote);
            escaped = !escaped && c == '\\';
            ok
        }) && !escaped;
    }
    let digits = value.strip_prefix(['-', '+']).unwrap_or(value).replace('_', "");
    !digits.is_empty()
        && digits.chars().next().is_some_and(|c| c.is_ascii_digit() || c == '.')
        && digits.parse::<f64>().is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = "import sys\n_LIMIT = 5  # copylab: tunable; test: a knob\n_OTHER = 1\n\
                          def f():\n    _INNER = 2  # copylab: tunable; not module level\n";

    #[test]
    fn finds_only_module_level_marked_constants() {
        let found = tunables(SOURCE);
        assert_eq!(found, vec![Tunable { name: "_LIMIT".into(), default: "5".into(), line: 2 }]);
    }

    #[test]
    fn rewrites_the_value_and_keeps_the_comment() {
        let define: Define = "_LIMIT=100".parse().unwrap();
        let out = apply_defines(SOURCE, &[define], "test").unwrap();
        assert!(out.contains("_LIMIT = 100  # copylab: tunable; test: a knob\n"), "{out}");
        assert_eq!(out.lines().count(), SOURCE.lines().count());
        assert!(out.contains("_OTHER = 1\n"));
    }

    #[test]
    fn rejects_constants_the_source_does_not_declare() {
        let err = apply_defines(SOURCE, &["_OTHER=3".parse().unwrap()], "variant x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "--define _OTHER: variant x declares no tunable constant `_OTHER`; its tunables: _LIMIT"
        );
        let err = apply_defines("x = 1\n", &["_LIMIT=3".parse().unwrap()], "variant y").unwrap_err();
        assert!(err.to_string().ends_with("its tunables: (none)"), "{err}");
    }

    #[test]
    fn rejects_duplicates() {
        let defines = ["_LIMIT=1".parse().unwrap(), "_LIMIT=2".parse().unwrap()];
        assert_eq!(apply_defines(SOURCE, &defines, "t"), Err(DefineError::Duplicate { name: "_LIMIT".into() }));
    }

    #[test]
    fn parses_literals_and_rejects_the_rest() {
        for ok in ["A=1", "A=-3", "A=1_000", "A=2.5", "A=1e3", "A=True", "A=None", "A='x'", "A=\"a\\\"b\""] {
            assert!(ok.parse::<Define>().is_ok(), "{ok} should parse");
        }
        for bad in ["A", "=1", "A=", "1A=2", "A=1; import os", "A=foo", "A='x", "A=[1]", "A=inf"] {
            assert!(bad.parse::<Define>().is_err(), "{bad} should be rejected");
        }
        assert!(matches!("A".parse::<Define>(), Err(DefineError::Syntax { .. })));
        assert!(matches!("A-B=1".parse::<Define>(), Err(DefineError::BadName { .. })));
        assert!(matches!("A=x".parse::<Define>(), Err(DefineError::BadValue { .. })));
    }
}
