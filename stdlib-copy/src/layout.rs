//! The shape of a copy.py source: its top-level functions and its statements (logical lines),
//! found from the text alone, so the profile report and the tour agree on where each function
//! starts and ends and which physical lines make up one statement.

/// A top-level `def` of copy.py: its name and 1-based line range (trailing blank lines left
/// out).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CopyFunction<'a> {
    pub name: &'a str,
    pub start: usize,
    pub end: usize,
}

/// copy.py's top-level functions: from `def` to the last line before the next top-level
/// statement, trailing blank lines left out.
#[must_use]
pub fn functions(source: &str) -> Vec<CopyFunction<'_>> {
    let lines: Vec<&str> = source.lines().collect();
    let mut found = Vec::new();
    let top_level = |text: &str| !text.is_empty() && !text.starts_with([' ', '\t', '#', ')']);
    for (index, text) in lines.iter().enumerate() {
        let Some(rest) = text.strip_prefix("def ") else { continue };
        let name = rest.split('(').next().unwrap_or(rest).trim();
        let mut end = index;
        for (next, later) in lines.iter().enumerate().skip(index + 1) {
            if top_level(later) {
                break;
            }
            if !later.trim().is_empty() {
                end = next;
            }
        }
        found.push(CopyFunction { name, start: index + 1, end: end + 1 });
    }
    found
}

/// One logical line of Python: the physical lines it spans and its code without comments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Statement {
    /// 1-based first and last physical line.
    pub first: usize,
    pub last: usize,
    /// Leading spaces of the first line.
    pub indent: usize,
    /// The code as written, comments stripped, each run of white space one space.
    pub code: String,
}

impl Statement {
    /// The code with every white space character removed: how anchors are compared, so
    /// `memo[id(memo)]=[x]` and `memo[id(memo)] = [x]` are the same statement.
    #[must_use]
    pub fn key(&self) -> String {
        squeeze(&self.code)
    }
}

/// `code` with all white space removed.
#[must_use]
pub fn squeeze(code: &str) -> String {
    code.chars().filter(|c| !c.is_whitespace()).collect()
}

/// The statements of `source` in order. Strings (triple-quoted ones across lines), brackets
/// and backslash continuations join physical lines; `#` outside a string starts a comment.
#[must_use]
pub fn statements(source: &str) -> Vec<Statement> {
    let mut found = Vec::new();
    let mut scanner = Scanner::default();
    let mut current: Option<(usize, usize, Vec<String>)> = None;
    for (index, line) in source.lines().enumerate() {
        let (code, continued) = scanner.code_of(line);
        let code = code.trim();
        if !code.is_empty() {
            let indent = line.len() - line.trim_start().len();
            current.get_or_insert_with(|| (index + 1, indent, Vec::new())).2.push(code.to_owned());
        }
        if scanner.depth <= 0 && scanner.string.is_none() && !continued {
            scanner.depth = 0;
            if let Some((first, indent, parts)) = current.take() {
                let code = parts.join(" ").split_whitespace().collect::<Vec<_>>().join(" ");
                found.push(Statement { first, last: index + 1, indent, code });
            }
        }
    }
    found
}

#[derive(Default)]
struct Scanner {
    depth: i32,
    /// The quote character and whether it is tripled, while inside a string.
    string: Option<(char, bool)>,
}

impl Scanner {
    /// The code of one physical line without its comment, and whether it ends in a
    /// backslash continuation.
    fn code_of(&mut self, line: &str) -> (String, bool) {
        let chars: Vec<char> = line.chars().collect();
        let mut code = String::new();
        let mut index = 0;
        while index < chars.len() {
            let c = chars[index];
            if let Some((quote, triple)) = self.string {
                code.push(c);
                index += 1;
                if c == '\\' {
                    if let Some(&escaped) = chars.get(index) {
                        code.push(escaped);
                        index += 1;
                    }
                } else if c == quote && (!triple || chars[index..].starts_with(&[quote, quote])) {
                    if triple {
                        code.push_str(&format!("{quote}{quote}"));
                        index += 2;
                    }
                    self.string = None;
                }
                continue;
            }
            match c {
                '#' => break,
                '"' | '\'' => {
                    let triple = chars[index..].starts_with(&[c, c, c]);
                    let width = if triple { 3 } else { 1 };
                    code.extend(std::iter::repeat_n(c, width));
                    index += width;
                    self.string = Some((c, triple));
                    continue;
                }
                '(' | '[' | '{' => self.depth += 1,
                ')' | ']' | '}' => self.depth -= 1,
                '\\' if index + 1 == chars.len() => return (code, true),
                _ => {}
            }
            code.push(c);
            index += 1;
        }
        // A one-quote string cannot span lines; only a triple-quoted one stays open.
        if matches!(self.string, Some((_, false))) {
            self.string = None;
        }
        (code, false)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statements_join_brackets_and_docstrings_and_drop_comments() {
        let source = "def f(x):\n    \"\"\"Doc\n    # not a comment\n    \"\"\"\n    y = g(x,\n          1)  # note\n    s = '#'\n    return y\n";
        let found = statements(source);
        let codes: Vec<(usize, usize, &str)> = found.iter().map(|s| (s.first, s.last, s.code.as_str())).collect();
        assert_eq!(
            codes,
            [
                (1, 1, "def f(x):"),
                (2, 4, "\"\"\"Doc # not a comment \"\"\""),
                (5, 6, "y = g(x, 1)"),
                (7, 7, "s = '#'"),
                (8, 8, "return y")
            ]
        );
        assert_eq!(found[2].indent, 4);
        assert_eq!(found[2].key(), "y=g(x,1)");
    }

    #[test]
    fn functions_of_the_baseline_end_before_the_next_top_level_statement() {
        let source = crate::baseline().source;
        let found = functions(source);
        let names: Vec<&str> = found.iter().map(|f| f.name).collect();
        assert!(names.starts_with(&["copy", "deepcopy", "_deepcopy_list"]), "{names:?}");
        let lines: Vec<&str> = source.lines().collect();
        let deepcopy = found[1];
        assert!(lines[deepcopy.start - 1].starts_with("def deepcopy("));
        assert_eq!(lines[deepcopy.end - 1].trim(), "return y");
    }
}
