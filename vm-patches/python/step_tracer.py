# The step tracer behind `copylab trace`: follows every deepcopy call step by step with
# sys.settrace and returns text or JSON lines; copylab prints it. copylab loads it into the
# namespace of runner.py, whose `_run_traced` runs the traced program.
#
# It reads the copy.py that is installed (any variant or --copy-py file) rather than knowing
# line numbers: each executed statement is matched by its code text (comments stripped)
# against the rules below, written in the baseline's spelling, or through the spellings the
# installed variant declares beside its patch (stdlib-copy/src/trace_spelling.rs); the locals
# of the frame say what happened (which copier was found, what __reduce_ex__ returned, ...).
# The lines a variant's patch changed (from the registry; a --copy-py file is diffed against
# the baseline) are marked, with their trailing comment, so a trace shows where they ran.
import difflib
import io
import json
import re
import reprlib
import sys
import tokenize


# -- tracing deepcopy ----------------------------------------------------------------------

class ExprError(Exception):
    """--expr cannot be compiled (args[0] == 'syntax') or raised (args[0] == 'raised')."""


def trace_expr(expr, setup, globals, patch, max_steps, as_json):
    """Deep-copies the value of `expr` (evaluated after the `setup` code, both untraced)."""
    if setup is not None:
        _, error = run_code(setup, globals, None, False)
        if error is not None:
            return None, error
    try:
        compiled = compile(expr, "<expr>", "eval")
    except SyntaxError as exc:
        raise ExprError("syntax", f"{exc.msg} (column {exc.offset})") from None
    try:
        value = eval(compiled, globals)
    except Exception as exc:
        raise ExprError("raised", f"{type(exc).__name__}: {exc}") from None
    import copy

    # Compiled, so the trace can say the outermost call came from <expr>.
    call = compile("deepcopy(value)", "<expr>", "eval")

    def run():
        # copy.deepcopy is looked up when the traced run starts, after _trace has put its
        # recorder in place for a native deepcopy.
        return eval(call, {"deepcopy": copy.deepcopy, "value": value})

    return _trace(run, patch, max_steps, as_json)


def trace_code(code, globals, patch, max_steps, as_json):
    """Runs a program as __main__ and traces every deepcopy call it makes."""
    return _trace(lambda: exec(code, globals), patch, max_steps, as_json)


def _trace(run, patch, max_steps, as_json):
    """`patch` is what the variant registry says of the installed copy.py: `changed` (its
    patch's lines) and `spellings` ([(statement, rule name, role or None)]), or, for a user's
    own copy.py, `baseline` (the source to diff it against)."""
    import _copylab
    import copy

    origin = _copylab.copy_origin
    source = _source_of(copy, origin)
    spellings = {_canonical(statement): (rule, role) for statement, rule, role in patch.get("spellings", ())}
    tracer = StepTracer(origin, SourceMap(source, patch), spellings, max_steps)
    recorder = NativeCalls.install(copy, tracer)
    try:
        _, error = _run_traced(run, tracer.global_trace, False)
    finally:
        if recorder is not None:
            recorder.uninstall()
    render = tracer.render_json if as_json else tracer.render_text
    return render(), error


def _source_of(module, origin):
    loader = getattr(module, "__loader__", None)
    try:
        source = loader.get_source("copy")
    except Exception:
        source = None
    if source is None:
        import linecache

        source = "".join(linecache.getlines(origin))
    return source


