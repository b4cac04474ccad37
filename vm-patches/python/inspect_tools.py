# Helpers behind `copylab dis` and `copylab ast`. They return text; copylab prints it.
import ast
import dis
import importlib
import io
import re


def dis_source(source, filename):
    out = io.StringIO()
    dis.dis(compile(source, filename, "exec"), file=out)
    return out.getvalue()


def dis_function(path, relative_lines):
    func = resolve(path)
    out = io.StringIO()
    dis.dis(func, file=out)
    text = out.getvalue()
    if relative_lines:
        text = relative_line_numbers(text, first_line(func))
    return text


def resolve(path):
    """MODULE.QUALNAME -> the object; the longest importable prefix is the module."""
    parts = path.split(".")
    module = None
    for split in range(len(parts) - 1, 0, -1):
        name = ".".join(parts[:split])
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and not name.startswith(exc.name):
                raise
            continue
        break
    if module is None:
        raise LookupError(f"no module named {parts[0]!r} (give MODULE.QUALNAME, e.g. copy.deepcopy)")
    obj = module
    for attr in parts[split:]:
        try:
            obj = getattr(obj, attr)
        except AttributeError:
            raise LookupError(f"module {name!r} has no function {'.'.join(parts[split:])!r}") from None
    if not hasattr(obj, "__code__") and not isinstance(obj, type):
        raise LookupError(f"{path!r} is a {type(obj).__name__}, not a function, method or class")
    return obj


def first_line(obj):
    code = getattr(obj, "__code__", None)
    return code.co_firstlineno if code is not None else 0


# dis prints the source line number in the first column of the first instruction of a line.
_LINE_COLUMN = re.compile(r"^( *)(\d+)( )")


def relative_line_numbers(text, first):
    def shift(match):
        return f"{match.group(1)}{'+' + str(int(match.group(2)) - first):>{len(match.group(2))}}{match.group(3)}"

    return "".join(_LINE_COLUMN.sub(shift, line, count=1) for line in text.splitlines(keepends=True))


def dump_ast(source, filename, indent, include_attributes):
    tree = ast.parse(source, filename)
    return ast.dump(tree, indent=indent, include_attributes=include_attributes) + "\n"
