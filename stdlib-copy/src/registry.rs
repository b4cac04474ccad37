//! The variants copylab knows by name: the baseline plus one entry per patch.

use std::sync::OnceLock;

use crate::error::UnknownVariant;

include!(concat!(env!("OUT_DIR"), "/patched.rs"));

/// One entry of the build script's table: a patch and the source it produced.
struct PatchedSource {
    name: &'static str,
    patch: &'static str,
    source: &'static str,
}

/// The one-line description of each variant, in the order `copylab variants` lists them.
/// A patch without a line here (or a line without a patch) fails the registry's tests.
const SUMMARIES: &[(&str, &str)] = &[
    ("baseline", "unmodified copy.py from rustpython-pylib (CPython 3.14's)"),
    ("binding", "hot global and attribute lookups bound to locals"),
    ("fastpath", "fast path through __reduce_ex__ results for common shapes"),
    ("memo", "no memo traffic for objects that are their own copy"),
    ("merged", "memo + fastpath together"),
    ("native", "deepcopy in Rust inside the VM, copy.py's code as the fallback"),
];

/// The variants whose copy.py hands `deepcopy` to copylab's native (Rust) code, whose lines
/// no line profile or trace of copy.py can see.
const NATIVE: &[&str] = &["native"];

/// The line the native patch adds; a user's own copy.py that has it runs natively too.
pub(crate) const NATIVE_IMPORT: &str = "from _copylab import native_deepcopy";

/// A copy.py variant: its name, what it does, and its source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Variant {
    pub name: &'static str,
    pub summary: &'static str,
    /// The unified diff against the baseline; `None` for the baseline itself.
    pub patch: Option<&'static str>,
    pub source: &'static str,
    /// Whether `deepcopy` runs in Rust under this variant (see [`NATIVE`]).
    pub native: bool,
}

impl Variant {
    /// The filename the interpreter reports for this variant's code (`copy.__file__`,
    /// tracebacks, tracing), so a user always sees which copy.py ran.
    #[must_use]
    pub fn origin(&self) -> String {
        format!("<copylab:{}>/copy.py", self.name)
    }
}

/// Every registered variant with a source, the baseline first.
pub fn variants() -> &'static [Variant] {
    static ALL: OnceLock<Vec<Variant>> = OnceLock::new();
    ALL.get_or_init(|| {
        SUMMARIES
            .iter()
            .filter_map(|&(name, summary)| {
                if name == "baseline" {
                    return Some(Variant { name, summary, patch: None, source: BASELINE_SOURCE, native: false });
                }
                let patched = PATCHED.iter().find(|p| p.name == name)?;
                let native = NATIVE.contains(&name);
                Some(Variant { name, summary, patch: Some(patched.patch), source: patched.source, native })
            })
            .collect()
    })
}

/// The unmodified copy.py.
pub fn baseline() -> &'static Variant {
    &variants()[0]
}

/// Looks a variant up by name.
pub fn find(name: &str) -> Result<&'static Variant, UnknownVariant> {
    variants().iter().find(|v| v.name == name).ok_or_else(|| UnknownVariant {
        name: name.to_owned(),
        valid: variants().iter().map(|v| v.name).collect::<Vec<_>>().join(", "),
    })
}

/// Where the build read the baseline from (inside the cargo registry).
#[must_use]
pub fn upstream_path() -> &'static str {
    UPSTREAM_PATH
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_variants_are_exactly_those_with_the_native_import() {
        for variant in variants() {
            assert_eq!(variant.native, variant.source.contains(NATIVE_IMPORT), "{}", variant.name);
        }
        assert!(find("native").unwrap().native);
    }

    #[test]
    fn every_patch_has_a_summary_and_every_summary_a_source() {
        for patched in PATCHED {
            assert!(
                SUMMARIES.iter().any(|(name, _)| *name == patched.name),
                "patches/{}.patch has no line in SUMMARIES",
                patched.name
            );
        }
        let listed: Vec<_> = variants().iter().map(|v| v.name).collect();
        let expected: Vec<_> = SUMMARIES
            .iter()
            .map(|(name, _)| *name)
            .filter(|name| *name == "baseline" || PATCHED.iter().any(|p| p.name == *name))
            .collect();
        assert_eq!(listed, expected);
    }

    #[test]
    fn baseline_is_first_and_unpatched() {
        let base = baseline();
        assert_eq!(base.name, "baseline");
        assert!(base.patch.is_none());
        assert!(base.source.contains("def deepcopy(x, memo=None, _nil=[]):"));
    }

    #[test]
    fn unknown_variant_lists_the_valid_ones() {
        let err = find("turbo").unwrap_err();
        assert_eq!(err.name, "turbo");
        assert!(err.to_string().contains("baseline"), "{err}");
    }

    #[test]
    fn patched_variants_differ_from_baseline() {
        for variant in &variants()[1..] {
            assert_ne!(variant.source, baseline().source, "{} changes nothing", variant.name);
        }
    }
}