class SourceMap:
    """copy.py's statements: line -> (first line, code text without comments), and which
    statements differ from the baseline copy.py, with their trailing comment."""

    def __init__(self, source, patch):
        self.lines = source.splitlines()
        self.statement = {}
        self.comment = {}
        self._parse(source)
        # A variant's patch says which lines it changed; a user's copy.py is diffed.
        self.changed = set(patch.get("changed", ()))
        baseline_source = patch.get("baseline")
        if baseline_source is not None and baseline_source != source:
            matcher = difflib.SequenceMatcher(None, baseline_source.splitlines(), self.lines, autojunk=False)
            for tag, _, _, j1, j2 in matcher.get_opcodes():
                if tag in ("replace", "insert"):
                    self.changed.update(range(j1 + 1, j2 + 1))

    def _parse(self, source):
        tokens = tokenize.generate_tokens(io.StringIO(source).readline)
        skip = (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT, tokenize.ENDMARKER)
        start = None
        comment_at = {}
        try:
            for token in tokens:
                if token.type == tokenize.COMMENT:
                    self.comment.setdefault(token.start[0], token.string.lstrip("#").strip())
                    comment_at[token.start[0]] = token.start[1]
                elif token.type == tokenize.NEWLINE and start is not None:
                    end = token.start[0]
                    code = " ".join(
                        self.lines[line - 1][: comment_at.get(line, None)].strip() for line in range(start, end + 1)
                    )
                    entry = (start, _canonical(code), re.sub(r"\s+", " ", code).strip())
                    for line in range(start, end + 1):
                        self.statement[line] = entry
                    start = None
                elif token.type not in skip and start is None:
                    start = token.start[0]
        except (tokenize.TokenError, SyntaxError):
            pass

    def of(self, line):
        """(first line, canonical code, code as written) of the statement running at `line`."""
        return self.statement.get(line, (line, "", ""))

    def is_changed(self, start):
        end = start
        while self.statement.get(end + 1, (None,))[0] == start:
            end += 1
        return any(line in self.changed for line in range(start, end + 1))

    def comment_of(self, start):
        line = start
        while self.statement.get(line, (None,))[0] == start:
            if line in self.comment:
                return self.comment[line]
            line += 1
        return None


def _canonical(code):
    """One spelling per statement (`f(a, b)`, `x = y`, `a.b`), so rules match however
    copy.py spaces its code. Only for matching; traces show the code as written."""
    code = re.sub(r"\s+", " ", code).strip()
    code = re.sub(r"\s*([.(\[])\s*", r"\1", code)
    code = re.sub(r"\s*([)\]])", r"\1", code)
    code = re.sub(r"\s*,\s*", ", ", code)
    return re.sub(r"(?<![=<>!:+\-*/%&|^@])\s*=\s*(?!=)", " = ", code)


class _ShortRepr(reprlib.Repr):
    def repr_instance(self, obj, level):
        # The default <C object at 0x...> says nothing the type and id don't.
        if type(obj).__repr__ is object.__repr__:
            return f"<{type(obj).__name__}>"
        return super().repr_instance(obj, level)


_SHORT = _ShortRepr()
_SHORT.maxstring = 30
_SHORT.maxother = 40
_SHORT.maxlist = _SHORT.maxtuple = _SHORT.maxset = 5
_SHORT.maxdict = 4
_SHORT.maxlevel = 3


def short(obj):
    """A bounded repr; never raises (objects under reconstruction may not repr yet)."""
    try:
        return _SHORT.repr(obj)
    except Exception:
        return f"<{_type_name(obj)} object>"


def _type_name(obj):
    cls = type(obj)
    module = getattr(cls, "__module__", "builtins")
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("builtins", "__main__") else f"{module}.{name}"


def describe(obj):
    if type(obj).__repr__ is object.__repr__:
        return f"{_type_name(obj)} {id(obj):#x}"
    return f"{_type_name(obj)} {id(obj):#x} {short(obj)}"


def _callable_name(obj):
    module = getattr(obj, "__module__", None)
    name = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None)
    if name is None:
        return short(obj)
    return name if module in (None, "builtins", "__main__") else f"{module}.{name}"


class FrameState:
    __slots__ = ("frame", "function", "node_depth", "is_deepcopy", "pending", "prev_text",
                 "exc", "result_said", "calls_in_stmt", "steps")

    def __init__(self, frame, function, node_depth, is_deepcopy):
        self.frame = frame
        self.function = function
        self.node_depth = node_depth
        self.is_deepcopy = is_deepcopy
        self.pending = None  # (line, start, text, rule) of the statement running now
        self.prev_text = ""
        self.exc = None
        self.result_said = False
        self.calls_in_stmt = 0
        self.steps = None  # generic changed-line steps already shown in this deepcopy node


