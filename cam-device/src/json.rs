//! JSON text with the separators of Python's `json.dumps` (`", "` and `": "`), so the reports
//! read the same as the JSON their Python-side users print. serde_json does the encoding
//! (non-finite floats become `null`); this only spaces it.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

struct PythonSpacing;

impl Formatter for PythonSpacing {
    fn begin_array_value<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_key<W: ?Sized + io::Write>(&mut self, writer: &mut W, first: bool) -> io::Result<()> {
        if first { Ok(()) } else { writer.write_all(b", ") }
    }

    fn begin_object_value<W: ?Sized + io::Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }
}

/// `value` as one line of JSON, spaced as Python's `json.dumps` spaces it.
pub fn json_text(value: &impl Serialize) -> String {
    let mut out = Vec::new();
    value
        .serialize(&mut serde_json::Serializer::with_formatter(&mut out, PythonSpacing))
        .expect("reports hold only numbers, strings and maps");
    String::from_utf8(out).expect("serde_json writes UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spaces_like_python_and_writes_null_for_non_finite() {
        let value = serde_json::json!({"a": 3, "b": [0.5, f64::INFINITY], "c": null});
        assert_eq!(json_text(&value), r#"{"a": 3, "b": [0.5, null], "c": null}"#);
    }
}
