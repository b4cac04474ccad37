"""The deepcopy trio: the shapes of pyperformance's bm_deepcopy.

Each bench_* function is one timed call; inputs are built at import time so
only copying is measured.
"""

import copy
from dataclasses import dataclass


@dataclass
class A:
    string: str
    lst: list
    boolean: bool


_DICT = {"list": [1, 2, 3, 43], "t": (1, 2, 3), "str": "hello", "subdict": {"a": True}}
_RECORD = A("hello", [1, 2, 3], True)


def bench_deepcopy():
    """30 copies of a small dict, then 30 copies of a dataclass whose fields
    change between copies (3 strings x 5 list values x 2 booleans)."""
    deepcopy = copy.deepcopy
    for _ in range(30):
        deepcopy(_DICT)
    record = _RECORD
    for string in ("red", "blue", "green"):
        record.string = string
        for value in range(5):
            record.lst[0] = value
            for boolean in (True, False):
                record.boolean = boolean
                deepcopy(record)


class C:
    """Copied through __reduce__ / __setstate__ rather than the fast paths."""

    def __init__(self):
        self.a = 1
        self.b = 2

    def __reduce__(self):
        return (C, (), self.__dict__)

    def __setstate__(self, state):
        self.__dict__.update(state)


_REDUCED = C()


def bench_deepcopy_reduce():
    copy.deepcopy(_REDUCED)


_L = [1] * 100
_SHARED = {"a": (_L, _L, _L), "b": [_L] * 100}


def bench_deepcopy_memo():
    """One list reached 103 times: every visit after the first is a memo hit."""
    copy.deepcopy(_SHARED)