class Ctx:
    """What a rule sees: the frame's locals, and after the statement what followed it."""

    __slots__ = ("tracer", "state", "frame", "line", "text", "locals", "next_text")

    def __init__(self, tracer, state, frame, line, text):
        self.tracer = tracer
        self.state = state
        self.frame = frame
        self.line = line
        self.text = text
        self.locals = frame.f_locals
        self.next_text = None

    def get(self, name, default=None):
        return self.locals.get(name, default)

    @property
    def raised(self):
        """The statement raised and the frame is unwinding."""
        return self.next_text is None and self.state.exc is not None

    def emit(self, kind, text, **fields):
        self.tracer.emit(self.state, self.line, kind, text, fields)


def _is_native(function):
    """True when `function`, or what it wraps, is copylab's native deepcopy (variant native)."""
    seen = 0
    while function is not None and seen < 8:
        if type(function).__name__ == "native_deepcopy":
            return True
        function = getattr(function, "__wrapped__", None)
        seen += 1
    return False


class NativeCalls:
    """Shows the calls that enter a native (Rust) deepcopy as steps of their own.

    Native code runs no copy.py lines, so sys.settrace cannot follow it. While tracing, the
    module's `deepcopy` is wrapped by a recorder: every call that reaches it from Python
    code (the program, or one of copy.py's Python fallbacks) becomes a `native` step, with
    what it returned. What happens inside the call is not traced."""

    def __init__(self, module, tracer):
        self.module = module
        self.tracer = tracer
        self.original = module.deepcopy

    @classmethod
    def install(cls, module, tracer):
        if not _is_native(module.deepcopy):
            return None
        recorder = cls(module, tracer)
        original = recorder.original

        def deepcopy(x, memo=None, _nil=[]):
            return recorder.call(original, x, memo)

        deepcopy.__wrapped__ = original
        module.deepcopy = deepcopy
        return recorder

    def uninstall(self):
        self.module.deepcopy = self.original

    def call(self, original, x, memo):
        tracer = self.tracer
        caller = sys._getframe(2)
        tracer.deepcopy_calls += 1
        tracer.routes["native"] = tracer.routes.get("native", 0) + 1
        where = f"{caller.f_code.co_filename}:{caller.f_lineno}"
        text = f"deepcopy({describe(x)})  native: copied in Rust, steps not traced  from {where}"
        tracer._append({"depth": tracer.depth, "line": None, "function": None, "kind": "native",
                        "text": text, "changed": False, "comment": None,
                        "type": _type_name(x), "id": id(x), "repr": short(x), "caller": where})
        y = original(x, memo) if memo is not None else original(x)
        tracer._append({"depth": tracer.depth + 1, "line": None, "function": None,
                        "kind": "return", "text": f"returns {describe(y)}", "changed": False,
                        "comment": None})
        return y


