"""Backends around the on-disk store: `CachingBackend` records what the server answers (and
serves events by id from disk), `OfflineBackend` browses that record with no network at all."""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from tui.ages import relative_time
from tui.backends.base import EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED, Backend
from tui.backends.errors import BackendError, NotFound, Unsupported
from tui.backends.search import issue_matches
from tui.model import (
    Activity,
    Assignee,
    Capabilities,
    Change,
    Event,
    Feature,
    Issue,
    IssuePage,
    IssueQuery,
    StatusAction,
)
from tui.store import Store

if TYPE_CHECKING:
    from tui.backends.http import RateLimit  # imports httpx, which offline never needs

MOVING_REFS = frozenset({EVENT_LATEST, EVENT_OLDEST, EVENT_RECOMMENDED})
"""Event references whose answer changes as events arrive: never served from the store."""
PREFETCH_FRESH_SECONDS = 60.0
"""A prefetched latest event older than this is fetched again when the issue opens."""
MAX_PREFETCHED = 8
OFFLINE_REFUSAL = "offline: changes need the server; nothing changed"
OFFLINE_UNKNOWN = "offline: only issues and events are kept offline"


class OfflineRefused(BackendError):
    """A change asked for while offline."""


class NotCached(NotFound):
    """Offline, and the store does not hold what was asked for."""


