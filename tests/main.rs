//! The CLI's integration tests, one binary with a module per feature (as ripgrep lays them
//! out): every test runs the built `copylab` binary, and one binary links RustPython once.

mod common;

mod bench;
mod conformance;
mod copy_selection;
mod decimal;
mod differential;
mod fork;
mod hostile;
mod inspect;
mod memo_cam;
mod native_variant;
mod pip_install;
mod profile;
mod python;
mod report;
mod run;
mod threads;
mod tour;
mod trace;
mod variants;