class StepTracer:
    def __init__(self, origin, smap, spellings, max_steps):
        self.origin = origin
        self.smap = smap
        # The installed variant's own spellings of steps: canonical statement -> (rule, role).
        self.spellings = spellings
        self.max_steps = max_steps
        self.steps = []
        self.dropped = 0
        self.frames = []
        self.depth = 0
        self.deepcopy_calls = 0
        self.routes = {}
        self.rule_cache = {}

    # sys.settrace entry points; they must never raise (that would uninstall the tracer).
    def global_trace(self, frame, event, arg):
        try:
            return self._on_call(frame)
        except Exception as exc:
            self._internal_error(exc)
            return None

    def local_trace(self, frame, event, arg):
        try:
            state = self._state_of(frame)
            if state is None:
                return None
            if event == "line":
                self._on_line(state, frame)
            elif event == "return":
                self._on_return(state, frame, arg)
            elif event == "exception":
                state.exc = arg
        except Exception as exc:
            self._internal_error(exc)
        return self.local_trace

    def _internal_error(self, exc):
        self.steps.append({"depth": 0, "line": None, "function": None, "kind": "tracer-error",
                           "text": f"copylab's tracer failed here: {type(exc).__name__}: {exc}",
                           "changed": False, "comment": None})

    def _state_of(self, frame):
        frames = self.frames
        for index in range(len(frames) - 1, -1, -1):
            if frames[index].frame is frame:
                del frames[index + 1:]
                return frames[index]
        return None

    def _on_call(self, frame):
        code = frame.f_code
        if code.co_filename != self.origin:
            return None
        is_deepcopy = code.co_name == "deepcopy"
        if not is_deepcopy and self.depth == 0:
            return None  # copy.copy() and module code: not part of a deepcopy
        if is_deepcopy:
            self._begin_node(frame)
            state = FrameState(frame, code.co_name, self.depth, True)
            state.steps = {}
        else:
            parent = self.frames[-1] if self.frames else None
            state = FrameState(frame, code.co_name, parent.node_depth if parent else self.depth, False)
            state.steps = parent.steps if parent else {}
        self.frames.append(state)
        return self.local_trace

    def _begin_node(self, frame):
        self.deepcopy_calls += 1
        values = frame.f_locals
        x = values.get("x")
        memo = values.get("memo")
        caller = frame.f_back
        while caller is not None and caller.f_code.co_filename.startswith("<copylab:") \
                and caller.f_code.co_filename != self.origin:
            caller = caller.f_back  # copylab's own wrappers (--memo cam) are not the caller
        fields = {"type": _type_name(x), "id": id(x), "repr": short(x),
                  "memo": None if memo is None else f"{type(memo).__name__} of {_len(memo)}"}
        line = None
        role = None
        where = None
        parent = self._state_of_frame(caller)
        if parent is not None:
            line = caller.f_lineno
            role = self._role(parent, self.smap.of(line)[1])
            parent.calls_in_stmt += 1
        elif caller is not None:
            where = f"{caller.f_code.co_filename}:{caller.f_lineno}"
        fields["role"] = role
        fields["caller"] = where
        text = f"deepcopy({describe(x)})"
        if role:
            text += f"  [{role}]"
        if memo is not None and parent is None:
            text += f"  memo: {fields['memo']}"
        if where:
            text += f"  from {where}"
        changed = False
        comment = None
        function = parent.function if parent is not None else None
        if parent is not None:
            start = self.smap.of(line)[0]
            changed = self.smap.is_changed(start)
            comment = self.smap.comment_of(start) if changed else None
        self._append({"depth": self.depth, "line": line, "function": function, "kind": "deepcopy",
                      "text": text, "changed": changed, "comment": comment, **fields})
        self.depth += 1

    def _state_of_frame(self, frame):
        if frame is None:
            return None
        for state in reversed(self.frames):
            if state.frame is frame:
                return state
        return None

    def _on_line(self, state, frame):
        line = frame.f_lineno
        lasti = frame.f_lasti
        start, text, written = self.smap.of(line)
        pending = state.pending
        if pending is not None and pending[1] == start and lasti > pending[0]:
            # Another physical line of the statement already running (a backward jump, as
            # in a loop, starts a new run of it).
            state.pending = (lasti,) + pending[1:]
            return
        self._finish(state, frame, text)
        state.exc = None
        state.calls_in_stmt = 0
        rule = self._rule(state.function, start, text)
        state.pending = (lasti, start, text, written, rule)
        before = len(self.steps) + self.dropped
        if rule is not None and rule[2] is not None:
            rule[2](Ctx(self, state, frame, start, text))
        if self.smap.is_changed(start) and len(self.steps) + self.dropped == before \
                and (rule is None or rule[3] is None):
            self._generic_changed(state, start, written)

    def _finish(self, state, frame, next_text):
        pending = state.pending
        if pending is None:
            return
        state.pending = None
        _, start, text, written, rule = pending
        state.prev_text = text
        if rule is None or rule[3] is None:
            return
        ctx = Ctx(self, state, frame, start, text)
        ctx.next_text = next_text
        before = len(self.steps) + self.dropped
        rule[3](ctx)
        if self.smap.is_changed(start) and len(self.steps) + self.dropped == before:
            self._generic_changed(state, start, written)

    def _generic_changed(self, state, start, text):
        if _role_pattern(self.smap.of(start)[1]) is not None:
            return  # the deepcopy call it makes is shown, marked, as a child
        # A loop runs its changed lines once per item: show each once per deepcopy node,
        # with a count, rather than flooding the trace.
        key = (state.node_depth, start)
        seen = state.steps.get(key)
        if seen is not None:
            seen["count"] += 1
            return
        step = self.emit(state, start, "variant-line", text if len(text) <= 72 else text[:69] + "...", {"count": 1})
        if step is not None:
            state.steps[key] = step

    def _on_return(self, state, frame, value):
        unwinding = state.exc is not None
        self._finish(state, frame, None)
        if state.is_deepcopy:
            line = frame.f_lineno
            if unwinding:
                exc = state.exc[1]
                text = f"raises {type(exc).__name__}: {exc}"
                self.emit(state, line, "raise", text, {"error": f"{type(exc).__name__}: {exc}"}, marked=False)
            elif not state.result_said:
                x = frame.f_locals.get("x")
                itself = " (x itself)" if value is x else ""
                self.emit(state, line, "return", f"returns {describe(value)}{itself}",
                          {"type": _type_name(value), "id": id(value), "itself": value is x}, marked=False)
            self.depth -= 1
        self.frames.pop()

    def _rule(self, function, start, text):
        key = (function, start)
        if key not in self.rule_cache:
            spelled = self.spellings.get(text)
            if spelled is not None:
                rule = RULES_BY_NAME[spelled[0]]
                found = rule if rule[0] is None or function in rule[0] else None
            else:
                found = next(
                    (
                        rule
                        for rule in RULES
                        if rule[1] is not None and (rule[0] is None or function in rule[0]) and rule[1].fullmatch(text)
                    ),
                    None,
                )
            self.rule_cache[key] = found
        return self.rule_cache[key]

    def _role(self, parent, text):
        spelled = self.spellings.get(text)
        if spelled is not None and spelled[1] is not None:
            return spelled[1]
        return _role(parent, text)

    def emit(self, state, line, kind, text, fields, marked=True):
        start = self.smap.of(line)[0]
        changed = marked and self.smap.is_changed(start)
        step = {"depth": state.node_depth, "line": line, "function": state.function, "kind": kind,
                "text": text, "changed": changed,
                "comment": self.smap.comment_of(start) if changed else None, **fields}
        if kind == "route":
            self.routes[fields["route"]] = self.routes.get(fields["route"], 0) + 1
        return self._append(step)

    def _append(self, step):
        if len(self.steps) >= self.max_steps:
            self.dropped += 1
            return None
        self.steps.append(step)
        return step

    # -- output ----------------------------------------------------------------------------

    def summary(self):
        routes = ", ".join(f"{name} {count}" for name, count in sorted(self.routes.items(), key=lambda kv: -kv[1]))
        return {"deepcopy_calls": self.deepcopy_calls, "steps": len(self.steps) + self.dropped,
                "steps_not_shown": self.dropped, "routes": dict(self.routes), "routes_text": routes}

    def render_text(self):
        out = []
        for step in self.steps:
            line = "" if step["line"] is None else str(step["line"])
            marker = "*" if step["changed"] else " "
            text = step["text"]
            if step.get("count", 1) > 1:
                text += f"  (x{step['count']})"
            row = f"{marker}{line:>4}  {'  ' * step['depth']}{text}"
            if step["changed"]:
                row += f"    # {step['comment']}" if step["comment"] else "    # (changed from the baseline)"
            out.append(row)
        info = self.summary()
        if not self.steps and not self.dropped:
            out.append("(no deepcopy call was made)")
        out.append("")
        tail = f"{info['deepcopy_calls']} deepcopy calls, {info['steps']} steps"
        if info["routes_text"]:
            tail += f"; routes: {info['routes_text']}"
        out.append(tail)
        if self.dropped:
            out.append(f"{self.dropped} steps not shown (raise --max-steps to see them)")
        return "\n".join(out) + "\n"

    def render_json(self):
        out = []
        for index, step in enumerate(self.steps):
            out.append(json.dumps({"step": index, **step}))
        out.append(json.dumps({"step": None, "kind": "summary", **{k: v for k, v in self.summary().items() if k != "routes_text"}}))
        return "\n".join(out) + "\n"


