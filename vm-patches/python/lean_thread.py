# `_thread` for copylab's lean build (RustPython without its `threading` feature).
#
# The host runs this file in the namespace of the `_thread` module that RustPython froze at
# start-up (its _dummy_thread: locks that never block and report success, an RLock without
# owner, a `_local` without `__new__`, threads run inside `start()`), replacing its names before
# any user code runs. importlib's module locks and `threading` then use these.
#
# The lean build has exactly one thread, for ever. So:
# - starting a thread fails at once, with a message that names the command that has threads:
#   running the thread inside `start()` instead would hang every thread that loops until the
#   program tells it to stop (pool handlers, servers, refresh threads), and would silently
#   reorder the rest;
# - locks behave as CPython's do with one thread: an RLock is owned by that thread, a Lock
#   held and acquired again waits its timeout and returns False, and a wait without timeout,
#   which only another thread could end, fails at once instead of hanging;
# - a `_local` is the thread's own object, subclasses and their `__init__` included.

# The stand-in's names, to rebind what modules imported before this file ran took from it.
_stand_in = dict(globals())

TIMEOUT_MAX = 9223372036.0
error = RuntimeError

_COMMAND = (
    "run it with `copylab run --vm fork:threading` "
    "(build it once with `copylab fork build threading`)"
)


def _needs_real_threads(what):
    """The error for `what`, a call that cannot work without a second thread: "`what` needs
    real threads, which copylab's lean build leaves out; run it with ..."."""
    return RuntimeError(
        f"{what} needs real threads, which copylab's lean build leaves out; {_COMMAND}"
    )


def _main_ident():
    import posix

    return posix.getpid()


# The one thread's identity: the process id, as Linux's thread id of a main thread is. A
# forked child keeps it, as pthread_self() is kept across fork().
_IDENT = _main_ident()
_stack_size = 0

# Frames of these modules are the plumbing between a program and the lock it waits on; the
# message names the outermost of them (`Future.result`, `Queue.get`, `Event.wait`, ...).
_SYNC_MODULES = (
    "_thread",
    "threading",
    "queue",
    "concurrent.futures._base",
    "concurrent.futures.thread",
    "importlib._bootstrap",
)


def _waiting_call():
    import sys

    frame = sys._getframe(1)
    call = "Lock.acquire"
    while frame is not None and frame.f_globals.get("__name__") in _SYNC_MODULES:
        code = frame.f_code
        module = frame.f_globals["__name__"]
        call = f"{module}.{getattr(code, 'co_qualname', code.co_name)}"
        frame = frame.f_back
    return call


def _check_timeout(blocking, timeout):
    if not blocking and timeout != -1:
        raise ValueError("can't specify a timeout for a non-blocking call")
    if timeout < 0 and timeout != -1:
        raise ValueError("timeout value must be a non-negative number")
    if timeout > TIMEOUT_MAX:
        raise OverflowError("timeout value is too large")


class lock:
    """A lock for the one thread: acquiring it while it is held can only wait for a release
    that no other thread will make."""

    __slots__ = ("_held", "__weakref__")

    def __init__(self):
        self._held = False

    def acquire(self, blocking=True, timeout=-1):
        _check_timeout(blocking, timeout)
        if not self._held:
            self._held = True
            return True
        if not blocking:
            return False
        if timeout == -1:
            raise _needs_real_threads(
                f"{_waiting_call()}() would wait for ever: only another thread could end "
                "the wait, and that"
            )
        # CPython waits out the timeout; nothing can release the lock meanwhile.
        import time

        time.sleep(timeout)
        return False

    acquire_lock = acquire

    def release(self):
        if not self._held:
            raise RuntimeError("release unlocked lock")
        self._held = False

    release_lock = release

    def locked(self):
        return self._held

    locked_lock = locked

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()

    def _at_fork_reinit(self):
        self._held = False

    def __repr__(self):
        state = "locked" if self._held else "unlocked"
        return f"<{state} _thread.lock object at {hex(id(self))}>"


LockType = lock


def allocate_lock():
    return lock()


