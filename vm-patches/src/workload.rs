//! Bench workloads run inside the host without timing, for `copylab cam sweep`'s recording.

use crate::cam_memo;
use crate::dis_ast::to_host_error;
use crate::error::HostError;
use crate::exception;
use crate::host::Host;
use crate::python_helper::PythonHelper;

impl Host {
    /// Runs a workload's `bench_<name>` function `repeat` times and returns every operation
    /// the CAM memo device saw meanwhile. Recording starts after the workload file is loaded,
    /// so module-level set-up is not part of the trace.
    pub fn record_cam_trace(
        &self,
        file: &std::path::Path,
        name: &str,
        repeat: usize,
    ) -> Result<cam_device::Trace, HostError> {
        self.enter(|vm| {
            let helper = PythonHelper::runner(vm).map_err(|exc| to_host_error(vm, &exc))?;
            let spec =
                vm.ctx.new_tuple(vec![vm.ctx.new_str(file.display().to_string()).into(), vm.ctx.new_str(name).into()]);
            let function = helper
                .call(vm, "load_workloads", vec![vm.ctx.new_list(vec![spec.into()]).into()])
                .and_then(|functions| functions.get_item(&0, vm))
                .map_err(|exc| to_host_error(vm, &exc))?;
            cam_memo::start_recording();
            helper
                .call(vm, "call_repeatedly", vec![function, vm.ctx.new_int(repeat).into()])
                .map_err(|exc| HostError::Python { message: exception::render(vm, &exc).trim_end().to_owned() })?;
            Ok(cam_memo::take_trace().unwrap_or_default())
        })
    }
}
