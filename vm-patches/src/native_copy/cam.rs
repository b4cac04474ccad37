//! A `--memo cam` memo (`_copylab.CamMemo`) driven directly: the same device operations,
//! timed the same way, that its `get`, `[]` and `[]=` perform for an id key, without the
//! Python method calls in between. Statistics and the cost model see identical traffic.

use rustpython_vm::{PyObjectRef, PyResult, VirtualMachine};

use crate::cam_memo;
use crate::cam_memo::CamMemo;

/// `memo.get(id)` / `memo[id]` on a CamMemo: the device lookup of the id key.
pub(super) fn lookup(memo: &CamMemo, id: usize, vm: &VirtualMachine) -> PyResult<Option<PyObjectRef>> {
    let key = device_key(id);
    let context = memo.context();
    cam_memo::timed(|| cam_memo::with_device(|device| device.lookup(context, key).map(|v| v.cloned())))
        .map_err(|err| cam_memo::device_error(&err, vm))
}

/// `memo[id] = value` on a CamMemo.
pub(super) fn store(memo: &CamMemo, id: usize, value: PyObjectRef, vm: &VirtualMachine) -> PyResult<()> {
    let key = device_key(id);
    let context = memo.context();
    let old = cam_memo::timed(|| cam_memo::with_device(|device| device.insert(context, key, value)));
    // The overwritten value is dropped here, after the device borrow has ended.
    drop(old.map_err(|err| cam_memo::device_error(&err, vm))?);
    Ok(())
}

/// Object ids are addresses, so they fit the device's 64-bit keys on every target copylab
/// builds for.
fn device_key(id: usize) -> u64 {
    id as u64
}
