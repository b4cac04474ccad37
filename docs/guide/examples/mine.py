"""A workload file: each top-level bench_* function is a workload."""
import copy

DATA = {"name": "x", "items": [[i, str(i)] for i in range(20)]}


def bench_my_dict():
    copy.deepcopy(DATA)
