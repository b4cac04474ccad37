//! Python's own `copy.py` as copylab runs it.
//!
//! * The **baseline** is byte for byte the `Lib/copy.py` shipped in the `rustpython-pylib`
//!   dependency (CPython 3.14's). The build script reads it from there; it is never kept in
//!   this repository.
//! * Every other **variant** is a unified diff in `patches/NAME.patch`, applied to the baseline
//!   at build time. A patch that stops applying fails the build.
//! * A [`CopySource`] is what the interpreter host installs as the module `copy`: a variant, or
//!   a user's own file (`--copy-py`), optionally with tunable constants overridden
//!   (`--define NAME=VALUE`).
//! * [`tour`] explains copy.py line by line from `tour/explanations.md`, anchored by statement.

mod define;
mod digest;
mod error;
pub mod layout;
mod registry;
mod source;
pub mod tour;
mod trace_spelling;

pub use define::{Define, Tunable, split_name_value, tunables};
pub use digest::sha256_hex;
pub use error::{CopySourceError, DefineError, UnknownVariant};
pub use registry::{Variant, baseline, find, upstream_path, variants};
pub use source::CopySource;
pub use trace_spelling::TraceSpelling;
