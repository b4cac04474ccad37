//! What every tour prints (the static tour, the live one, `--why-hot`): copy.py lines with
//! notes beside them, and the three ways of writing that out: a terminal (colours on a tty,
//! plain when piped), Markdown for a report, self-contained HTML for a slide.

use std::fmt::Write as _;

#[derive(Debug, Clone)]
pub(crate) enum Block {
    Title(String),
    Heading(String),
    Para(String),
    /// A function's explanation, shown before its `def` line.
    Function {
        name: String,
        start: usize,
        end: usize,
        text: Vec<String>,
    },
    Code(CodeRow),
}

/// A line of copy.py and the notes beside it; with no `line`, a row of notes alone (a step
/// that ran no copy.py line, such as the outermost call).
#[derive(Debug, Clone, Default)]
pub(crate) struct CodeRow {
    pub(crate) line: Option<usize>,
    pub(crate) text: String,
    /// The variant's patch changed this line.
    pub(crate) changed: bool,
    pub(crate) notes: Vec<Note>,
}

#[derive(Debug, Clone)]
pub(crate) struct Note {
    pub(crate) kind: NoteKind,
    pub(crate) text: String,
    /// Columns to indent a terminal note by (the code's indentation, a step's depth).
    pub(crate) indent: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum NoteKind {
    /// A plain-language explanation.
    Explain,
    /// A value from the user's own run.
    Live,
    /// A figure measured just now.
    Measured,
    /// What an earlier investigation found (docs/vm-patches.md).
    Found,
}

impl NoteKind {
    fn label(self) -> &'static str {
        match self {
            Self::Explain => "",
            Self::Live => "live: ",
            Self::Measured => "measured now: ",
            Self::Found => "found before: ",
        }
    }

    fn css(self) -> &'static str {
        match self {
            Self::Explain => "explain",
            Self::Live => "live",
            Self::Measured => "measured",
            Self::Found => "found",
        }
    }

    fn ansi(self) -> &'static str {
        match self {
            Self::Explain => "36",
            Self::Live => "1;32",
            Self::Measured => "33",
            Self::Found => "35",
        }
    }
}