def _len(obj):
    try:
        return len(obj)
    except Exception:
        return "?"


# -- the rules -----------------------------------------------------------------------------
# (functions or None for any, statement regex, on start, after the statement). Statements are
# in canonical spacing (see _tight); variants' spellings are alternatives in the regexes.

def _roles():
    table = [
        (r"append\(deepcopy\(a, memo\)\)", "list item"),
        (r"y\[deepcopy\(key, memo\)\] = deepcopy\(value, memo\)", ("dict value", "dict key")),
        (r"y = \[deepcopy\(a, memo\) for a in x\]", "tuple item"),
        (r"args = \(deepcopy\(arg, memo\) for arg in args\)", "reduce arg"),
        (r"state = deepcopy\(state, memo\)", "state"),
        (r"item = deepcopy\(item, memo\)", "listiter item"),
        (r"key = deepcopy\(key, memo\)", "dictiter key"),
        (r"value = deepcopy\(value, memo\)", "dictiter value"),
        (r"return type\(x\)\(x\.__func__, deepcopy\(x\.__self__, memo\)\)", "method's __self__"),
    ]
    return [(re.compile(pattern), role) for pattern, role in table]


_ROLES = _roles()


def _role_pattern(text):
    for pattern, role in _ROLES:
        if pattern.fullmatch(text):
            return role
    return None


