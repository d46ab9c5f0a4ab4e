"""Benchmark: the privacy mask's cost per KB on each rule's pathological input, against plain
text. Linear rules keep every row near the baseline at any size; a quadratic one grows with it.

Not a test (pytest only collects `test_*.py`). Run it by hand:

    .venv/bin/python tests/bench/mask.py [--kb 200]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.test_privacy import PATHOLOGICAL  # noqa: E402
from tui.privacy import mask_pii  # noqa: E402

PLAIN = "    return billing.charge(order.customer, order.total_cents)  # user 4821 retried\n"


def ms_per_kb(text: str) -> float:
    start = time.perf_counter()
    mask_pii(text)
    return (time.perf_counter() - start) * 1000 / (len(text) / 1024)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kb", type=int, default=200, help="input size in KB (default 200)")
    size = parser.parse_args().kb * 1024
    mask_pii("")  # compile the rules outside the timings
    print(f"{'plain text':<14}{ms_per_kb(PLAIN * (size // len(PLAIN))):8.3f} ms/KB")
    for name, (unit, _) in PATHOLOGICAL.items():
        print(f"{name:<14}{ms_per_kb(unit * (size // len(unit))):8.3f} ms/KB")


if __name__ == "__main__":
    main()