impl Note {
    pub(crate) fn new(kind: NoteKind, text: impl Into<String>, indent: usize) -> Self {
        Self { kind, text: text.into(), indent }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum Format {
    /// Text for a terminal
    Text,
    /// Markdown, for a report
    Markdown,
    /// One self-contained HTML page (no scripts, no network), for a slide
    Html,
}

/// Total width of terminal output.
const WIDTH: usize = 100;
/// The line-number gutter of terminal output: `*` marker, number, two spaces.
const GUTTER: usize = 7;

pub(crate) fn render(blocks: &[Block], format: Format, colour: bool) -> String {
    match format {
        Format::Text => text(blocks, colour),
        Format::Markdown => markdown(blocks),
        Format::Html => html(blocks),
    }
}

// -- terminal --------------------------------------------------------------------------------

struct Paint {
    on: bool,
}

impl Paint {
    fn paint(&self, code: &str, text: &str) -> String {
        if self.on && !text.is_empty() { format!("\x1b[{code}m{text}\x1b[0m") } else { text.to_owned() }
    }
}

fn text(blocks: &[Block], colour: bool) -> String {
    let paint = Paint { on: colour };
    let mut out = String::new();
    for block in blocks {
        match block {
            Block::Title(title) => {
                let _ = writeln!(out, "{}\n{}", paint.paint("1", title), "=".repeat(title.chars().count().min(WIDTH)));
            }
            Block::Heading(heading) => {
                let _ = writeln!(out, "\n{}", paint.paint("1;4", heading));
            }
            Block::Para(para) => {
                out.push('\n');
                for line in wrap(para, WIDTH) {
                    let _ = writeln!(out, "{line}");
                }
            }
            Block::Function { name, start, end, text } => {
                let banner = format!("== def {name} (lines {start}-{end}) ");
                let rule = "=".repeat(WIDTH.saturating_sub(banner.chars().count()));
                let _ = writeln!(out, "\n{}", paint.paint("1", &format!("{banner}{rule}")));
                for (index, para) in text.iter().enumerate() {
                    if index > 0 {
                        let _ = writeln!(out, "{}", paint.paint("36", "#"));
                    }
                    for line in wrap(para, WIDTH - 2) {
                        let _ = writeln!(out, "{}", paint.paint("36", &format!("# {line}")));
                    }
                }
            }
            Block::Code(row) => {
                if let Some(line) = row.line {
                    let marker = if row.changed { paint.paint("1;35", "*") } else { " ".to_owned() };
                    let code = format!("{marker}{}  {}", paint.paint("2", &format!("{line:>4}")), row.text);
                    let _ = writeln!(out, "{}", code.trim_end());
                }
                for (index, note) in row.notes.iter().enumerate() {
                    let indent = GUTTER + note.indent;
                    if index > 0
                        && row.notes[index - 1].kind == note.kind
                        && matches!(note.kind, NoteKind::Explain | NoteKind::Found)
                    {
                        // A paragraph break inside one explanation.
                        let _ = writeln!(out, "{}{}", " ".repeat(indent), paint.paint(note.kind.ansi(), "#"));
                    }
                    let width = WIDTH.saturating_sub(indent + 2).max(40);
                    let label = note.kind.label();
                    for (index, line) in wrap(&format!("{label}{}", note.text), width).iter().enumerate() {
                        let lead = if index == 0 { "# " } else { "#   " };
                        let body = paint.paint(note.kind.ansi(), &format!("{lead}{line}"));
                        let _ = writeln!(out, "{}{body}", " ".repeat(indent));
                    }
                }
            }
        }
    }
    out
}

/// `text` in lines of at most `width` characters, broken at spaces (a longer word stands alone).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut current = String::new();
    for word in text.split_whitespace() {
        if !current.is_empty() && current.chars().count() + 1 + word.chars().count() > width {
            lines.push(std::mem::take(&mut current));
        }
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(word);
    }
    if !current.is_empty() || lines.is_empty() {
        lines.push(current);
    }
    lines
}

// -- Markdown --------------------------------------------------------------------------------

fn markdown(blocks: &[Block]) -> String {
    let mut out = String::new();
    let mut in_code = false;
    let close = |out: &mut String, in_code: &mut bool| {
        if *in_code {
            out.push_str("```\n");
            *in_code = false;
        }
    };
    for block in blocks {
        match block {
            Block::Title(title) => {
                close(&mut out, &mut in_code);
                let _ = writeln!(out, "# {title}\n");
            }
            Block::Heading(heading) => {
                close(&mut out, &mut in_code);
                let _ = writeln!(out, "## {heading}\n");
            }
            Block::Para(para) => {
                close(&mut out, &mut in_code);
                let _ = writeln!(out, "{para}\n");
            }
            Block::Function { name, start, end, text } => {
                close(&mut out, &mut in_code);
                let _ = writeln!(out, "### `def {name}` (lines {start}-{end})\n");
                for para in text {
                    let _ = writeln!(out, "{para}\n");
                }
            }
            Block::Code(row) => {
                if let Some(line) = row.line {
                    if !in_code {
                        out.push_str("```python\n");
                        in_code = true;
                    }
                    let marker = if row.changed { "*" } else { " " };
                    let _ = writeln!(out, "{marker}{line:>4}  {}", row.text);
                }
                if !row.notes.is_empty() {
                    close(&mut out, &mut in_code);
                    for note in &row.notes {
                        let label = note.kind.label().trim_end();
                        if label.is_empty() {
                            let _ = writeln!(out, "> {}\n", note.text);
                        } else {
                            let _ = writeln!(out, "> **{label}** {}\n", note.text.trim_start());
                        }
                    }
                }
            }
        }
    }
    close(&mut out, &mut in_code);
    out
}

// -- HTML ------------------------------------------------------------------------------------

const STYLE: &str = "body{font-family:system-ui,sans-serif;margin:2em;color:#222;max-width:110em}\
table{border-collapse:collapse;width:100%}td{vertical-align:top;padding:0 .6em}\
td.n{color:#999;text-align:right;font-family:monospace;user-select:none}\
td.c{font-family:monospace;white-space:pre;border-right:1px solid #ddd;width:1%}\
td.e p{margin:.15em 0 .5em 0;max-width:60em}tr.changed td.c{background:#fdf1ff}\
tr.changed td.n::before{content:'*';color:#a0a}tr.fn td{padding-top:1.2em}\
tr.fn h3{margin:0;font-family:monospace}tr.fn p{max-width:70em}\
p.explain{color:#045}p.live{color:#060;font-family:monospace;white-space:pre-wrap}\
p.measured{color:#850}p.found{color:#606}code{background:#f3f3f3;padding:0 .2em}";

fn html(blocks: &[Block]) -> String {
    let title = blocks
        .iter()
        .find_map(|b| if let Block::Title(t) = b { Some(t.as_str()) } else { None })
        .unwrap_or("copylab tour");
    let mut out = format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        escape(&title.replace('`', ""))
    );
    let mut in_table = false;
    let close = |out: &mut String, in_table: &mut bool| {
        if *in_table {
            out.push_str("</table>\n");
            *in_table = false;
        }
    };
    let open = |out: &mut String, in_table: &mut bool| {
        if !*in_table {
            out.push_str("<table>\n");
            *in_table = true;
        }
    };
    for block in blocks {
        match block {
            Block::Title(title) => {
                close(&mut out, &mut in_table);
                let _ = writeln!(out, "<h1>{}</h1>", inline(title));
            }
            Block::Heading(heading) => {
                close(&mut out, &mut in_table);
                let _ = writeln!(out, "<h2>{}</h2>", inline(heading));
            }
            Block::Para(para) => {
                close(&mut out, &mut in_table);
                let _ = writeln!(out, "<p>{}</p>", inline(para));
            }
            Block::Function { name, start, end, text } => {
                open(&mut out, &mut in_table);
                let _ = write!(
                    out,
                    "<tr class=\"fn\" id=\"def-{name}\"><td colspan=\"3\"><h3>def {} <small>(lines {start}-{end})</small></h3>",
                    escape(name)
                );
                for para in text {
                    let _ = write!(out, "<p>{}</p>", inline(para));
                }
                out.push_str("</td></tr>\n");
            }
            Block::Code(row) => {
                open(&mut out, &mut in_table);
                let class = if row.changed { " class=\"changed\"" } else { "" };
                let number = row.line.map(|n| n.to_string()).unwrap_or_default();
                let _ = write!(
                    out,
                    "<tr{class}><td class=\"n\">{number}</td><td class=\"c\">{}</td><td class=\"e\">",
                    escape(&row.text)
                );
                for note in &row.notes {
                    let label = note.kind.label();
                    let label = if label.is_empty() { String::new() } else { format!("<b>{}</b>", escape(label)) };
                    let indent = if note.kind == NoteKind::Live { " ".repeat(note.indent) } else { String::new() };
                    let _ = write!(out, "<p class=\"{}\">{label}{indent}{}</p>", note.kind.css(), inline(&note.text));
                }
                out.push_str("</td></tr>\n");
            }
        }
    }
    close(&mut out, &mut in_table);
    out.push_str("</body>\n</html>\n");
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            _ => out.push(c),
        }
    }
    out
}

