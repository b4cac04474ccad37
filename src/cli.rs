use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use copylab_stdlib_copy::{Define, Variant};

const ABOUT: &str = "Study and speed up Python's copy.deepcopy on an embedded RustPython";

#[derive(Debug, Parser)]
#[command(name = "copylab", version, about = ABOUT, propagate_version = true)]
#[command(after_help = "Examples:\n  \
    copylab run --variant baseline script.py\n  \
    copylab dis --function copy.deepcopy --variant baseline\n  \
    copylab variants diff fastpath\n  \
    copylab tour -c 'import copy; copy.deepcopy([1, [2]])'")]
pub(crate) struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Run Python with a chosen copy.py: a script, -c CODE, -m MODULE or - (stdin), as python does
    #[command(after_help = "copylab's own options come first; everything from the first python option or \
        the program on is CPython's command line. Programs see sys.executable as a launcher of copylab with \
        the same selection, so child interpreters (pyperf workers, subprocess, multiprocessing) get it too.\n\n\
        The stock binary has one thread (the lean build every benchmark runs on): a program that starts a \
        thread fails at that call, naming `--vm fork:threading`, RustPython with real threads.\n\n\
        Packages: sys.path is the script's directory, then PYTHONPATH, then the site-packages of the venv \
        in VIRTUAL_ENV (an activated venv), so `pip install pyperf` in your venv and `copylab run -m pyperf` \
        work together. Only pure-Python packages import: C extensions are built for CPython, not RustPython.\n\n\
        Examples:\n  \
        copylab run script.py arg1 arg2\n  \
        copylab run --vm fork:threading threads.py\n  \
        copylab run --variant merged -m pyperf timeit --fast -s 'import copy' 'copy.deepcopy([1])'\n  \
        copylab run --variant merged -- -u -X dev script.py arg1\n  \
        copylab run --variant fastpath -c 'import copy; print(copy.__file__)'\n  \
        copylab run --copy-py /usr/lib/python3.11/copy.py script.py\n  \
        copylab run --memo cam --cam-entries 64 --cam-stats script.py")]
    Run(RunCommandArgs),
    /// Print the bytecode of a file, a code string, or one function, as dis.dis does
    #[command(after_help = "Examples:\n  \
        copylab dis script.py\n  \
        copylab dis -c 'x = [1, 2]'\n  \
        copylab dis --function copy.deepcopy --variant baseline\n  \
        copylab dis --function copy._reconstruct --diff baseline fastpath")]
    Dis(DisArgs),
    /// Print the syntax tree of a file or a code string, as ast.dump does
    #[command(after_help = "Examples:\n  \
        copylab ast -c 'x = 1'\n  \
        copylab ast script.py --indent 2 --attributes")]
    Ast(AstArgs),
    /// Follow every deepcopy call step by step through copy.py (route, reduce, memo, ...)
    #[command(after_help = "Examples:\n  \
        copylab trace --expr '[1, [2]]'\n  \
        copylab trace -c 'from fractions import Fraction' --expr 'Fraction(1, 3)'\n  \
        copylab trace --json --expr '{\"a\": (1, [])}' -o trace.jsonl")]
    Trace(crate::commands::trace::TraceArgs),
    /// copy.py explained line by line, with live values from your own deepcopy (-c, --expr) or
    /// measured answers beside the hot lines (--why-hot)
    Tour(Box<crate::commands::tour::TourArgs>),
    /// Line profile of copy.py for a script or a bench workload; optional flame graph
    #[command(after_help = "Examples:\n  \
        copylab profile --workload deepcopy\n  \
        copylab profile --variant fastpath --workload deepcopy_reduce --flamegraph flame.svg\n  \
        copylab profile --variant fastpath --workload trio --folded fastpath.folded\n  \
        copylab profile script.py --top 10")]
    Profile(crate::commands::profile::ProfileArgs),
    /// A/B benchmark copy.py variants (and memo backends) on deepcopy workloads
    #[command(after_help = "Examples:\n  \
        copylab bench --fast\n  \
        copylab bench --fast --variants fastpath,merged --workloads trio,structures --json run.json\n  \
        copylab bench --fast --variants fastpath --python python3 --markdown table.md\n  \
        copylab bench --fast --variants fastpath --json run.json --profile profiles --html report.html\n  \
        copylab bench --fast --variants native --python python3 --peer copium --reference copium@python3\n  \
        copylab bench --fast --variants baseline,merged --vm stock,fork:alloc --workloads trio\n  \
        copylab bench compare before.json after.json\n  \
        copylab bench --script ten_structures_pyperf.py --variants merged --python python3 --fast\n  \
        copylab bench sweep --fast --variant fastpath --define _FASTPATH_MAX=1,5,20,100 --svg sweep.svg")]
    Bench(Box<BenchArgs>),
    /// One self-contained HTML page of saved bench runs: plots, ratios, verdicts, patches
    #[command(after_help = "Each file is one run (bench --json, a --json-dir file, or pyperf's own JSON); \
        every arm is compared with the first arm of the first file, on the workloads all arms share.\n\n\
        Examples:\n  \
        copylab report run.json --html report.html\n  \
        copylab report before.json after.json --html before-after.html\n  \
        copylab report run.json profiles/baseline.folded profiles/fastpath.folded --html report.html\n  \
        copylab report run.json --markdown results.md\n  \
        copylab report run.json --markdown - --arms baseline,fastpath")]
    Report(ReportArgs),
    /// The emulated CAM memo device: block diagram, capacity sweep, memo share, presentation
    #[command(after_help = "Examples:\n  \
        copylab cam diagram --format svg -o cam.svg\n  \
        copylab cam present --html cam.html\n  \
        copylab cam sweep --entries 16,64,256,1024,4096 --workloads trio --svg cam-sweep.svg\n  \
        copylab run --memo cam --cam-stats script.py")]
    Cam(CamArgs),
    /// Benchmark worker: runs the timing driver in a fresh interpreter (used by `bench`)
    #[command(hide = true)]
    Worker(RunArgs),
    /// List the copy.py variants, show one, or diff one against the baseline
    #[command(after_help = "Examples:\n  \
        copylab variants\n  \
        copylab variants show baseline\n  \
        copylab variants diff fastpath")]
    Variants(VariantsArgs),
    /// Build copylab against a patched rustpython-vm (patch sets of vm-patches/patches/)
    #[command(after_help = "Examples:\n  \
        copylab fork list\n  \
        copylab fork apply alloc\n  \
        copylab fork build alloc threading\n  \
        copylab bench --fast --vm stock,fork:alloc,fork:threading")]
    Fork(crate::commands::fork::ForkArgs),
}

