"""Runs one test module as `python -m unittest -v MODULE` does, less the tests whose ids end
with a --skip name: for comparing what two interpreter builds pass (tests/fork.rs).

A skipped test is one the lean build cannot run at all (it would wait for ever on a thread
that never starts); the caller names it and says why.
"""

import argparse
import sys
import unittest


def leaves(suite):
    for test in suite:
        if isinstance(test, unittest.TestSuite):
            yield from leaves(test)
        else:
            yield test


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("module")
    parser.add_argument("--skip", action="append", default=[], metavar="NAME")
    args = parser.parse_args()
    loaded = unittest.defaultTestLoader.loadTestsFromName(args.module)
    kept = unittest.TestSuite(t for t in leaves(loaded) if not any(t.id().endswith("." + s) for s in args.skip))
    result = unittest.TextTestRunner(verbosity=2).run(kept)
    sys.exit(0 if result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()
