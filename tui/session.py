"""What a profile opens: its backend and the symbolicator for its minified frames.

Shared by the TUI and the CLI, so both resolve the same frames from the same sources.
"""

from __future__ import annotations

import asyncio
import functools
import re
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from tui import config
from tui.backends import open_backend
from tui.backends.base import EVENT_LATEST
from tui.backends.errors import NotFound
from tui.config import Profile
from tui.offline import CachingBackend, NotCached, OfflineBackend
from tui.sanitize import sanitize
from tui.store import Store

if TYPE_CHECKING:
    from tui.backends.base import Backend
    from tui.model import Event, Issue
    from tui.symbols import Symbolicator

_UUID = re.compile(r"[0-9a-fA-F]{8}-?(?:[0-9a-fA-F]{4}-?){3}[0-9a-fA-F]{12}")


@dataclass
class Session:
    profile: Profile
    backend: Backend
    demo: bool = False
    url_client: httpx.AsyncClient | None = None
    offline: bool = False

    @functools.cached_property
    def symbolicator(self) -> Symbolicator:
        """Built for the first event to resolve: the symbol engine stays out of start-up."""
        from tui.symbols import LocalDirSource, SymbolCache, Symbolicator, make_sources

        server_source = getattr(self.backend, "symbol_source", None)
        sources = make_sources(
            self.profile.symbols.paths,
            fetch_urls=self.profile.symbols.fetch_urls and not self.offline,
            url_hosts=self.profile.symbols.url_hosts,
            client=self.url_client,
            server=[server_source()] if callable(server_source) else [],
        )
        if self.demo:
            # Named, not pathed: the bundled folder lies wherever stackdeck is installed.
            bundled = Path(str(resources.files("tui.demo") / "data" / "symbols"))
            sources.insert(0, LocalDirSource(bundled, name="the demo's bundled symbols"))
        # `config.app_dirs` looked up now, not bound at import: it is the one patchable seam.
        cache = SymbolCache(config.app_dirs().cache / "symbols")
        return Symbolicator(cache, sources, profile=self.symbols_profile)

    @property
    def symbols_profile(self) -> str:
        """The name the symbol cache files this profile's missing maps under (the demo apart)."""
        return ("demo:" if self.demo else "") + self.profile.name

    async def symbolicate(self, event: Event, issue: str = "") -> Event:
        """The event with minified frames resolved locally where a map is found (offline: only
        from local folders and the symbol cache); maps not found are remembered for `issue`."""
        result = await self.symbolicator.symbolicate(event, issue or self._short_id(event))
        return result.apply(event)

    def _short_id(self, event: Event) -> str:
        """The short id of the event's issue, as the store last saw it (the TUI passes none)."""
        store = getattr(self.backend, "store", None)
        if not isinstance(store, Store) or not event.issue_id:
            return ""
        stored = store.issue(event.issue_id)
        return stored.value.short_id if stored else ""

    @property
    def stale_since(self) -> datetime | None:
        """Offline, when the data shown was synced; None when it comes from the server now."""
        return self.backend.stale_since if isinstance(self.backend, OfflineBackend) else None

    @property
    def offline_note(self) -> str | None:
        """The line that says offline data is stale, and how stale."""
        if not isinstance(self.backend, OfflineBackend):
            return None
        return f"offline: data from {self.backend.age_words}"

    async def open_issue(self, issue_id: str, event: str = EVENT_LATEST) -> tuple[Issue, Event]:
        """An issue and one of its events, asked for together where the event path takes the id
        as given (one round trip); a short id is looked up first. `NotFound` says which."""
        if is_short_id(issue_id):
            issue = await self._issue(issue_id)
            return issue, await _event_of(self.backend, issue.id, issue.short_id, event)
        issue_call = self._issue(issue_id)
        event_call = _event_of(self.backend, issue_id, issue_id, event)
        found, answer = await asyncio.gather(issue_call, event_call, return_exceptions=True)
        if isinstance(found, BaseException):
            raise found
        if isinstance(answer, BaseException):
            raise answer
        return found, answer

    async def _issue(self, issue_id: str) -> Issue:
        try:
            return await self.backend.get_issue(issue_id)
        except NotCached:
            raise
        except NotFound as exc:
            raise NotFound(no_issue_message(issue_id, self.profile.name)) from exc

    async def aclose(self) -> None:
        await self.backend.aclose()
        if self.url_client is not None:
            await self.url_client.aclose()


def is_short_id(issue_id: str) -> bool:
    """`BILLING-API-3F` rather than a server id (digits or a UUID), which event paths take."""
    return "-" in issue_id and _UUID.fullmatch(issue_id) is None


def no_issue_message(issue_id: str, profile_name: str) -> str:
    """The server's 404 names an API URL; the user asked about an id in a profile."""
    return f"no issue {sanitize(issue_id)} in {profile_name}"


async def _event_of(backend: Backend, issue_id: str, shown_id: str, event: str) -> Event:
    try:
        return await backend.get_event(issue_id, event)
    except NotCached:
        raise
    except NotFound as exc:
        raise NotFound(f"no event {sanitize(event)} in issue {sanitize(shown_id)}") from exc


def open_session(profile: Profile, *, demo: bool = False, offline: bool = False) -> Session:
    """A session for `profile`; with `demo`, the bundled data and its bundled source maps;
    `offline`, what the profile's store last synced, with no network at all."""
    store = Store.for_profile(("demo:" if demo else "") + profile.name)
    if offline:
        return Session(profile, OfflineBackend(store), demo, offline=True)
    if demo:
        from tui.demo import open_demo_backend

        backend: Backend = open_demo_backend(profile.name)
    else:
        backend = open_backend(profile)
    url_client = httpx.AsyncClient() if profile.symbols.fetch_urls else None
    return Session(profile, CachingBackend(backend, store), demo, url_client)
