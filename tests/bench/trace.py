"""Benchmark: the issue screen on a 10-frame event against huge ones, in the real app.

Not a test (pytest only collects `test_*.py`). Run it by hand:

    .venv/bin/python tests/bench/trace.py [--runs 3]

Each case opens a synthetic event through `App.run_test` (120x36) and prints the time to the
first painted trace, the latency per key for 200 `j` and for the `a` toggle, the memory the
open screen holds per frame (tracemalloc), and the ratio of the 10,000-frame case to the
10-frame one (target: within 2x). Medians of `--runs` runs.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
import tracemalloc
from dataclasses import dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.ui.fakes import FakeBackend, fixed_clock, python_event  # noqa: E402
from tui.app import StackdeckApp  # noqa: E402
from tui.model import Breadcrumb, Event, ExceptionValue, Frame, Stacktrace  # noqa: E402

SIZE = (120, 36)
KEYS = 200


def frame(i: int, *, post: int = 5, variables: int = 2) -> Frame:
    return Frame(
        filename=f"app/services/module_{i}.py",
        function=f"handler_{i}",
        lineno=40,
        in_app=i % 3 != 0,
        pre_context=tuple(f"    value_{j} = compute({j})" for j in range(5)),
        context_line=f"    raise ValueError('failed in {i}')",
        post_context=tuple(f"    other_{j} = other({j})" for j in range(post)),
        vars={f"var_{j}": f"<Value {j}>" for j in range(variables)},
    )


def event(frames: list[Frame], *, breadcrumbs: int = 2) -> Event:
    exc = ExceptionValue(type="ValueError", value="boom", stacktrace=Stacktrace(tuple(frames)))
    crumbs = tuple(Breadcrumb(category="log", message=f"step {i}") for i in range(breadcrumbs))
    return replace(python_event("4829301773"), exceptions=(exc,), breadcrumbs=crumbs)


CASES = {
    "10 frames": lambda: event([frame(i) for i in range(10)]),
    "10,000 frames": lambda: event([frame(i) for i in range(10_000)]),
    "50,000 context lines": lambda: event([frame(0, post=50_000)]),
    "20,000 vars": lambda: event([frame(0, variables=20_000)]),
    "10,000 breadcrumbs": lambda: event([frame(i) for i in range(10)], breadcrumbs=10_000),
}


@dataclass
class Result:
    open_s: float
    key_ms: float
    toggle_s: float
    memory_mb: float
    frames: int


async def measure(ev: Event) -> Result:
    backend = FakeBackend()
    backend.events["latest"] = ev
    app = StackdeckApp(backend, profile_name="bench", clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        started = time.perf_counter()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        open_s = time.perf_counter() - started
        started = time.perf_counter()
        for _ in range(KEYS):
            await pilot.press("k")
        await pilot.pause()
        key_ms = (time.perf_counter() - started) / KEYS * 1000
        started = time.perf_counter()
        await pilot.press("a")
        await pilot.pause()
        toggle_s = time.perf_counter() - started
        # The huge single-frame cases: show the variables and go to the far end of the frame.
        await pilot.press("v", "end", "pagedown")
        await pilot.pause()
        # Memory in a second opening: tracing would distort the timings above.
        await pilot.press("escape")
        await pilot.pause()
        tracemalloc.start()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        memory = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    frames = sum(len(e.stacktrace.frames) for e in ev.exceptions if e.stacktrace)
    return Result(open_s, key_ms, toggle_s, memory / 2**20, frames)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    runs = parser.parse_args().runs
    results: dict[str, Result] = {}
    # Pygments compiles a lexer's rules on first use: pay that before the baseline is timed.
    asyncio.run(measure(CASES["10 frames"]()))
    print(f"{'case':<22}{'open s':>9}{'key ms':>9}{'a s':>8}{'MB held':>9}{'KB/frame':>10}")
    for name, build in CASES.items():
        ev = build()
        samples = [asyncio.run(measure(ev)) for _ in range(runs)]
        result = Result(
            statistics.median(s.open_s for s in samples),
            statistics.median(s.key_ms for s in samples),
            statistics.median(s.toggle_s for s in samples),
            statistics.median(s.memory_mb for s in samples),
            samples[0].frames,
        )
        results[name] = result
        per_frame = result.memory_mb * 1024 / result.frames
        print(
            f"{name:<22}{result.open_s:>9.3f}{result.key_ms:>9.2f}{result.toggle_s:>8.3f}"
            f"{result.memory_mb:>9.2f}{per_frame:>10.2f}"
        )
    small, big = results["10 frames"], results["10,000 frames"]
    print("\n10,000 frames vs 10 (target <= 2x):")
    print(f"  first paint {big.open_s / small.open_s:.2f}x")
    print(f"  per key     {big.key_ms / small.key_ms:.2f}x")
    print(f"  `a` toggle  {big.toggle_s / small.toggle_s:.2f}x")


if __name__ == "__main__":
    main()