class CachingBackend:
    """`backend`, with every issue and event it answers recorded in `store`.

    Anything else the wrapped backend offers (`bulk_set_status`, `symbol_source`, ...) is
    passed through unchanged.
    """

    def __init__(
        self, backend: Backend, store: Store, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.backend = backend
        self.store = store
        self._clock = clock
        self._writing = asyncio.Lock()
        self._prefetched: dict[str, tuple[float, asyncio.Task[Event]]] = {}
        """Issue id -> latest event asked for ahead of time (when, and the answer)."""
        if callable(seed := getattr(backend, "seed_project_ids", None)):
            seed(store.project_ids())

    def __getattr__(self, name: str) -> Any:
        # Only reached for what this class does not define: the backend's optional extras.
        return getattr(self.backend, name)

    @property
    def name(self) -> str:
        return self.backend.name

    @property
    def rate_limit(self) -> RateLimit | None:
        """The request budget the server last reported, if it reports one."""
        client = getattr(self.backend, "client", None)
        return getattr(client, "rate_limit", None)

    @property
    def sort_options(self) -> tuple[str, ...]:
        return self.backend.sort_options

    @property
    def status_actions(self) -> frozenset[StatusAction]:
        return self.backend.status_actions

    @property
    def event_refs(self) -> frozenset[str]:
        return self.backend.event_refs

    @property
    def capabilities(self) -> Capabilities:
        return self.backend.capabilities

    async def list_issues(self, query: IssueQuery, cursor: str | None = None) -> IssuePage:
        page = await self.backend.list_issues(query, cursor)
        # One person's issues are no listing of the profile: kept, but not as the list.
        listing = cursor is None and not query.person
        await self._saving(self.store.save_issues, page.issues, listing=listing)
        ids = getattr(self.backend, "project_ids", None)
        if ids and ids != self.store.project_ids():
            await self._saving(self.store.save_project_ids, ids)
        return page

    async def get_issue(self, issue_id: str) -> Issue:
        issue = await self.backend.get_issue(issue_id)
        await self._saving(self.store.save_issues, [issue])
        return issue

    async def get_event(self, issue_id: str, event: str = EVENT_LATEST) -> Event:
        if event not in MOVING_REFS and (stored := self.store.event(issue_id, event)):
            return stored.value  # an event id names the same event for ever
        if event == EVENT_LATEST and (early := self._take_prefetched(issue_id)):
            with contextlib.suppress(BackendError):  # failed early: ask again now
                return await early
        return await self._fetch_event(issue_id, event)

    async def _fetch_event(self, issue_id: str, event: str) -> Event:
        answer = await self.backend.get_event(issue_id, event)
        await self._saving(self.store.save_event, issue_id, event, answer)
        return answer

    async def prefetch_event(self, issue_id: str) -> None:
        """Fetch the latest event now, for a `get_event` soon after (see `tui.prefetch`)."""
        task = asyncio.ensure_future(self._fetch_event(issue_id, EVENT_LATEST))
        task.add_done_callback(_retrieve)
        self._prefetched[issue_id] = (self._clock(), task)
        while len(self._prefetched) > MAX_PREFETCHED:
            self._prefetched.pop(next(iter(self._prefetched)))
        with contextlib.suppress(BackendError):
            await asyncio.shield(task)  # the cursor moving on must not lose the answer

    def _take_prefetched(self, issue_id: str) -> asyncio.Task[Event] | None:
        when, task = self._prefetched.pop(issue_id, (0.0, None))
        if task is None or task.cancelled() or self._clock() - when > PREFETCH_FRESH_SECONDS:
            return None
        return task

    async def set_status(self, issue_id: str, action: StatusAction) -> Issue:
        issue = await self.backend.set_status(issue_id, action)
        await self._saving(self.store.save_issues, [issue])
        return issue

    async def apply(self, issue_id: str, change: Change) -> Issue:
        issue = await self.backend.apply(issue_id, change)
        await self._saving(self.store.save_issues, [issue])
        return issue

    async def members(self) -> tuple[Assignee, ...]:
        return await self.backend.members()

    async def me(self) -> Assignee:
        return await self.backend.me()

    async def activity(self, issue_id: str) -> tuple[Activity, ...]:
        return await self.backend.activity(issue_id)

    async def comment(self, issue_id: str, text: str) -> Activity:
        return await self.backend.comment(issue_id, text)

    async def check(self) -> str:
        return await self.backend.check()

    async def _saving(self, save: Callable[..., None], *args: Any, **kwargs: Any) -> None:
        """Off the event loop (a long list is megabytes of JSON), one write at a time (the
        issue index is read, changed and written back)."""
        async with self._writing:
            await asyncio.to_thread(save, *args, **kwargs)

    async def aclose(self) -> None:
        await self.backend.aclose()


class OfflineBackend:
    """The last synced issues and events of one profile, read from its store only."""

    def __init__(self, store: Store, clock: Callable[[], float] = time.time) -> None:
        self.store = store
        self._clock = clock

    @property
    def stale_since(self) -> datetime | None:
        """When the data was synced; None when nothing ever was."""
        synced = self.store.synced
        return None if synced is None else datetime.fromtimestamp(synced, UTC)

    @property
    def age_words(self) -> str:
        """`2h ago`, or `never synced`."""
        if (since := self.stale_since) is None:
            return "never synced"
        return f"{relative_time(since, datetime.fromtimestamp(self._clock(), UTC))} ago"

    @property
    def synced_words(self) -> str:
        """`synced 2h ago`, or `never synced`."""
        words = self.age_words
        return words if self.stale_since is None else f"synced {words}"

    @property
    def name(self) -> str:
        return f"offline · {self.synced_words}"

    @property
    def sort_options(self) -> tuple[str, ...]:
        return ("date",)  # the order the server last listed them in

    @property
    def status_actions(self) -> frozenset[StatusAction]:
        return frozenset()

    @property
    def event_refs(self) -> frozenset[str]:
        return frozenset({EVENT_LATEST})

    @property
    def capabilities(self) -> Capabilities:
        return Capabilities({feature: OFFLINE_REFUSAL for feature in Feature})

    async def list_issues(self, query: IssueQuery, cursor: str | None = None) -> IssuePage:
        if query.person:
            raise Unsupported("offline, issues cannot be listed by person: the store has none")
        listed = self.store.listed_issues()
        if listed is None or cursor:
            return IssuePage(())
        # Searched here, as for servers that cannot search: the last sync is all there is.
        return IssuePage(tuple(i for i in listed.value if issue_matches(i, query.query)))

    async def get_issue(self, issue_id: str) -> Issue:
        stored = self.store.issue(issue_id)
        if stored is None:
            raise NotCached(f"issue {issue_id} is {self._missing()}")
        return stored.value

    async def get_event(self, issue_id: str, event: str = EVENT_LATEST) -> Event:
        stored = self.store.event(issue_id, event)
        if stored is None:
            issue = self.store.issue(issue_id)
            # Events are stored under the id the server uses, which a short id is not.
            stored = self.store.event(issue.value.id, event) if issue else None
        if stored is None:
            raise NotCached(f"the {event} event of issue {issue_id} is {self._missing()}")
        return stored.value

    async def set_status(self, issue_id: str, action: StatusAction) -> Issue:
        raise OfflineRefused(OFFLINE_REFUSAL)

    async def apply(self, issue_id: str, change: Change) -> Issue:
        raise OfflineRefused(OFFLINE_REFUSAL)

    async def members(self) -> tuple[Assignee, ...]:
        raise OfflineRefused(OFFLINE_UNKNOWN)

    async def me(self) -> Assignee:
        raise OfflineRefused(OFFLINE_UNKNOWN)

    async def activity(self, issue_id: str) -> tuple[Activity, ...]:
        raise OfflineRefused(OFFLINE_UNKNOWN)

    async def comment(self, issue_id: str, text: str) -> Activity:
        raise OfflineRefused(OFFLINE_REFUSAL)

    async def check(self) -> str:
        return f"offline: no server contacted; {self.synced_words}"

    async def aclose(self) -> None:
        return None

    def _missing(self) -> str:
        return f"not in the offline cache ({self._last_synced()})"

    def _last_synced(self) -> str:
        words = self.synced_words
        return words if words == "never synced" else f"last {words}"


def _retrieve(task: asyncio.Task[Event]) -> None:
    """A prefetch nobody opened may fail unseen: asyncio must not log it as lost."""
    if not task.cancelled():
        task.exception()
