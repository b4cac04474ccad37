//! `copylab profile`: a line profile of copy.py and the Python call stacks of a run.
//!
//! The trace function is native: a Python one costs about a microsecond per event in
//! RustPython, several times the cost of the copy.py lines it would measure. It is installed
//! with `sys.settrace` around the measured code only, so a normal run pays nothing.
//!
//! Time is charged between consecutive trace events, leaving out the trace function's own
//! run time. Each interval goes to the line running in the innermost copy.py frame (time in
//! builtins and in non-copy.py Python code called from a line counts for that line), and,
//! for the flame graph, to the whole Python stack at that moment.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::time::Instant;

// RustPython's own Rc and lock: Rc and a cell lock in the lean build, Arc and a mutex with its
// `threading` feature (the `threading` fork), where a native function's state must be Send + Sync.
use rustpython_vm::builtins::{PyCode, PyStrInterned, PyStrRef};
use rustpython_vm::common::lock::PyMutex;
use rustpython_vm::common::rc::PyRc;
use rustpython_vm::frame::FrameObject;
use rustpython_vm::{AsObject, Py, PyObjectRef, PyRef, PyResult, VirtualMachine};

use crate::error::HostError;
use crate::host::Host;
use crate::program::Program;
use crate::python_helper::{self, PythonHelper};

/// What to run.
#[derive(Debug, Clone)]
pub enum ProfileTarget {
    /// A program, run once as `__main__`.
    Program(Program),
    /// `bench_<name>` of each `(file, name)`, called once to warm up, then `loops` times
    /// measured (`None`: as many as make the unprofiled run last about 0.1 s).
    Workloads { workloads: Vec<(PathBuf, String)>, loops: Option<u32> },
}

/// One copy.py line: how often it ran and the time charged to it. A `def` line's hits are
/// calls, its time the function's entry until its first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineStat {
    pub line: u32,
    pub hits: u64,
    pub nanos: u64,
}

/// A profiled run.
#[derive(Debug, Clone)]
pub struct Profile {
    /// Lines of the installed copy.py that ran, by line number.
    pub lines: Vec<LineStat>,
    /// Trace events handled (calls, lines, returns).
    pub events: u64,
    /// Collapsed stacks, `outer;inner;leaf NANOS`, for a flame graph (empty unless asked).
    pub folded: Vec<String>,
    pub run: Timing,
}

/// Wall time of the measured section of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    pub elapsed_nanos: u64,
    /// Calls of each workload (1 for a program).
    pub loops: u32,
    /// The program's exit status (0 unless it raised or exited).
    pub status: u32,
}

impl Host {
    /// Runs `target` under the line profiler (and, with `flame`, the stack recorder).
    pub fn profile(&self, target: &ProfileTarget, flame: bool) -> Result<Profile, HostError> {
        self.enter(|vm| {
            let origin = copy_origin(vm)?;
            let recorder = PyRc::new(PyMutex::new(Recorder::new(vm.ctx.intern_str(origin.as_str()), flame)));
            let tracer = native_tracer(vm, &recorder);
            let run = run_target(vm, target, Some(tracer), false);
            let stats = recorder.lock().finish();
            let run = run?;
            Ok(Profile { lines: stats.lines, events: stats.events, folded: stats.folded, run })
        })
    }

    /// Runs `target` without any tracing and with its output discarded: the reference for
    /// the profiler's overhead.
    pub fn time_unprofiled(&self, target: &ProfileTarget) -> Result<Timing, HostError> {
        self.enter(|vm| run_target(vm, target, None, true))
    }
}

fn copy_origin(vm: &VirtualMachine) -> Result<String, HostError> {
    vm.import("_copylab", 0)
        .and_then(|module| module.get_attr("copy_origin", vm))
        .and_then(|origin| origin.str(vm))
        .map(|origin| origin.to_string_lossy().into_owned())
        .map_err(|exc| python_helper::helper_failure(vm, "cannot tell which copy.py is installed", &exc))
}