/// Which copy.py the interpreter installs as `copy`.
#[derive(Debug, Args)]
pub(crate) struct CopyArgs {
    /// copy.py variant to install as `copy` (see `copylab variants`)
    #[arg(long, value_name = "NAME", default_value = "baseline", value_parser = parse_variant)]
    pub(crate) variant: &'static Variant,
    /// Install this file as `copy` instead of a variant (e.g. a CPython checkout's Lib/copy.py)
    #[arg(long, value_name = "PATH", conflicts_with = "variant")]
    pub(crate) copy_py: Option<PathBuf>,
    /// Override a tunable constant of the copy.py, e.g. --define _FASTPATH_MAX=100 (repeatable)
    #[arg(long = "define", value_name = "NAME=VALUE", value_parser = parse_define)]
    pub(crate) defines: Vec<Define>,
}

/// Which memo `copy.deepcopy(x)` gets when the caller brings none.
#[derive(Debug, Args)]
pub(crate) struct MemoChoice {
    /// Memo backend: dict (copy.py's own) or cam (an emulated CAM device)
    #[arg(long, value_name = "BACKEND", default_value = "dict", value_parser = parse_memo)]
    pub(crate) memo: MemoKind,
    /// CAM rows (with --memo cam; default 1024)
    #[arg(long, value_name = "N")]
    pub(crate) cam_entries: Option<usize>,
}

/// The program to run, as `python` takes it: SCRIPT, -c CODE or -, then its arguments.
#[derive(Debug, Args)]
pub(crate) struct ProgramArgs {
    /// Program passed in as a string (like python -c)
    #[arg(short = 'c', value_name = "CODE", allow_hyphen_values = true)]
    pub(crate) code: Option<String>,
    /// Script to run, or - to read it from standard input; with -c, the first argument
    #[arg(value_name = "SCRIPT")]
    pub(crate) script: Option<String>,
    /// Arguments passed to the script in sys.argv[1:]
    #[arg(value_name = "ARGS", trailing_var_arg = true, allow_hyphen_values = true)]
    pub(crate) args: Vec<String>,
}

