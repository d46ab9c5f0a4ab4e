"""Benchmark: what the network work of issue 11 saves, over a server with a fixed latency.

Not a test (pytest only collects `test_*.py`). Run it by hand:

    .venv/bin/python tests/bench/network.py [--latency-ms 50] [--runs 5]

A Sentry backend talks to an `httpx.MockTransport` that answers recorded payloads after
`--latency-ms`. Printed, as medians of `--runs`: reopening an event by id (network, then the
on-disk store), and `issues show` by id (issue then event in sequence, against both at once).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.test_offline import EVENT, ISSUE_ID, sentry_answer  # noqa: E402
from tui.backends.sentry import SentryBackend  # noqa: E402
from tui.offline import CachingBackend  # noqa: E402
from tui.store import Store  # noqa: E402


def slow_backend(latency: float) -> SentryBackend:
    async def answer(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(latency)
        return sentry_answer(request)

    return SentryBackend.connect(
        "https://sentry.example.com", "t", "acme", transport=httpx.MockTransport(answer)
    )


async def timed(work: Callable[[], Awaitable[object]]) -> float:
    start = time.perf_counter()
    await work()
    return time.perf_counter() - start


async def reopen(latency: float, folder: Path) -> tuple[float, float]:
    backend = CachingBackend(slow_backend(latency), Store(folder))
    event_id = str(EVENT["eventID"])
    first = await timed(lambda: backend.get_event(ISSUE_ID, event_id))
    again = await timed(lambda: backend.get_event(ISSUE_ID, event_id))
    await backend.aclose()
    return first, again


async def show(latency: float) -> tuple[float, float]:
    backend = slow_backend(latency)

    async def in_sequence() -> None:
        await backend.get_issue(ISSUE_ID)
        await backend.get_event(ISSUE_ID)

    async def together() -> None:
        await asyncio.gather(backend.get_issue(ISSUE_ID), backend.get_event(ISSUE_ID))

    result = await timed(in_sequence), await timed(together)
    await backend.aclose()
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--latency-ms", type=float, default=50.0)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    latency = args.latency_ms / 1000
    reopens, shows = [], []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as folder:
            reopens.append(asyncio.run(reopen(latency, Path(folder))))
        shows.append(asyncio.run(show(latency)))
    network, cached = (statistics.median(r[i] for r in reopens) for i in (0, 1))
    sequence, together = (statistics.median(s[i] for s in shows) for i in (0, 1))
    print(f"server latency {args.latency_ms:.0f} ms, medians of {args.runs} runs")
    print(
        f"reopen an event: network {network * 1000:.1f} ms, store {cached * 1000:.2f} ms "
        f"({network / cached:.0f}x)"
    )
    print(
        f"issues show by id: in sequence {sequence * 1000:.1f} ms, together "
        f"{together * 1000:.1f} ms ({sequence / together:.2f}x)"
    )


if __name__ == "__main__":
    main()