class RLock:
    """A reentrant lock: the one thread owns it whenever it is held."""

    __slots__ = ("_count", "__weakref__")

    def __init__(self, *args, **kwargs):
        self._count = 0

    def acquire(self, blocking=True, timeout=-1):
        _check_timeout(blocking, timeout)
        self._count += 1
        return True

    def release(self):
        if not self._count:
            raise RuntimeError("cannot release un-acquired lock")
        self._count -= 1

    def locked(self):
        return self._count > 0

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()

    # What threading.Condition asks of the lock it wraps.
    def _is_owned(self):
        return self._count > 0

    def _release_save(self):
        if not self._count:
            raise RuntimeError("cannot release un-acquired lock")
        count, self._count = self._count, 0
        return (count, _IDENT)

    def _acquire_restore(self, state):
        self._count = state[0]

    def _recursion_count(self):
        return self._count

    def _at_fork_reinit(self):
        self._count = 0

    def __repr__(self):
        state = "locked" if self._count else "unlocked"
        owner = _IDENT if self._count else 0
        return f"<{state} _thread.RLock object owner={owner} count={self._count} at {hex(id(self))}>"


class _local:
    """Thread-local data: with one thread, the object's own attributes."""

    def __new__(cls, /, *args, **kwargs):
        if (args or kwargs) and cls.__init__ is object.__init__:
            raise TypeError("Initialization arguments are not supported")
        return object.__new__(cls)


class _ThreadHandle:
    """The handle of the one thread (no other thread ever starts)."""

    def __init__(self, ident=None):
        self._ident = ident
        self._done = False

    @property
    def ident(self):
        return self._ident

    def is_done(self):
        return self._done

    def _set_done(self):
        self._done = True

    def join(self, timeout=None):
        if not self._done and self._ident == _IDENT:
            raise RuntimeError("Cannot join current thread")

    def __repr__(self):
        return f"<_thread._ThreadHandle object: ident={self._ident}>"


def _thread_name(function):
    thread = getattr(function, "__self__", None)
    name = getattr(thread, "name", None)
    return f"starting thread {name!r}" if name else f"starting a thread for {function!r}"


def start_joinable_thread(function, handle=None, daemon=True):
    raise _needs_real_threads(_thread_name(function))


def start_new_thread(function, args, kwargs=None, /):
    if not isinstance(args, tuple):
        raise TypeError("2nd arg must be a tuple")
    if kwargs is not None and not isinstance(kwargs, dict):
        raise TypeError("optional 3rd arg must be a dictionary")
    raise _needs_real_threads(_thread_name(function))


start_new = start_new_thread


def _make_thread_handle(ident):
    return _ThreadHandle(ident)


def _get_main_thread_ident():
    return _IDENT


def get_ident():
    return _IDENT


def get_native_id():
    import posix

    return posix.getpid()


def _is_main_interpreter():
    return True


def daemon_threads_allowed():
    return True


def _shutdown():
    # No thread but this one: nothing to join.
    pass


def _count():
    return 0


def exit():
    raise SystemExit


exit_thread = exit


def stack_size(size=0, /):
    global _stack_size
    if size != 0 and size < 32768:
        raise ValueError("size not valid: 32768 bytes minimum")
    previous, _stack_size = _stack_size, size
    return previous


def interrupt_main(signum=2, /):
    # As CPython: the signal's Python handler runs; a signal Python does not handle is ignored.
    import _signal

    handler = _signal.getsignal(signum)
    if callable(handler):
        handler(signum, None)


def _rebind_early_imports():
    # Start-up imports (functools' RLock, reprlib's get_ident) bound the stand-in's objects.
    import sys

    replaced = {
        id(old): globals()[name]
        for name, old in _stand_in.items()
        if callable(old) and globals().get(name, old) is not old
    }
    for module in list(sys.modules.values()):
        namespace = getattr(module, "__dict__", None)
        if namespace is None or namespace is globals():
            continue
        for name, value in list(namespace.items()):
            new = replaced.get(id(value))
            if new is not None:
                namespace[name] = new


_rebind_early_imports()
# Names of the stand-in that CPython's `_thread` does not have.
for _name in ("_MAIN_THREAD_IDENT", "_interrupt", "_main", "_set_sentinel", "__all__"):
    globals().pop(_name, None)
del _name, _stand_in, _rebind_early_imports