/// `copylab run`: a program, on this binary or on a fork's.
#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub(crate) struct RunCommandArgs {
    /// Interpreter to run on: stock (this binary) or fork:NAME, a build of `copylab fork build
    /// NAME` (fork:threading has real threads)
    #[arg(long, value_name = "NAME", default_value = "stock", value_parser = parse_vm)]
    pub(crate) vm: crate::fork::Vm,
    #[command(flatten)]
    pub(crate) run: RunArgs,
}

#[derive(Debug, Args)]
#[command(arg_required_else_help = true)]
pub(crate) struct RunArgs {
    #[command(flatten)]
    pub(crate) copy: CopyArgs,
    #[command(flatten)]
    pub(crate) memo: MemoChoice,
    /// At exit, print the CAM statistics (or write them as JSON: --cam-stats=FILE)
    #[arg(long, value_name = "FILE", num_args = 0..=1, require_equals = true, default_missing_value = "-")]
    pub(crate) cam_stats: Option<PathBuf>,
    /// CPython's command line: [option] ... (SCRIPT | -c CODE | -m MODULE | -) [ARG] ...
    /// (options: -u -B -E -I -P -s -S -O -b -d -q -R -v -W ARG -X OPT -h -V)
    #[arg(value_name = "PYTHON ARGS", trailing_var_arg = true, allow_hyphen_values = true)]
    pub(crate) python: Vec<std::ffi::OsString>,
}

#[derive(Debug, Args)]
pub(crate) struct DisArgs {
    #[command(flatten)]
    pub(crate) copy: CopyArgs,
    /// Source file to disassemble
    #[arg(value_name = "FILE", required_unless_present_any = ["code", "function"], conflicts_with_all = ["code", "function"])]
    pub(crate) file: Option<PathBuf>,
    /// Code string to disassemble
    #[arg(short = 'c', value_name = "CODE", conflicts_with = "function", allow_hyphen_values = true)]
    pub(crate) code: Option<String>,
    /// MODULE.QUALNAME of a function as loaded under the variant, e.g. copy.deepcopy
    #[arg(long, value_name = "MODULE.QUALNAME")]
    pub(crate) function: Option<String>,
    /// Unified diff of the function's bytecode under variants A and B (line numbers relative
    /// to the def line)
    #[arg(long, num_args = 2, value_names = ["A", "B"], requires = "function", value_parser = parse_variant)]
    pub(crate) diff: Vec<&'static Variant>,
}

#[derive(Debug, Args)]
pub(crate) struct AstArgs {
    /// Source file to parse
    #[arg(value_name = "FILE", required_unless_present = "code", conflicts_with = "code")]
    pub(crate) file: Option<PathBuf>,
    /// Code string to parse
    #[arg(short = 'c', value_name = "CODE", allow_hyphen_values = true)]
    pub(crate) code: Option<String>,
    /// Indent nested nodes by N spaces (default: one line, as ast.dump)
    #[arg(long, value_name = "N")]
    pub(crate) indent: Option<usize>,
    /// Include line and column attributes
    #[arg(long)]
    pub(crate) attributes: bool,
}

#[derive(Debug, Args)]
pub(crate) struct VariantsArgs {
    #[command(subcommand)]
    pub(crate) action: Option<VariantsAction>,
}

#[derive(Debug, Subcommand)]
pub(crate) enum VariantsAction {
    /// Print a variant's full copy.py source
    #[command(after_help = "Examples:\n  copylab variants show memo\n  copylab variants show native")]
    Show {
        #[arg(value_parser = parse_variant)]
        name: &'static Variant,
    },
    /// Print a variant's unified diff against the baseline
    #[command(after_help = "Examples:\n  copylab variants diff memo\n  copylab variants diff native")]
    Diff {
        #[arg(value_parser = parse_variant)]
        name: &'static Variant,
    },
}

/// The memo backends: the one place their names are spelled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub(crate) enum MemoKind {
    /// copy.py's own dict
    Dict,
    /// an emulated CAM device
    Cam,
}

