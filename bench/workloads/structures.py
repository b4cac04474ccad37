"""Ten kinds of structures, deep-copied one by one or all at once.

`ten_separate_sN` makes ten deepcopy calls (one memo each); `ten_combined_sN`
copies the same ten structures in one list with one deepcopy call (one memo
for everything). The difference between the two is the per-call overhead of
deepcopy against the cost of a bigger memo.

Scale N multiplies every size by 4 ** (N - 1) (1x, 4x, 16x), so the three
scales show how each copy.py variant and memo backend grows with the number
of objects. The "shared" edition links the structures through common mutable
objects and a cycle: with one memo the shared parts are copied once, with ten
they are copied once per structure that reaches them.

Inputs are built at import time: only copying is timed.
"""

import copy
from dataclasses import dataclass, field


@dataclass
class Point:
    x: int
    y: float
    label: str
    history: list = field(default_factory=list)


def nested_lists(n):
    return [[[i, i + 1, i + 2] for i in range(3)] for _ in range(2 * n)]


def nested_dicts(n):
    return {"k%d" % i: {"j%d" % j: {"v": i * j, "w": [i, j]} for j in range(3)}
            for i in range(n)}


def tuples_of_lists(n):
    return tuple([i, i * 2, "s%d" % i] for i in range(5 * n))


def set_of_frozensets(n):
    return {frozenset(range(i, i + 5)) for i in range(3 * n)}


def mixed_dict(n):
    return {"int": 1, "float": 2.5, "str": "text", "none": None, "bytes": b"raw",
            "tuple": (1, "a", 2.0), "list": list(range(3 * n)),
            "nested": {"flag": True, "items": [(i, str(i)) for i in range(2 * n)]}}


def list_of_dicts(n):
    return [{"id": i, "name": "n%d" % i, "tags": ["a", "b"]} for i in range(3 * n)]


def dataclass_objects(n):
    return [Point(i, i / 2, "p%d" % i, [i, i + 1]) for i in range(2 * n)]


def nested_combination(n):
    return {"rows": [(i, {"cells": [i, [i, i]], "meta": ("m", i)}) for i in range(2 * n)],
            "index": {i: [Point(i, 0.0, "c")] for i in range(n)}}


def list_of_strings(n):
    return ["string number %d" % i for i in range(8 * n)]


def dicts_of_lists_of_dicts(n):
    return {"group%d" % g: [{"k": i, "v": [i, g]} for i in range(5)] for g in range(n)}


BUILDERS = (nested_lists, nested_dicts, tuples_of_lists, set_of_frozensets, mixed_dict,
            list_of_dicts, dataclass_objects, nested_combination, list_of_strings,
            dicts_of_lists_of_dicts)


def build(scale, shared):
    n = 4 ** (scale - 1)
    structures = [builder(n) for builder in BUILDERS]
    if shared:
        link(structures, n)
    return structures


def link(structures, n):
    """Make the structures share mutable objects and contain a cycle."""
    common_list = list(range(2 * n))
    common_dict = {"config": [1, 2, 3], "owner": Point(0, 0.0, "owner")}
    common_point = Point(1, 1.0, "shared", common_list)
    root = {"name": "root", "children": []}
    root["children"].append({"name": "child", "parent": root})  # the cycle
    nested_lists_, nested_dicts_, tuples_, _, mixed, dicts, points, combo, strings, groups = structures
    nested_lists_.append(common_list)
    nested_dicts_["shared"] = common_dict
    tuples_[0].append(common_point)
    mixed["shared"] = (common_list, common_dict)
    mixed["tree"] = root
    dicts.append(common_dict)
    points.append(common_point)
    combo["tree"] = root
    combo["shared"] = [common_list, common_point]
    strings.append(common_list)
    groups["group0"].append(common_dict)


_INPUTS = {(scale, shared): build(scale, shared) for scale in (1, 2, 3) for shared in (False, True)}


def _separate(structures):
    deepcopy = copy.deepcopy
    for structure in structures:
        deepcopy(structure)


def _combined(structures):
    copy.deepcopy(structures)


def bench_ten_separate_s1():
    _separate(_INPUTS[1, False])


def bench_ten_combined_s1():
    _combined(_INPUTS[1, False])


def bench_ten_separate_s2():
    _separate(_INPUTS[2, False])


def bench_ten_combined_s2():
    _combined(_INPUTS[2, False])


def bench_ten_separate_s3():
    _separate(_INPUTS[3, False])


def bench_ten_combined_s3():
    _combined(_INPUTS[3, False])


def bench_ten_shared_separate_s1():
    _separate(_INPUTS[1, True])


def bench_ten_shared_combined_s1():
    _combined(_INPUTS[1, True])


def bench_ten_shared_separate_s2():
    _separate(_INPUTS[2, True])


def bench_ten_shared_combined_s2():
    _combined(_INPUTS[2, True])


def bench_ten_shared_separate_s3():
    _separate(_INPUTS[3, True])


def bench_ten_shared_combined_s3():
    _combined(_INPUTS[3, True])
