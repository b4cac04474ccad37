//! `copylab tour --why-hot`'s live measurements: python/hot_probes.py repeats, in this
//! interpreter, the operations that make copy.py's hot lines hot (a native method call, a call
//! that leaves a default, a return), and reports time and allocations per operation.

use rustpython_vm::PyResult;

use crate::error::HostError;
use crate::host::Host;
use crate::python_helper::{self, PythonHelper};

/// One operation measured: what it is, and its cost per repetition with the loop's own cost
/// taken out.
#[derive(Debug, Clone, PartialEq)]
pub struct Probe {
    pub name: String,
    pub description: String,
    pub nanos: f64,
    /// Exact, from the counting allocator (0 unless the binary installed it).
    pub allocations: f64,
}

impl Host {
    /// Runs every probe `repeat` times per round, best of `rounds`.
    pub fn hot_probes(&self, repeat: u32, rounds: u32) -> Result<Vec<Probe>, HostError> {
        self.enter(|vm| {
            let failed = |exc| python_helper::helper_failure(vm, "the why-hot probes failed", &exc);
            let helper = PythonHelper::hot_probes(vm).map_err(failed)?;
            let args = vec![vm.ctx.new_int(repeat).into(), vm.ctx.new_int(rounds).into()];
            let results = helper.call(vm, "run_probes", args).map_err(failed)?;
            let rows: Vec<rustpython_vm::PyObjectRef> = results.try_into_value(vm).map_err(failed)?;
            rows.into_iter()
                .map(|row| -> PyResult<Probe> {
                    let text = |index: usize| -> PyResult<String> {
                        Ok(row.get_item(&index, vm)?.str(vm)?.to_string_lossy().into_owned())
                    };
                    let number = |index: usize| -> PyResult<f64> { row.get_item(&index, vm)?.try_into_value(vm) };
                    Ok(Probe { name: text(0)?, description: text(1)?, nanos: number(2)?, allocations: number(3)? })
                })
                .collect::<PyResult<Vec<_>>>()
                .map_err(failed)
        })
    }
}
