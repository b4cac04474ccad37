//! Just enough JSON writing for flat reports: fixed identifier keys, numbers and nulls.
//! (serde is not a dependency of this crate.)

use std::fmt::Write as _;

pub(crate) struct JsonObject {
    text: String,
}

impl JsonObject {
    pub(crate) fn new() -> Self {
        Self { text: String::from("{") }
    }

    fn key(&mut self, key: &str) {
        if self.text.len() > 1 {
            self.text.push_str(", ");
        }
        // Keys are fixed identifiers chosen in this crate, so they need no escaping.
        let _ = write!(self.text, "\"{key}\": ");
    }

    pub(crate) fn uint(mut self, key: &str, value: u64) -> Self {
        self.key(key);
        let _ = write!(self.text, "{value}");
        self
    }

    /// JSON has no NaN or infinity; those become `null`.
    pub(crate) fn float(mut self, key: &str, value: f64) -> Self {
        self.key(key);
        if value.is_finite() {
            let _ = write!(self.text, "{value}");
        } else {
            self.text.push_str("null");
        }
        self
    }

    pub(crate) fn opt_float(self, key: &str, value: Option<f64>) -> Self {
        self.float(key, value.unwrap_or(f64::NAN))
    }

    pub(crate) fn finish(mut self) -> String {
        self.text.push('}');
        self.text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_flat_objects_with_null_for_non_finite() {
        let text = JsonObject::new()
            .uint("a", 3)
            .float("b", 0.5)
            .float("c", f64::INFINITY)
            .opt_float("d", None)
            .float("e", 2.0)
            .finish();
        assert_eq!(text, r#"{"a": 3, "b": 0.5, "c": null, "d": null, "e": 2}"#);
        assert_eq!(JsonObject::new().finish(), "{}");
    }
}
