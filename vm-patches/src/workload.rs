//! Bench workloads run inside the host without timing, for `copylab cam sweep`'s recording.

use crate::dis_ast::to_host_error;
use crate::error::HostError;
use crate::exception;
use crate::host::Host;
use crate::python_helper::PythonHelper;

impl Host {
    /// Runs a workload's `bench_<name>` function `repeat` times; `between` runs after the
    /// workload file is loaded and before the first call (e.g. to start recording), so
    /// module-level set-up is not part of what is observed.
    pub fn run_workload(
        &self,
        file: &std::path::Path,
        name: &str,
        repeat: usize,
        between: impl FnOnce(),
    ) -> Result<(), HostError> {
        self.enter(|vm| {
            let helper = PythonHelper::runner(vm).map_err(|exc| to_host_error(vm, &exc))?;
            let spec =
                vm.ctx.new_tuple(vec![vm.ctx.new_str(file.display().to_string()).into(), vm.ctx.new_str(name).into()]);
            let function = helper
                .call(vm, "load_workloads", vec![vm.ctx.new_list(vec![spec.into()]).into()])
                .and_then(|functions| functions.get_item(&0, vm))
                .map_err(|exc| to_host_error(vm, &exc))?;
            between();
            helper
                .call(vm, "call_repeatedly", vec![function, vm.ctx.new_int(repeat).into()])
                .map(drop)
                .map_err(|exc| HostError::Python { message: exception::render(vm, &exc).trim_end().to_owned() })
        })
    }
}
