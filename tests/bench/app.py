"""Every benchmark of issue 11 in one run: each figure beside its baseline and its target.

Not a test (pytest only collects `test_*.py`). Run it by hand:
    .venv/bin/python tests/bench/app.py [--quick] [--only startup|long_session|trace|symbols]

It runs the benchmark scripts beside it one after another, each in its own process (so one
does not warm the next), and prints what each printed under a heading with the machine it ran
on. `--quick` passes each script fewer rounds: a smoke run, not figures to quote.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCRIPTS = {
    # name: (what it measures, full-run arguments, quick-run arguments)
    "startup": ("start-up: --help, cached sourcemap resolve, painted list", [], ["--runs", "3"]),
    "long_session": (
        "the issue list: long sessions, 10,000 issues",
        [],
        ["--moves", "400", "--runs", "2", "--presses", "60"],
    ),
    "trace": ("the issue screen: 10,000 frames and huge events", [], ["--runs", "1"]),
    "symbols": ("the symbol engine against sourcemap 0.2.1 and symbolic", [], ["--repeat", "1"]),
}


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=tuple(SCRIPTS), action="append")
    parser.add_argument("--quick", action="store_true", help="fewer rounds (smoke run)")
    args = parser.parse_args()
    print(f"machine: {machine()}", flush=True)
    failed = []
    for name in args.only or SCRIPTS:
        what, full, quick = SCRIPTS[name]
        print(f"\n=== {name}: {what}", flush=True)
        started = time.monotonic()
        command = [sys.executable, str(HERE / f"{name}.py"), *(quick if args.quick else full)]
        if subprocess.run(command, check=False).returncode != 0:
            failed.append(name)
        print(f"--- {name} took {time.monotonic() - started:.0f} s", flush=True)
    if failed:
        print(f"\nfailed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
