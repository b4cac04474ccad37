//! The `copylab` command line. Parsing lives in `cli`, each subcommand in `commands`, and
//! every library error becomes a message and an exit status in `error`.

mod cli;
mod commands;
mod error;
mod fork;
mod output;
mod render;

use std::process::ExitCode;

use clap::Parser as _;

/// Counts allocations so bench workers can report them per deepcopy.
#[global_allocator]
static ALLOCATOR: copylab_vm::alloc::CountingAllocator = copylab_vm::alloc::CountingAllocator;

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match commands::dispatch(cli) {
        Ok(status) => ExitCode::from(status),
        Err(err) => {
            eprintln!("copylab: error: {err}");
            ExitCode::from(err.exit_code())
        }
    }
}