/// Escaped text with `backticked` spans as `<code>` and *starred* words as `<em>`.
fn inline(text: &str) -> String {
    escape(text)
        .split('`')
        .enumerate()
        .map(|(index, part)| if index % 2 == 1 { format!("<code>{part}</code>") } else { emphasis(part) })
        .collect()
}

/// `*word*` as `<em>word</em>`: a star that opens is followed by a letter, one that closes
/// follows one; any other star stays a star.
fn emphasis(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut index = 0;
    while index < chars.len() {
        let opens = chars[index] == '*' && chars.get(index + 1).is_some_and(|c| c.is_alphanumeric());
        let close =
            opens.then(|| (index + 2..chars.len()).find(|&end| chars[end] == '*' && chars[end - 1].is_alphanumeric()));
        match close.flatten() {
            Some(end) => {
                out.push_str("<em>");
                out.extend(&chars[index + 1..end]);
                out.push_str("</em>");
                index = end + 1;
            }
            None => {
                out.push(chars[index]);
                index += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<Block> {
        vec![
            Block::Title("Tour <of> copy.py".into()),
            Block::Function { name: "f".into(), start: 1, end: 2, text: vec!["Does `f` things.".into()] },
            Block::Code(CodeRow { line: Some(1), text: "def f(x):".into(), ..CodeRow::default() }),
            Block::Code(CodeRow {
                line: Some(2),
                text: "    return x".into(),
                changed: true,
                notes: vec![Note::new(NoteKind::Explain, "Gives `x` back.", 4), Note::new(NoteKind::Live, "x = 1", 4)],
            }),
        ]
    }

    #[test]
    fn text_puts_notes_under_their_line_and_colours_only_when_asked() {
        let plain = render(&sample(), Format::Text, false);
        assert!(!plain.contains('\x1b'), "{plain}");
        let lines: Vec<&str> = plain.lines().collect();
        let at = lines.iter().position(|l| l.ends_with("    return x")).unwrap();
        assert!(lines[at].starts_with("*   2  "), "{plain}");
        assert_eq!(lines[at + 1], format!("{}# Gives `x` back.", " ".repeat(GUTTER + 4)));
        assert!(lines[at + 2].trim_start().starts_with("# live: x = 1"), "{plain}");
        assert!(render(&sample(), Format::Text, true).contains("\x1b[36m# Gives"));
    }

    #[test]
    fn markdown_splits_code_blocks_at_notes_and_html_is_self_contained() {
        let md = render(&sample(), Format::Markdown, false);
        assert!(md.contains("```python\n    1  def f(x):\n*   2      return x\n```\n> Gives `x` back."), "{md}");
        assert!(md.contains("> **live:** x = 1"), "{md}");
        let page = render(&sample(), Format::Html, false);
        assert!(page.starts_with("<!DOCTYPE html>") && page.ends_with("</html>\n"));
        assert!(page.contains("<title>Tour &lt;of&gt; copy.py</title>"));
        assert!(page.contains("Gives <code>x</code> back."));
        assert_eq!(
            inline("a *deep* copy of `*rv`, marked * here"),
            "a <em>deep</em> copy of <code>*rv</code>, marked * here"
        );
        assert!(!page.contains("http") && !page.contains("<script") && !page.contains("<link"), "{page}");
    }

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        assert_eq!(wrap("aa bb cc", 5), ["aa bb", "cc"]);
        assert_eq!(wrap("", 5), [""]);
        assert_eq!(wrap("averyveryvery long", 5), ["averyveryvery", "long"]);
    }
}
