"""Benchmark: a long session on the issue list, and a 10,000-issue list against a 10-issue one.

Not a test (pytest only collects `test_*.py`). Run it by hand:

    .venv/bin/python tests/bench/long_session.py [--moves 1000]

The app runs headless (Textual's `run_test`) on the in-memory backend of the UI tests, so the
figures are the UI's own cost: no network. It prints, with their ratios (targets from issue 11):
- per-key CPU and live widget count early on and after 1,000 moves (target 1.2x);
- first paint and per-key latency of a 10,000-issue list against a 10-issue one (target 2x);
- memory the list holds per issue (tracemalloc; the issues themselves come from the backend).
Nothing is asserted: timings vary by machine; the ratios are what to compare.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import sys
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

from textual.pilot import Pilot
from textual.widget import Widget

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.ui.fakes import FakeBackend, fixed_clock, make_issues  # noqa: E402
from tui.app import StackdeckApp  # noqa: E402
from tui.widgets.issue_table import IssueTable  # noqa: E402

SIZE = (120, 36)
PAGE = 100
"""Sentry's page size: a 10,000-issue project arrives in 100 pages."""
BATCH = 50


def live_widgets() -> int:
    gc.collect()
    return sum(isinstance(thing, Widget) for thing in gc.get_objects())


ISSUES = {count: make_issues(count) for count in (10, PAGE, 10_000)}
"""Built once, outside the timings: in the app they arrive from the server."""


async def settle(app: StackdeckApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def press_batch(app: StackdeckApp, pilot: Pilot[None], keys: list[str]) -> float:
    """CPU seconds per key for `keys`, each pressed and painted, pages loaded on the way."""
    gc.collect()  # the same garbage collector state for every measured batch
    start = time.process_time()
    for key in keys:
        await pilot.press(key)
    await settle(app, pilot)
    return (time.process_time() - start) / len(keys)


async def cpu_per_key(app: StackdeckApp, pilot: Pilot[None]) -> float:
    """Median of three batches of `BATCH` moves from the top: one batch alone is too noisy."""
    batches = []
    for _ in range(3):
        await pilot.press("home")
        batches.append(await press_batch(app, pilot, ["j"] * BATCH))
    return statistics.median(batches)


async def long_session(moves: int) -> None:
    measured = 3 * BATCH
    app = StackdeckApp(FakeBackend(make_issues(1000), PAGE), clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        first_cpu = await cpu_per_key(app, pilot)
        first_widgets = live_widgets()
        await press_batch(app, pilot, ["j"] * (moves - 2 * measured))
        last_cpu = await cpu_per_key(app, pilot)
        last_widgets = live_widgets()
    print(f"long session: 1,000 issues, {moves:,} cursor moves (median of 3 batches of {BATCH})")
    print(
        f"  CPU per key      first {measured}: {first_cpu * 1000:7.2f} ms   after {moves:,}: "
        f"{last_cpu * 1000:7.2f} ms   ratio {last_cpu / first_cpu:.2f}x (target 1.2x)"
    )
    print(
        f"  live widgets     first {measured}: {first_widgets:7d}      after {moves:,}: "
        f"{last_widgets:7d}      ratio {last_widgets / first_widgets:.2f}x (target 1.2x)"
    )


def alternating(count: int, run: int = 5) -> Iterator[str]:
    """j five times, k five times, ...: moves that stay within a 10-issue list."""
    for index in range(count):
        yield "j" if (index // run) % 2 == 0 else "k"


async def first_paint(count: int) -> float:
    backend = FakeBackend(ISSUES[count], PAGE)
    start = time.perf_counter()
    app = StackdeckApp(backend, clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert app.screen.query_one(IssueTable).row_count > 0
        return time.perf_counter() - start


async def key_latency(count: int, keys: list[str]) -> list[float]:
    app = StackdeckApp(FakeBackend(ISSUES[count], PAGE), clock=fixed_clock)
    latencies = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        for key in keys:
            start = time.perf_counter()
            await pilot.press(key)
            latencies.append(time.perf_counter() - start)
        await settle(app, pilot)
    return latencies


async def big_against_small(runs: int, presses: int) -> None:
    paints: dict[int, list[float]] = {10: [], PAGE: [], 10_000: []}
    for _ in range(runs):  # alternate, so that warm-up and noise fall on both
        for count in paints:
            paints[count].append(await first_paint(count))
    small_paint, page_paint, big_paint = (statistics.median(paints[c]) for c in paints)
    small = await key_latency(10, list(alternating(presses)))
    # Straight down: crosses pages, so the latency includes the next page landing.
    big = await key_latency(10_000, ["j"] * presses)
    small_key, big_key = statistics.median(small), statistics.median(big)
    print(f"10,000 issues against 10 (pages of {PAGE}, median of {runs} starts, {presses} keys)")
    print(
        f"  first paint        10: {small_paint * 1000:7.1f} ms   10,000: "
        f"{big_paint * 1000:7.1f} ms   ratio {big_paint / small_paint:.2f}x (target 2x)"
    )
    # 10 rows leave most of the screen blank; a full first page is the fair baseline.
    print(
        f"  first paint       {PAGE}: {page_paint * 1000:7.1f} ms   10,000: "
        f"{big_paint * 1000:7.1f} ms   ratio {big_paint / page_paint:.2f}x (a full screen of rows)"
    )
    print(
        f"  per-key latency    10: {small_key * 1000:7.2f} ms   10,000: "
        f"{big_key * 1000:7.2f} ms   ratio {big_key / small_key:.2f}x (target 2x)"
    )
    print(
        f"  slowest key        10: {max(small) * 1000:7.2f} ms   10,000: "
        f"{max(big) * 1000:7.2f} ms (the key on which a page of {PAGE} lands)"
    )


async def held_memory(count: int) -> int:
    """Bytes allocated by the app for `count` issues, all loaded in one page."""
    backend = FakeBackend(ISSUES[count], page_size=count)
    gc.collect()
    tracemalloc.start()
    app = StackdeckApp(backend, clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        gc.collect()
        held, _peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return held


async def memory_per_issue() -> None:
    small, big = await held_memory(10), await held_memory(10_000)
    per_issue = (big - small) / (10_000 - 10)
    print("memory held by the list (rows, cells, index; not the Issue objects)")
    print(
        f"  10 issues {small / 2**20:6.1f} MiB   10,000 issues {big / 2**20:6.1f} MiB   "
        f"{per_issue / 1024:.2f} KiB per issue"
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--moves", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=5, help="starts per list size")
    parser.add_argument("--presses", type=int, default=300, help="keys per latency run")
    args = parser.parse_args()
    print(f"python {sys.version.split()[0]}, textual {__import__('textual').__version__}")
    await long_session(args.moves)
    await big_against_small(args.runs, args.presses)
    await memory_per_issue()


if __name__ == "__main__":
    asyncio.run(main())
