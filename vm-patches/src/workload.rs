//! Bench workloads run inside the host without timing, for `copylab cam`: the memo traffic
//! they send the CAM device (`cam sweep`) and the share of deepcopy time it takes.

use std::path::Path;

use crate::cam_memo::{self, CamReport};
use crate::dis_ast::to_host_error;
use crate::error::HostError;
use crate::exception;
use crate::host::Host;
use crate::python_helper::PythonHelper;

impl Host {
    /// Runs a workload's `bench_<name>` function `repeat` times and returns every operation
    /// the CAM memo device saw meanwhile. Recording starts after the workload file is loaded,
    /// so module-level set-up is not part of the trace.
    pub fn record_cam_trace(&self, file: &Path, name: &str, repeat: usize) -> Result<cam_device::Trace, HostError> {
        self.run_workload(file, name, repeat, cam_memo::start_recording)?;
        Ok(cam_memo::take_trace().unwrap_or_default())
    }

    /// Runs a workload's `bench_<name>` function `repeat` times and returns the CAM device's
    /// report with the memo and deepcopy times of those calls alone (loading the workload
    /// file is left out). `None` when no CAM memo was used.
    pub fn cam_report_of_calls(&self, file: &Path, name: &str, repeat: usize) -> Result<Option<CamReport>, HostError> {
        let mut before = None;
        self.run_workload(file, name, repeat, || before = cam_memo::report())?;
        Ok(match (before, cam_memo::report()) {
            (Some(before), Some(mut after)) => {
                after.memo_time = after.memo_time.saturating_sub(before.memo_time);
                after.deepcopy_time = after.deepcopy_time.saturating_sub(before.deepcopy_time);
                Some(after)
            }
            _ => None,
        })
    }

    /// Loads the workload, runs `before_calls`, then calls the function `repeat` times.
    fn run_workload(
        &self,
        file: &Path,
        name: &str,
        repeat: usize,
        before_calls: impl FnOnce(),
    ) -> Result<(), HostError> {
        self.enter(|vm| {
            let helper = PythonHelper::runner(vm).map_err(|exc| to_host_error(vm, &exc))?;
            let spec =
                vm.ctx.new_tuple(vec![vm.ctx.new_str(file.display().to_string()).into(), vm.ctx.new_str(name).into()]);
            let function = helper
                .call(vm, "load_workloads", vec![vm.ctx.new_list(vec![spec.into()]).into()])
                .and_then(|functions| functions.get_item(&0, vm))
                .map_err(|exc| to_host_error(vm, &exc))?;
            before_calls();
            helper
                .call(vm, "call_repeatedly", vec![function, vm.ctx.new_int(repeat).into()])
                .map(drop)
                .map_err(|exc| HostError::Python { message: exception::render(vm, &exc).trim_end().to_owned() })
        })
    }
}