fn run_target(
    vm: &VirtualMachine,
    target: &ProfileTarget,
    tracer: Option<PyObjectRef>,
    quiet: bool,
) -> Result<Timing, HostError> {
    let helper =
        PythonHelper::runner(vm).map_err(|exc| python_helper::helper_failure(vm, "cannot load the profiler", &exc))?;
    let tracer = tracer.unwrap_or_else(|| vm.ctx.none());
    let outcome = match target {
        ProfileTarget::Program(program) => match python_helper::main_program(vm, program) {
            Ok((code, globals)) => {
                let args = vec![code.into(), globals.into(), tracer, vm.ctx.new_bool(quiet).into()];
                measured(vm, helper.call(vm, "run_code", args), 1)
            }
            Err(exc) => Ok((0, 1, Some(exc))),
        },
        ProfileTarget::Workloads { workloads, loops } => run_workloads(vm, &helper, workloads, *loops, tracer, quiet),
    };
    let (elapsed_nanos, loops, error) =
        outcome.map_err(|exc| python_helper::helper_failure(vm, "the profiled run failed", &exc))?;
    let status = match error {
        None => 0,
        // The unprofiled run's output is discarded; the profiled run shows the same failure.
        Some(_) if quiet => 1,
        Some(exc) => python_helper::exit_status(vm, exc),
    };
    Ok(Timing { elapsed_nanos, loops, status })
}

type Outcome = (u64, u32, Option<rustpython_vm::builtins::PyBaseExceptionRef>);

fn run_workloads(
    vm: &VirtualMachine,
    helper: &PythonHelper,
    workloads: &[(PathBuf, String)],
    loops: Option<u32>,
    tracer: PyObjectRef,
    quiet: bool,
) -> PyResult<Outcome> {
    let specs: Vec<PyObjectRef> = workloads
        .iter()
        .map(|(file, name)| {
            vm.ctx
                .new_tuple(vec![
                    vm.ctx.new_str(file.display().to_string()).into(),
                    vm.ctx.new_str(name.as_str()).into(),
                ])
                .into()
        })
        .collect();
    let functions = match helper.call(vm, "load_workloads", vec![vm.ctx.new_list(specs).into()]) {
        Ok(functions) => functions,
        // A workload that does not import is reported like a failing program.
        Err(exc) => return Ok((0, 0, Some(exc))),
    };
    let loops = match loops {
        Some(loops) => loops,
        None => {
            const MIN_NANOS: u64 = 100_000_000;
            const MAX_LOOPS: u32 = 10_000;
            let args = vec![functions.clone(), vm.ctx.new_int(MIN_NANOS).into(), vm.ctx.new_int(MAX_LOOPS).into()];
            match helper.call(vm, "calibrate_loops", args) {
                Ok(loops) => loops.try_into_value(vm)?,
                Err(exc) => return Ok((0, 0, Some(exc))),
            }
        }
    };
    let args = vec![functions, vm.ctx.new_int(loops).into(), tracer, vm.ctx.new_bool(quiet).into()];
    measured(vm, helper.call(vm, "run_workloads", args), loops)
}

/// `(elapsed_ns, exception or None)` from the Python runner.
fn measured(vm: &VirtualMachine, result: PyResult, loops: u32) -> PyResult<Outcome> {
    let result = result?;
    let elapsed: u64 = result.get_item(&0, vm)?.try_into_value(vm)?;
    let error = python_helper::optional_exception(vm, result.get_item(&1, vm)?);
    Ok((elapsed, loops, error))
}

/// A Python-callable trace function that feeds `recorder`; it returns itself for the frames
/// it wants local events from, as `sys.settrace` expects.
fn native_tracer(vm: &VirtualMachine, recorder: &PyRc<PyMutex<Recorder>>) -> PyObjectRef {
    let shared = PyRc::clone(recorder);
    let function = vm.new_function(
        "copylab_profiler",
        move |frame: PyRef<FrameObject>, event: PyStrRef, _arg: PyObjectRef, vm: &VirtualMachine| -> PyObjectRef {
            shared.lock().on_event(&frame, event.as_wtf8().as_bytes(), vm)
        },
    );
    let tracer: PyObjectRef = function.into();
    recorder.lock().tracer = Some(tracer.clone());
    tracer
}

