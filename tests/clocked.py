"""Run a Python module on the suite's clock: `python -m tests.clocked uvicorn ...`.

When the suite runs with TEST_CLOCK (tests/conftest.py), the server processes a test starts
must live on the same shifted clock, or an edition that is open for the test would be closed
for the server. The parent passes its current (shifted) instant in TEST_CLOCK."""

import os
import runpy
import sys

if __name__ == "__main__":
    if start := os.environ.get("TEST_CLOCK"):
        import time_machine

        time_machine.travel(start, tick=True).start()
    sys.argv = sys.argv[1:]
    runpy.run_module(sys.argv[0], run_name="__main__", alter_sys=True)
