//! # copylab-bench: A/B benchmarks of copy.py variants, the pyperf way
//!
//! Everything of `copylab bench` that does not need the RustPython
//! interpreter: workloads, the timing driver, planning and scheduling of
//! worker processes, statistics, verdicts and reports.
//!
//! ## Method
//!
//! * **Timing happens in one place**, `python/driver.py` ([`DRIVER_PY`]), a
//!   pure-Python driver that runs unchanged under CPython and RustPython. One
//!   driver process (a *worker*) runs one workload for one [`Arm`] and prints
//!   one JSON line ([`WorkerOutput`]): the loops per value, warmups
//!   `[[loops, seconds per call], ...]`, values (seconds per call), peak RSS,
//!   and — under the copylab host, which provides `_copylab.alloc_counters()`
//!   — allocations and bytes of one extra, untimed call.
//!
//!   ```text
//!   driver.py --workload-file F --workload NAME (--loops N | --calibrate MIN_SECONDS)
//!             --values V --warmups W [--copy-py PATH] [--define NAME=VALUE ...]
//!   ```
//!
//! * **Many processes, few values each**, as pyperf: a fresh interpreter per
//!   worker averages over hash seeds, address layout and start-up state. The
//!   loops per value are calibrated once per (workload, arm) by doubling from
//!   1 until a value lasts `min_time` (recorded as a pyperf calibration run),
//!   then every worker of that pair uses them. [`Preset`] picks the effort.
//!
//! * **Arms are interleaved**: round *r* runs worker *r* of every arm, in
//!   order on even rounds and reversed on odd ones (A B B A ...), so drift of
//!   the machine hits all arms alike, and every compared pair has the same
//!   number of values. Jobs run one at a time, never in parallel.
//!
//! * **Verdicts as pyperf prints them**: mean ± sample std dev per arm, a
//!   two-sided Welch t-test at 95% against the baseline (the first arm), and
//!   `1.08x faster` / `1.03x slower` (changed mean / baseline mean, as
//!   `pyperf compare_to`) or `not significant`; a geometric mean of those
//!   ratios per arm across workloads; pyperf's stability warnings.
//!
//! ## Using it (the CLI's side)
//!
//! ```no_run
//! use copylab_bench::*;
//! # struct MyRustPythonLauncher;
//! # impl Launcher for MyRustPythonLauncher {
//! #     fn run(&self, job: &Job) -> Result<WorkerOutput, BenchError> { unimplemented!() }
//! # }
//! # fn main() -> Result<(), BenchError> {
//! let files = BenchFiles::materialize()?;
//! let workloads = select_workloads(files.builtin_workloads(), &[])?; // the trio
//! let arms = ["baseline", "fastpath"].map(|v| Arm::rustpython(v, "dict")).to_vec();
//! let plan = Plan::new(workloads, arms, Preset::Fast.settings())?;
//! let launcher = ByInterpreter { rustpython: MyRustPythonLauncher };
//! let results = run_plan(&plan, files.driver(), &launcher, &mut StderrProgress::new())?;
//! let report = Report::from_results(&results);
//! print!("{}", terminal::render(&report, TerminalOptions { color: false, memory: false }));
//! pyperf::write_per_arm(&results, std::path::Path::new("results"))?;
//! # Ok(()) }
//! ```
//!
//! A RustPython launcher builds its own command (e.g. `copylab worker
//! --variant V --memo M -- <driver> <Job::driver_args()>`) and hands it to
//! [`run_worker_command`], which reports failures like every other launcher.

mod arm;
mod error;
mod launcher;
mod plan;
pub mod plot;
mod progress;
pub mod pyperf;
pub mod report;
mod scheduler;
pub mod stats;
mod sweep;
pub mod units;
pub mod verdict;
mod workload;
mod write;

pub use arm::{Arm, DEFAULT_MEMO, Interpreter, STOCK_VM, parse_define};
pub use error::BenchError;
pub use launcher::{ByInterpreter, CPythonLauncher, Job, Launcher, Mode, WorkerOutput, run_worker_command};
pub use plan::{Plan, Preset, Settings, Step};
pub use progress::{Progress, SilentProgress, StderrProgress, progress_bar};
pub use report::runs::{ArmInfo, RunInfo, RunSet};
pub use report::terminal::{self, TerminalOptions};
pub use report::{GeometricMean, MemoryStats, Report, Row, Sample, Section, markdown};
pub use scheduler::{Cell, RunResults, run_plan};
pub use sweep::{Ratio, SweepSpec, SweepTable, parse_sweep};
pub use verdict::{Comparison, Verdict, Warning};
pub use workload::{
    ALL, BenchFiles, DEFAULT_SUITE, DRIVER_PY, Workload, builtin_workload_names, choose_workloads,
    scan_bench_functions, select_workloads, workloads_from_file,
};
pub use write::write_atomically;