/// The filename of copylab's own Python helpers: their frames are not part of any profile.
const TOOLS_PREFIX: &str = "<copylab:runner>";

const ROOT: u32 = 0;

struct CodeInfo {
    is_copy: bool,
    skip: bool,
    name: String,
    file: String,
    first_line: u32,
    // Keeps the code object alive, so its id cannot be reused by another one.
    _code: PyRef<PyCode>,
}

struct Entry {
    frame: usize,
    code: u32,
    line: u32,
    node: u32,
    /// Index in the stack of the innermost copy.py frame at or below this one.
    owner: Option<usize>,
}

/// A node of the call tree: a frame at a line (0 for frames outside copy.py) under a parent.
struct Node {
    parent: u32,
    code: u32,
    line: u32,
    nanos: u64,
}

#[derive(Default)]
struct Stats {
    lines: Vec<LineStat>,
    events: u64,
    folded: Vec<String>,
}

struct Recorder {
    origin: &'static PyStrInterned,
    flame: bool,
    tracer: Option<PyObjectRef>,
    last: Instant,
    stack: Vec<Entry>,
    code_index: HashMap<usize, u32>,
    codes: Vec<CodeInfo>,
    lines: BTreeMap<u32, (u64, u64)>,
    events: u64,
    nodes: Vec<Node>,
    children: HashMap<(u32, u32, u32), u32>,
}

impl Recorder {
    fn new(origin: &'static PyStrInterned, flame: bool) -> Self {
        Self {
            origin,
            flame,
            tracer: None,
            last: Instant::now(),
            stack: Vec::new(),
            code_index: HashMap::new(),
            codes: Vec::new(),
            lines: BTreeMap::new(),
            events: 0,
            nodes: vec![Node { parent: ROOT, code: u32::MAX, line: 0, nanos: 0 }],
            children: HashMap::new(),
        }
    }

    fn on_event(&mut self, frame: &Py<FrameObject>, event: &[u8], vm: &VirtualMachine) -> PyObjectRef {
        let now = Instant::now();
        self.charge(now);
        self.events += 1;
        let trace_locally = match event {
            b"call" => self.on_call(frame, vm),
            b"line" => {
                self.on_line(frame);
                true
            }
            b"return" => {
                self.on_return(frame);
                true
            }
            _ => true,
        };
        let answer = match (&self.tracer, trace_locally) {
            (Some(tracer), true) => tracer.clone(),
            _ => vm.ctx.none(),
        };
        // The next interval starts after this function's own work.
        self.last = Instant::now();
        answer
    }

    fn charge(&mut self, now: Instant) {
        let nanos = u64::try_from(now.saturating_duration_since(self.last).as_nanos()).unwrap_or(u64::MAX);
        // Time outside copy.py (no frame, or a frame no copy.py line owns) is not charged.
        let Some(top) = self.stack.last() else { return };
        if let Some(owner) = top.owner {
            self.lines.entry(self.stack[owner].line).or_default().1 += nanos;
        }
        if self.flame {
            self.nodes[top.node as usize].nanos += nanos;
        }
    }

    /// Returns whether to trace the frame locally.
    fn on_call(&mut self, frame: &Py<FrameObject>, vm: &VirtualMachine) -> bool {
        let code = self.code(&frame.f_code());
        let info = &self.codes[code as usize];
        if info.skip || (!info.is_copy && !self.flame) {
            return false;
        }
        let is_copy = info.is_copy;
        let line = match u32::try_from(frame.lineno()) {
            Ok(line) if line > 0 => line,
            _ => info.first_line,
        };
        let owner = if is_copy { Some(self.stack.len()) } else { self.stack.last().and_then(|e| e.owner) };
        if is_copy {
            self.lines.entry(line).or_default().0 += 1;
        } else {
            // Only its calls and returns matter; line events would cost without telling more.
            let _ = frame.as_object().set_attr("f_trace_lines", vm.ctx.new_bool(false), vm);
        }
        let parent = self.stack.last().map_or(ROOT, |e| e.node);
        let node = self.node(parent, code, if is_copy { line } else { 0 });
        self.stack.push(Entry { frame: frame.as_object().get_id(), code, line, node, owner });
        true
    }

