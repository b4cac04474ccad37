"""The example script of the guide: copies one structure 100 times, prints its arguments."""
import copy
import sys

L = list(range(10))
for _ in range(100):
    copy.deepcopy({"a": (L, L, L), "b": [L] * 100})
print("copied 100 times; arguments:", sys.argv[1:])