def _role(parent, text):
    role = _role_pattern(text)
    if isinstance(role, tuple):
        return role[parent.calls_in_stmt % len(role)]
    return role


def _atomic_return(ctx):
    x = ctx.get("x")
    ctx.state.result_said = True
    ctx.emit("route", f"atomic: {_type_name(x)} is immutable, returned as is (no memo)", route="atomic")


def _new_memo(ctx):
    ctx.emit("memo-new", "memo is None: a new memo dict for this deepcopy")


def _memo_lookup(ctx):
    y = ctx.get("y")
    if y is not ctx.get("_nil"):
        ctx.state.result_said = True
        ctx.emit("memo-hit", f"memo hit: already copied, returns {describe(y)}",
                 route="memo", key=ctx.get("d"), id=id(y))
        ctx.tracer.routes["memo"] = ctx.tracer.routes.get("memo", 0) + 1
    else:
        ctx.emit("memo-miss", f"memo miss: {ctx.get('d'):#x} not copied yet", key=ctx.get("d"))


def _dispatch(ctx):
    copier = ctx.get("copier")
    if copier is not None:
        cls = ctx.get("cls")
        ctx.emit("route", f"dispatch: _deepcopy_dispatch[{cls.__name__}] is {_callable_name(copier)}",
                 route="dispatch", copier=_callable_name(copier))


def _class_or_global(ctx):
    previous = ctx.state.prev_text
    if previous.startswith("if issubclass("):
        ctx.emit("route", "a class: copied as itself (atomic copy)", route="class")
    elif previous.startswith("if isinstance(rv, str)"):
        ctx.emit("reduce-global", f"reduce value {ctx.get('rv')!r} is a string: x is a global, returned as is")


def _deepcopy_hook(ctx):
    copier = ctx.get("copier")
    if copier is not None:
        ctx.emit("route", f"__deepcopy__: calls {_callable_name(copier)}(memo)", route="__deepcopy__",
                 copier=_callable_name(copier))


def _copyreg(ctx):
    reductor = ctx.get("reductor")
    if reductor:
        cls = ctx.get("cls")
        ctx.emit("route", f"copyreg dispatch table: dispatch_table[{cls.__name__}] is {_callable_name(reductor)}",
                 route="copyreg", reducer=_callable_name(reductor))


def _reduce_ex(ctx):
    reductor = ctx.get("reductor")
    if reductor is None:
        return
    cls = ctx.get("cls")
    note = ""
    if getattr(cls, "__reduce_ex__", None) is object.__reduce_ex__ \
            and getattr(cls, "__reduce__", None) is not object.__reduce__:
        note = f" (object.__reduce_ex__ calls {cls.__name__}.__reduce__)"
    ctx.emit("route", f"__reduce_ex__(4){note}", route="__reduce_ex__")


def _reduce(ctx):
    reductor = ctx.get("reductor")
    if reductor:
        ctx.emit("route", "__reduce__()", route="__reduce__")


def _reduce_value(ctx):
    if ctx.raised:
        return
    rv = ctx.get("rv")
    if isinstance(rv, str) or not isinstance(rv, tuple):
        ctx.emit("reduce", f"reduce value: {short(rv)}", value=short(rv))
        return
    names = ("func", "args", "state", "listiter", "dictiter")
    parts = {}
    for name, value in zip(names, rv):
        parts[name] = _callable_name(value) if name == "func" else short(value)
    shown = ", ".join(f"{name}={value}" for name, value in parts.items()
                      if not (name != "func" and name != "args" and value == "None"))
    ctx.emit("reduce", f"reduce tuple: {shown}", **{name: parts.get(name) for name in names})


