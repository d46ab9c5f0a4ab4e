"""Prefetching the latest event under a resting cursor: debounced, cancelled on a move, and
served to the next `get_event` from memory."""

from __future__ import annotations

import asyncio
from pathlib import Path

from tests.ui.fakes import FakeBackend, make_issues
from tui.offline import PREFETCH_FRESH_SECONDS, CachingBackend
from tui.prefetch import REST_SECONDS, EventPrefetcher
from tui.store import Store


class Rests:
    """A `sleep` the test ends by hand: each rest waits until `wake` is called."""

    def __init__(self) -> None:
        self.waiting: list[asyncio.Future[None]] = []

    async def __call__(self, seconds: float) -> None:
        assert seconds == REST_SECONDS
        future = asyncio.get_running_loop().create_future()
        self.waiting.append(future)
        await future

    def wake(self) -> None:
        for future in self.waiting:
            if not future.done():
                future.set_result(None)


def caching(tmp_path: Path, now: list[float]) -> tuple[FakeBackend, CachingBackend]:
    fake = FakeBackend()
    return fake, CachingBackend(fake, Store(tmp_path / "store"), clock=lambda: now[0])


async def test_only_the_issue_the_cursor_rests_on_is_prefetched(tmp_path: Path) -> None:
    fake, backend = caching(tmp_path, [0.0])
    rests = Rests()
    prefetcher = EventPrefetcher(backend, sleep=rests)
    first, second, third = make_issues()
    for issue in (first, second, third):
        prefetcher.rest_on(issue)  # moved on before any rest ended: the waits are cancelled
        await asyncio.sleep(0)
    rests.wake()
    await prefetcher.settled()
    assert fake.event_calls == [(third.id, "latest")]

    event = await backend.get_event(third.id)
    assert fake.event_calls == [(third.id, "latest")]  # opened: no second request
    assert event.issue_id == third.id
    await backend.get_event(third.id)
    assert len(fake.event_calls) == 2  # used once: a later opening asks the server again


async def test_a_stale_prefetch_is_fetched_again(tmp_path: Path) -> None:
    now = [0.0]
    fake, backend = caching(tmp_path, now)
    issue = make_issues()[0]
    await backend.prefetch_event(issue.id)
    now[0] = PREFETCH_FRESH_SECONDS + 1
    await backend.get_event(issue.id)
    assert fake.event_calls == [(issue.id, "latest")] * 2


async def test_a_backend_without_prefetch_is_left_alone() -> None:
    fake = FakeBackend()
    prefetcher = EventPrefetcher(fake)
    prefetcher.rest_on(make_issues()[0])
    assert prefetcher.pending is None and fake.event_calls == []