impl MemoKind {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Self::Dict => "dict",
            Self::Cam => "cam",
        }
    }
}

fn parse_memo(name: &str) -> Result<MemoKind, String> {
    <MemoKind as clap::ValueEnum>::from_str(name, false)
        .map_err(|_| format!("unknown memo backend `{name}`; valid backends: dict, cam"))
}

fn parse_vm(name: &str) -> Result<crate::fork::Vm, String> {
    crate::fork::Vm::parse(name).map_err(|err| err.to_string())
}

fn parse_variant(name: &str) -> Result<&'static Variant, String> {
    copylab_stdlib_copy::find(name).map_err(|err| err.to_string())
}

fn parse_define(text: &str) -> Result<Define, String> {
    text.parse().map_err(|err: copylab_stdlib_copy::DefineError| err.to_string())
}

#[derive(Debug, Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct BenchArgs {
    #[command(subcommand)]
    pub(crate) action: Option<BenchAction>,
    #[command(flatten)]
    pub(crate) run: BenchRunArgs,
}

#[derive(Debug, Subcommand)]
pub(crate) enum BenchAction {
    /// Compare two saved runs (pyperf JSON files written by --json)
    #[command(after_help = "Examples:\n  copylab bench compare before.json after.json")]
    Compare {
        #[arg(value_name = "A.json")]
        first: PathBuf,
        #[arg(value_name = "B.json")]
        second: PathBuf,
    },
    /// Run one workload set across values of a tunable constant; table and SVG plot
    #[command(after_help = "Examples:\n  \
        copylab bench sweep --fast --variant fastpath --define _FASTPATH_MAX=1,5,20,100 --svg sweep.svg\n  \
        copylab bench sweep --fast --variant fastpath --define _FASTPATH_MAX=0,5 --workload-file mine.py\n  \
        copylab bench sweep --fast --variant fastpath --define _FASTPATH_MAX=1,5,20 --vm stock,fork:alloc\n  \
        copylab bench sweep --fast --variant fastpath --define _FASTPATH_MAX=0,5,20 --html sweep.html")]
    Sweep(SweepArgs),
}

#[derive(Debug, Args)]
pub(crate) struct Effort {
    /// Quick answer: the trio for all variants in about a minute
    #[arg(long, conflicts_with = "rigorous")]
    pub(crate) fast: bool,
    /// More workers and values, for numbers worth publishing
    #[arg(long)]
    pub(crate) rigorous: bool,
}

