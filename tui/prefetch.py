"""Prefetch the latest event of the issue the cursor rests on, so opening it is instant.

Textual-free: the list screen tells it where the cursor is; a move cancels the wait.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable

from tui.backends.base import Backend
from tui.model import Issue

REST_SECONDS = 0.3
"""How long the cursor must stay on an issue: scrolling past one costs no request."""


class EventPrefetcher:
    """Asks `backend.prefetch_event` (see `tui.offline.CachingBackend`) once the cursor rests;
    a backend without it is left alone."""

    def __init__(
        self,
        backend: Backend,
        delay: float | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._prefetch: Callable[[str], Awaitable[None]] | None = getattr(
            backend, "prefetch_event", None
        )
        self._delay = REST_SECONDS if delay is None else delay
        self._sleep = sleep
        self.pending: asyncio.Task[None] | None = None
        """The wait (then the fetch) for the issue under the cursor."""

    def rest_on(self, issue: Issue | None) -> None:
        """The cursor is now on `issue`: forget the previous one, wait, then prefetch."""
        if self.pending is not None:
            self.pending.cancel()
            self.pending = None
        if issue is not None and self._prefetch is not None:
            self.pending = asyncio.create_task(self._after_rest(self._prefetch, issue.id))

    async def settled(self) -> None:
        """Wait for the pending prefetch, if any (for tests and benchmarks)."""
        if self.pending is not None:
            with contextlib.suppress(asyncio.CancelledError):
                await self.pending

    async def _after_rest(self, prefetch: Callable[[str], Awaitable[None]], issue_id: str) -> None:
        await self._sleep(self._delay)
        await prefetch(issue_id)