def _reconstruct_call(ctx):
    ctx.emit("reconstruct", ctx.text[len("y = "):])


def _memo_store(ctx):
    y = ctx.get("y")
    key = ctx.get("d") if ctx.text.startswith("memo[d]") else id(ctx.get("x"))
    memo = ctx.get("memo")
    # The step runs before the store: a new key makes the memo one entry longer.
    size = _len(memo)
    if isinstance(size, int):
        size += 0 if _contains(memo, key) else 1
    ctx.emit("memo-store", f"memo[{key:#x}] = {describe(y)}", key=key, id=id(y), memo_len=size)


def _keep_alive_append(ctx):
    if ctx.next_text is not None and ctx.next_text.startswith("except"):
        return  # the KeyError path creates the list instead
    memo = ctx.get("memo")
    kept = memo.get(id(memo)) if hasattr(memo, "get") else None
    count = f" ({len(kept)} kept)" if isinstance(kept, list) else ""
    ctx.emit("keep-alive", f"keep alive: memo[id(memo)].append(x){count}", kept=_kept(kept))


def _keep_alive_first(ctx):
    ctx.emit("keep-alive", "keep alive: first one, memo[id(memo)] = [x]", kept=_kept([ctx.get("x")]))


def _keep_alive_inline_append(ctx):
    keep = ctx.get("keep")
    count = f" ({len(keep) + 1} kept)" if isinstance(keep, list) else ""
    kept = keep + [ctx.get("x")] if isinstance(keep, list) else None
    ctx.emit("keep-alive", f"keep alive: memo[id(memo)].append(x){count}", kept=_kept(kept))


def _kept(kept):
    """The keep-alive list after the step, each original by type and id (None if unknown)."""
    if not isinstance(kept, list):
        return None
    # The last few: the ones this step and the steps just before it added.
    shown = [describe(obj) for obj in kept[-_SHORT.maxlist:]]
    return (["..."] if len(kept) > len(shown) else []) + shown


def _contains(memo, key):
    try:
        return key in memo
    except Exception:
        return False


def _args_to_copy(ctx):
    if ctx.state.function != "_reconstruct":
        return  # the generator itself, resumed for each arg
    ctx.emit("reconstruct-args", f"args {short(ctx.get('args'))}: each deep-copied as func(*args) takes it")


def _construct(ctx):
    if ctx.raised:
        return
    y = ctx.get("y")
    text = ctx.text
    if text.startswith("y = args[0].__new__"):
        args = ctx.get("args") or ()
        cls = args[0] if args else None
        called = f"{getattr(cls, '__name__', '?')}.__new__(*args)"
    else:
        func = ctx.get("func") if text.startswith("y = func(") else (ctx.get("rv") or (None,))[0]
        called = f"{_callable_name(func)}(*args)"
    ctx.emit("construct", f"y = {called} -> {_type_name(y)} {id(y):#x}", id=id(y), called=called)


def _setstate(ctx):
    ctx.emit("setstate", f"y.__setstate__({short(ctx.get('state'))})")


def _dict_update(ctx):
    ctx.emit("dict-update", f"y.__dict__.update({short(ctx.get('state'))})")


def _split_state(ctx):
    ctx.emit("slot-state", "state is (dict state, slot state): split")


def _setattr(ctx):
    ctx.emit("slot-state", f"setattr(y, {ctx.get('key')!r}, {short(ctx.get('value'))})")


def _append_item(ctx):
    ctx.emit("list-item", f"y.append({describe(ctx.get('item'))})")


def _set_item(ctx):
    ctx.emit("dict-item", f"y[{short(ctx.get('key'))}] = {short(ctx.get('value'))}")


def _atomic_arg(ctx):
    a = ctx.get("a")
    atomic = ctx.frame.f_globals.get("_atomic_types", ())
    if type(a) in atomic:
        ctx.emit("route", f"reduce arg {_type_name(a)} {short(a)} is atomic: kept, no deepcopy call",
                 route="atomic (inline)")