#[derive(Debug, Args)]
pub(crate) struct BenchRunArgs {
    /// Variants to compare against the baseline (comma-separated; default: all)
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_variant)]
    pub(crate) variants: Vec<&'static Variant>,
    /// Memo backends to compare (comma-separated)
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "dict", value_parser = parse_memo)]
    pub(crate) memo: Vec<MemoKind>,
    /// copylab builds to compare (comma-separated): stock (this binary) and forks fork:NAME
    /// built by `copylab fork build NAME`; the first one's baseline is the reference
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "stock", value_parser = parse_vm)]
    pub(crate) vm: Vec<crate::fork::Vm>,
    #[command(flatten)]
    pub(crate) workloads: WorkloadArgs,
    #[command(flatten)]
    pub(crate) effort: Effort,
    /// Override a tunable constant in the variants that declare it (repeatable)
    #[arg(long = "define", value_name = "NAME=VALUE", value_parser = parse_define)]
    pub(crate) defines: Vec<Define>,
    /// Write all results as one pyperf JSON file (pyperf stats / compare_to read it)
    #[arg(long, value_name = "FILE")]
    pub(crate) json: Option<PathBuf>,
    /// Write one pyperf JSON file per arm into DIR, for `pyperf compare_to`
    #[arg(long, value_name = "DIR")]
    pub(crate) json_dir: Option<PathBuf>,
    /// Write the comparison table as Markdown
    #[arg(long, value_name = "FILE")]
    pub(crate) markdown: Option<PathBuf>,
    /// Write a self-contained HTML report (plots, ratios with intervals, verdicts, patches)
    #[arg(long, value_name = "FILE", conflicts_with = "script")]
    pub(crate) html: Option<PathBuf>,
    /// After measuring, record each RustPython arm's Python call stacks into DIR/ARM.folded
    /// (for the flame graphs of --html and `copylab report`)
    #[arg(long, value_name = "DIR", conflicts_with = "script")]
    pub(crate) profile: Option<PathBuf>,
    /// Also run every variant under this CPython, side by side
    #[arg(long, value_name = "EXE")]
    pub(crate) python: Option<PathBuf>,
    /// Also run, under the --python CPython, its copy module with copy.deepcopy replaced by
    /// MODULE.deepcopy (comma-separated; e.g. copium): an arm labelled MODULE@EXE
    #[arg(long, value_name = "MODULE", value_delimiter = ',', requires = "python", conflicts_with = "script")]
    pub(crate) peer: Vec<String>,
    /// Compare every arm with this one (a label from the table, e.g. copium@python3) instead
    /// of the RustPython baseline; CPython variants stay compared with their CPython baseline
    #[arg(long, value_name = "LABEL")]
    pub(crate) reference: Option<String>,
    /// Show peak memory and allocations per deepcopy
    #[arg(long, conflicts_with = "script")]
    pub(crate) memory: bool,
    /// Your own pyperf script instead of the built-in workloads: run once per arm, and its
    /// benchmarks compared as workloads (arguments after `--` go to the script)
    #[arg(long, value_name = "FILE.py", conflicts_with_all = ["names", "workload_file", "json"])]
    pub(crate) script: Option<PathBuf>,
    /// Arguments for --script, after `--`
    #[arg(last = true, value_name = "SCRIPT ARGS", requires = "script")]
    pub(crate) script_args: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct SweepArgs {
    /// The variant whose constant is swept
    #[arg(long, value_name = "NAME", value_parser = parse_variant)]
    pub(crate) variant: &'static Variant,
    /// The constant and its values, e.g. _FASTPATH_MAX=1,5,20,100
    #[arg(long = "define", value_name = "NAME=V1,V2,...")]
    pub(crate) define: String,
    /// copylab builds to sweep on (comma-separated): stock and forks fork:NAME built by
    /// `copylab fork build NAME`; one row and plot line per workload and build
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "stock", value_parser = parse_vm)]
    pub(crate) vm: Vec<crate::fork::Vm>,
    #[command(flatten)]
    pub(crate) workloads: WorkloadArgs,
    #[command(flatten)]
    pub(crate) effort: Effort,
    /// Where to write the SVG plot
    #[arg(long, value_name = "FILE", default_value = "sweep.svg")]
    pub(crate) svg: PathBuf,
    /// Also write a self-contained HTML page: the plot, the table with ratios, arms, metadata
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
}

#[derive(Debug, Args)]
#[command(group = clap::ArgGroup::new("page").args(["html", "markdown"]).required(true).multiple(true))]
pub(crate) struct ReportArgs {
    /// Saved runs (pyperf JSON), the reference's first; each may be followed by profiles of
    /// its arms (`bench --profile`'s or `profile --folded`'s files) for flame graphs
    #[arg(value_name = "FILE.json|FILE.folded", required = true)]
    pub(crate) files: Vec<PathBuf>,
    /// Where to write the HTML page
    #[arg(long, value_name = "FILE")]
    pub(crate) html: Option<PathBuf>,
    /// Where to write the Markdown page (- for standard output): each run's date, machine and
    /// command, then the comparison table
    #[arg(long, value_name = "FILE")]
    pub(crate) markdown: Option<PathBuf>,
    /// Only these arms (comma-separated labels), the first kept being the reference
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) arms: Vec<String>,
    /// Only these workloads (comma-separated names)
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub(crate) workloads: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CamArgs {
    #[command(subcommand)]
    pub(crate) action: CamAction,
}

