"""A user's own pyperf benchmark, in the shape copylab's users write them: ten structures
deep-copied one by one (ten calls, ten memos) versus in one batched call (one memo)."""

import copy
from dataclasses import dataclass

import pyperf


@dataclass
class Point:
    x: int
    label: str
    history: list


STRUCTURES = [
    [[i, i + 1] for i in range(10)],
    {"k%d" % i: {"v": i, "w": [i]} for i in range(5)},
    tuple([i, "s%d" % i] for i in range(5)),
    {frozenset(range(i, i + 3)) for i in range(5)},
    {"int": 1, "float": 2.5, "none": None, "tuple": (1, "a"), "list": list(range(5))},
    [{"id": i, "tags": ["a", "b"]} for i in range(5)],
    [Point(i, "p%d" % i, [i]) for i in range(5)],
    [({"a": [1, 2]}, [(3, 4)]) for _ in range(3)],
    list(range(20)),
    {"deep": [[[[1]]]]},
]


def one_by_one():
    for structure in STRUCTURES:
        copy.deepcopy(structure)


def batched():
    copy.deepcopy(STRUCTURES)


if __name__ == "__main__":
    runner = pyperf.Runner()
    runner.bench_func("ten_one_by_one", one_by_one)
    runner.bench_func("ten_batched", batched)
