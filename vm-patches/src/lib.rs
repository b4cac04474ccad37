//! What copylab adds to RustPython, and the one place an interpreter is built.
//!
//! [`Host`] builds a RustPython interpreter with the frozen stdlib, copylab's native module
//! `_copylab`, and an import hook that serves the selected copy.py ([`CopySource`]) as the
//! module `copy`, so `import copy` anywhere (user code, `dataclasses`, `unittest`) gets that
//! variant and `copy.__file__` names it.
//!
//! [`CopySource`]: copylab_stdlib_copy::CopySource

pub mod alloc;
pub mod cam_memo;
pub mod command_line;
mod copylab_module;
mod dis_ast;
mod error;
mod exception;
mod host;
mod hot_probes;
mod import_hook;
mod lean_thread;
mod native_copy;
mod profile;
mod program;
mod pylib_patches;
mod python_helper;
mod stack;
mod trace;
mod workload;

pub use command_line::{CommandLine, CommandLineError, InterpreterFlags, Invocation, MainProgram};
pub use dis_ast::{AstOptions, DisTarget};
pub use error::{HostError, ProgramError};
pub use host::{Finished, Host, HostConfig, MemoBackend};
pub use hot_probes::Probe;
pub use profile::{LineStat, Profile, ProfileTarget, Timing};
pub use program::Program;
pub use stack::on_interpreter_stack;
pub use trace::{TraceError, TraceOptions, TraceOutput, TraceTarget};
