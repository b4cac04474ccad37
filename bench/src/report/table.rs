//! Aligned plain-text tables with optional ANSI colour, for terminal output.

/// ANSI styles used in reports.
pub(crate) mod style {
    pub(crate) const BOLD: &str = "1";
    pub(crate) const DIM: &str = "2";
    pub(crate) const GREEN: &str = "32";
    pub(crate) const RED: &str = "31";
    pub(crate) const YELLOW: &str = "33";
}

/// Wraps `text` in an ANSI style when colour is on.
pub(crate) fn paint(text: &str, style: Option<&str>, color: bool) -> String {
    match style {
        Some(code) if color => format!("\x1b[{code}m{text}\x1b[0m"),
        _ => text.to_string(),
    }
}

#[derive(Clone, Debug)]
pub(crate) struct Cell {
    pub(crate) text: String,
    pub(crate) style: Option<&'static str>,
}

impl Cell {
    pub(crate) fn plain(text: impl Into<String>) -> Cell {
        Cell { text: text.into(), style: None }
    }

    pub(crate) fn styled(text: impl Into<String>, style: &'static str) -> Cell {
        Cell { text: text.into(), style: Some(style) }
    }
}

pub(crate) struct TextTable {
    pub(crate) headers: Vec<String>,
    /// Right-align this column (numbers).
    pub(crate) right: Vec<bool>,
    pub(crate) rows: Vec<Vec<Cell>>,
}

impl TextTable {
    /// Lines of the table, each prefixed with `indent`. Widths are measured on
    /// the plain text so colour codes do not break the alignment.
    pub(crate) fn render(&self, indent: &str, color: bool) -> Vec<String> {
        let mut widths: Vec<usize> = self.headers.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (width, cell) in widths.iter_mut().zip(row) {
                *width = (*width).max(cell.text.chars().count());
            }
        }
        let line = |cells: Vec<(String, Option<&str>)>| {
            let parts: Vec<String> = cells
                .into_iter()
                .enumerate()
                .map(|(i, (text, style))| {
                    let pad = " ".repeat(widths[i] - text.chars().count());
                    let painted = paint(&text, style, color);
                    if self.right.get(i).copied().unwrap_or(false) {
                        format!("{pad}{painted}")
                    } else {
                        format!("{painted}{pad}")
                    }
                })
                .collect();
            format!("{indent}{}", parts.join("  ").trim_end())
        };
        let mut lines = vec![line(self.headers.iter().map(|h| (h.clone(), Some(style::BOLD))).collect())];
        for row in &self.rows {
            lines.push(line(row.iter().map(|c| (c.text.clone(), c.style)).collect()));
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_align_with_and_without_colour() {
        let table = TextTable {
            headers: vec!["Arm".into(), "Mean".into()],
            right: vec![false, true],
            rows: vec![
                vec![Cell::plain("baseline"), Cell::plain("2.81 ms")],
                vec![Cell::styled("fast", style::GREEN), Cell::plain("26.3 us")],
            ],
        };
        let plain = table.render("  ", false);
        assert_eq!(plain, ["  Arm          Mean", "  baseline  2.81 ms", "  fast      26.3 us"]);
        let coloured = table.render("", true);
        assert!(coloured[2].starts_with("\x1b[32mfast\x1b[0m    "));
    }
}