    fn on_line(&mut self, frame: &Py<FrameObject>) {
        let Some(index) = self.find(frame) else { return };
        self.stack.truncate(index + 1);
        let code = self.stack[index].code;
        if !self.codes[code as usize].is_copy {
            return;
        }
        let Ok(line) = u32::try_from(frame.lineno()) else { return };
        self.lines.entry(line).or_default().0 += 1;
        let parent = if index == 0 { ROOT } else { self.stack[index - 1].node };
        let node = self.node(parent, code, line);
        let entry = &mut self.stack[index];
        entry.line = line;
        entry.node = node;
    }

    fn on_return(&mut self, frame: &Py<FrameObject>) {
        if let Some(index) = self.find(frame) {
            self.stack.truncate(index);
        }
    }

    /// The stack index of `frame`; frames above it missed their return event.
    fn find(&self, frame: &Py<FrameObject>) -> Option<usize> {
        let id = frame.as_object().get_id();
        self.stack.iter().rposition(|e| e.frame == id)
    }

    fn code(&mut self, code: &PyRef<PyCode>) -> u32 {
        let id = code.as_object().get_id();
        if let Some(&index) = self.code_index.get(&id) {
            return index;
        }
        let path = code.source_path();
        let file = path.as_wtf8().to_string_lossy().into_owned();
        let index = u32::try_from(self.codes.len()).unwrap_or(u32::MAX);
        self.codes.push(CodeInfo {
            is_copy: std::ptr::eq(path, self.origin),
            skip: file == TOOLS_PREFIX,
            name: code.code.qualname.as_wtf8().to_string_lossy().into_owned(),
            file: file.rsplit('/').next().unwrap_or(&file).to_owned(),
            first_line: code.code.first_line_number.map_or(0, |n| u32::try_from(n.get()).unwrap_or(0)),
            _code: code.clone(),
        });
        self.code_index.insert(id, index);
        index
    }

    fn node(&mut self, parent: u32, code: u32, line: u32) -> u32 {
        if !self.flame {
            return ROOT;
        }
        let next = u32::try_from(self.nodes.len()).unwrap_or(u32::MAX);
        *self.children.entry((parent, code, line)).or_insert_with(|| {
            self.nodes.push(Node { parent, code, line, nanos: 0 });
            next
        })
    }

    /// Takes the results out and drops the reference cycle through the tracer function.
    fn finish(&mut self) -> Stats {
        self.tracer = None;
        let lines = self.lines.iter().map(|(&line, &(hits, nanos))| LineStat { line, hits, nanos }).collect();
        let folded = self.folded();
        Stats { lines, events: self.events, folded }
    }

    fn folded(&self) -> Vec<String> {
        let mut out = Vec::new();
        for (index, node) in self.nodes.iter().enumerate().skip(1) {
            if node.nanos == 0 {
                continue;
            }
            let mut labels = Vec::new();
            let mut current = index;
            while current != ROOT as usize {
                labels.push(self.label(&self.nodes[current]));
                current = self.nodes[current].parent as usize;
            }
            labels.reverse();
            out.push(format!("{} {}", labels.join(";"), node.nanos));
        }
        out
    }

    fn label(&self, node: &Node) -> String {
        let info = &self.codes[node.code as usize];
        // `;` separates frames in the collapsed format.
        let name = info.name.replace(';', ":");
        if info.is_copy {
            format!("{name} (copy.py:{})", node.line)
        } else {
            format!("{name} ({}:{})", info.file.replace(';', ":"), info.first_line)
        }
    }
}