def _tuple_memo_hit(ctx):
    if ctx.next_text is not None or ctx.state.exc is not None:
        return  # KeyError: not in the memo, the usual case
    ctx.emit("memo-hit", "memo hit after copying the items: the tuple was reached through a cycle")


def _tuple_new(ctx):
    ctx.emit("tuple", "an item's copy is a new object: builds a new tuple")


def _tuple_same(ctx):
    ctx.emit("tuple", "every item is its own copy: the tuple is returned as is")


def _tuple_atoms(ctx):
    ctx.emit("route", "a tuple of atoms: its own copy, no item copies", route="atomic (inline)")


# Function names only where the same code means different things (`return x`, `y = x`):
# variants move steps into helpers of their own (fastpath's _reconstruct_fast, ...).
_DEEPCOPY = ("deepcopy",)
_TUPLE = ("_deepcopy_tuple",)

# Named, and written in the baseline's spelling only: a variant's own spellings of these steps
# are declared beside its patch (stdlib-copy/src/trace_spelling.rs) and reach the tracer by
# name. A rule without a pattern is a step only variants have.
_NAMED_RULES = [
    ("atomic_return", _DEEPCOPY, r"return x", _atomic_return, None),
    ("class_or_global", _DEEPCOPY, r"y = x", _class_or_global, None),
    ("tuple_atoms", _TUPLE, r"return x", _tuple_atoms, None),
    ("tuple_same", _TUPLE, r"y = x", _tuple_same, None),
    ("tuple_new", _TUPLE, r"y = tuple\(y\)", _tuple_new, None),
    ("tuple_memo_hit", _TUPLE, r"return memo\[id\(x\)\]", None, _tuple_memo_hit),
    ("new_memo", None, r"memo = \{\}", _new_memo, None),
    ("memo_lookup", None, r"y = memo\.get\(d, _nil\)", None, _memo_lookup),
    ("dispatch", None, r"copier = _deepcopy_dispatch\.get\(cls\)", None, _dispatch),
    ("deepcopy_hook", None, r"copier = getattr\(x, \"__deepcopy__\", None\)", None, _deepcopy_hook),
    ("copyreg", None, r"reductor = dispatch_table\.get\(cls\)", None, _copyreg),
    ("reduce_ex", None, r"reductor = getattr\(x, \"__reduce_ex__\", None\)", None, _reduce_ex),
    ("reduce", None, r"reductor = getattr\(x, \"__reduce__\", None\)", None, _reduce),
    ("reduce_value", None, r"rv = reductor\((x|4|)\)", None, _reduce_value),
    ("reconstruct_call", None, r"y = _reconstruct\(x, memo, \*rv\)", _reconstruct_call, None),
    ("memo_store", None, r"memo\[(d|id\(x\))\] = y", _memo_store, None),
    ("keep_alive_inline_append", None, None, _keep_alive_inline_append, None),
    ("keep_alive_append", None, r"memo\[id\(memo\)\]\.append\(x\)", None, _keep_alive_append),
    ("keep_alive_first", None, r"memo\[id\(memo\)\] = \[x\]", _keep_alive_first, None),
    ("atomic_arg", None, None, _atomic_arg, None),
    ("args_to_copy", None, r"args = \(deepcopy\(arg, memo\) for arg in args\)", _args_to_copy, None),
    ("construct", None, r"y = func\(\*args\)", None, _construct),
    ("setstate", None, r"y\.__setstate__\(state\)", _setstate, None),
    ("dict_update", None, r"y\.__dict__\.update\(state\)", _dict_update, None),
    ("split_state", None, r"state, slotstate = state", _split_state, None),
    ("setattr", None, r"setattr\(y, key, value\)", _setattr, None),
    ("append_item", None, r"y\.append\(item\)", _append_item, None),
    ("set_item", None, r"y\[key\] = value", _set_item, None),
]
RULES = [
    (functions, None if pattern is None else re.compile(pattern), start, end)
    for _, functions, pattern, start, end in _NAMED_RULES
]
RULES_BY_NAME = {name: rule for (name, *_), rule in zip(_NAMED_RULES, RULES)}
