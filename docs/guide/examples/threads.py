"""Needs real threads: the lean build refuses it, fork:threading runs it."""
from concurrent.futures import ThreadPoolExecutor
import copy
import threading

with ThreadPoolExecutor(2) as pool:
    copies = list(pool.map(copy.deepcopy, [[1, [2]], {"a": (3,)}]))
print(copies, threading.active_count() >= 1)
