/// RustPython recurses on the Rust stack for every Python call; a generous stack keeps deep
/// but legal Python recursion (up to the recursion limit) a RecursionError instead of an
/// overflow. The memory is reserved, not committed, until used.
const INTERPRETER_STACK_BYTES: usize = 512 << 20;

/// Runs `f` (which builds and uses an interpreter) on a thread with a large stack. Fails only
/// if the operating system refuses to start the thread.
pub fn on_interpreter_stack<R: Send + 'static>(f: impl FnOnce() -> R + Send + 'static) -> std::io::Result<R> {
    let handle = std::thread::Builder::new()
        .name("copylab-interpreter".to_owned())
        .stack_size(INTERPRETER_STACK_BYTES)
        .spawn(f)?;
    match handle.join() {
        Ok(result) => Ok(result),
        // A panic is a copylab bug; keep its message and backtrace rather than hiding it.
        Err(panic) => std::panic::resume_unwind(panic),
    }
}