#[derive(Debug, Subcommand)]
pub(crate) enum CamAction {
    /// Block diagram of how the CAM serves deepcopy's memo (hardware vs software blocks)
    #[command(after_help = "Examples:\n  \
        copylab cam diagram -o cam.svg\n  \
        copylab cam diagram --format dot -o cam.dot\n  \
        copylab cam diagram --format mermaid")]
    Diagram {
        /// svg, dot or mermaid
        #[arg(long, value_name = "FORMAT", default_value = "svg", value_parser = parse_diagram_format)]
        format: crate::render::cam_diagram::DiagramFormat,
        /// Write to FILE instead of standard output
        #[arg(short = 'o', long = "output", value_name = "FILE")]
        output: Option<PathBuf>,
    },
    /// Record the memo traffic of workloads once, replay it at several CAM capacities
    #[command(after_help = "Examples:\n  \
        copylab cam sweep\n  \
        copylab cam sweep --entries 1,4,16,64 --workloads deepcopy_memo --svg memo-sweep.svg")]
    Sweep(CamSweepArgs),
    /// Memo share of deepcopy time, and the CAM's whole-program ceiling, per copy.py variant
    #[command(after_help = "Examples:\n  \
        copylab cam share\n  \
        copylab cam share --variants baseline,merged,native --workloads trio --repeat 20")]
    Share(CamShareArgs),
    /// The CAM presentation: a slide deck in one HTML file, from numbers measured now
    #[command(after_help = "Examples:\n  \
        copylab cam present --html cam.html\n  \
        copylab cam present --workloads deepcopy_memo --repeat 10 --entries 16,64 --html cam.html")]
    Present(CamPresentArgs),
}

#[derive(Debug, Args)]
pub(crate) struct CamPresentArgs {
    /// Where to write the slide deck
    #[arg(long, value_name = "FILE", required = true)]
    pub(crate) html: PathBuf,
    /// Variants whose memo share is measured (comma-separated)
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "baseline,native", value_parser = parse_variant)]
    pub(crate) variants: Vec<&'static Variant>,
    /// Workloads or suites (comma-separated), as for `cam share`
    #[arg(long = "workloads", value_name = "LIST", value_delimiter = ',', default_value = "trio")]
    pub(crate) names: Vec<String>,
    /// Calls of each workload function per measurement and recording
    #[arg(long, value_name = "N", default_value_t = 50, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub(crate) repeat: u32,
    /// CAM capacities of the sweep slide (comma-separated)
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "16,64,256,1024,4096")]
    pub(crate) entries: Vec<usize>,
}

#[derive(Debug, Args)]
pub(crate) struct CamShareArgs {
    /// Variants to measure (comma-separated)
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "baseline,native", value_parser = parse_variant)]
    pub(crate) variants: Vec<&'static Variant>,
    /// Workloads or suites (comma-separated: trio, structures, all, or names); a trio workload
    /// is one row, any other suite one row for all its workloads
    #[arg(long = "workloads", value_name = "LIST", value_delimiter = ',', default_value = "trio,structures")]
    pub(crate) names: Vec<String>,
    /// Calls of each workload function per measurement
    #[arg(long, value_name = "N", default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub(crate) repeat: u32,
}

#[derive(Debug, Args)]
pub(crate) struct CamSweepArgs {
    /// CAM capacities to replay (comma-separated rows)
    #[arg(long, value_name = "LIST", value_delimiter = ',', default_value = "16,64,256,1024,4096")]
    pub(crate) entries: Vec<usize>,
    #[command(flatten)]
    pub(crate) workloads: WorkloadArgs,
    #[command(flatten)]
    pub(crate) copy: CopyArgs,
    /// Calls of each workload function while recording
    #[arg(long, value_name = "N", default_value_t = 3, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    pub(crate) repeat: u32,
    /// Where to write the SVG plot (CAM-resolved lookups against capacity)
    #[arg(long, value_name = "FILE", default_value = "cam-sweep.svg")]
    pub(crate) svg: PathBuf,
}

fn parse_diagram_format(text: &str) -> Result<crate::render::cam_diagram::DiagramFormat, String> {
    text.parse().map_err(|err: crate::render::cam_diagram::ParseDiagramFormatError| err.to_string())
}

/// Which workloads `bench`, `bench sweep` and `cam sweep` run.
#[derive(Debug, Args)]
pub(crate) struct WorkloadArgs {
    /// Workloads or suites (comma-separated: trio, structures, all, or names; default: trio)
    #[arg(long = "workloads", value_name = "LIST", value_delimiter = ',')]
    pub(crate) names: Vec<String>,
    /// A Python file whose bench_* functions become workloads
    #[arg(long, value_name = "PATH")]
    pub(crate) workload_file: Option<PathBuf>,
}
