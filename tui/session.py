"""What a profile opens: its backend and the symbolicator for its minified frames.

Shared by the TUI and the CLI, so both resolve the same frames from the same sources.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from tui.backends import open_backend
from tui.config import Profile, app_dirs

if TYPE_CHECKING:
    from tui.backends.base import Backend
    from tui.model import Event
    from tui.symbols import Symbolicator


@dataclass
class Session:
    profile: Profile
    backend: Backend
    demo: bool = False
    url_client: httpx.AsyncClient | None = None

    @functools.cached_property
    def symbolicator(self) -> Symbolicator:
        """Built for the first event to resolve: the symbol engine stays out of start-up."""
        from tui.symbols import LocalDirSource, SymbolCache, Symbolicator, make_sources

        server_source = getattr(self.backend, "symbol_source", None)
        sources = make_sources(
            self.profile.symbols.paths,
            fetch_urls=self.profile.symbols.fetch_urls,
            url_hosts=self.profile.symbols.url_hosts,
            client=self.url_client,
            server=[server_source()] if callable(server_source) else [],
        )
        if self.demo:
            # Named, not pathed: the bundled folder lies wherever stackdeck is installed.
            bundled = Path(str(resources.files("tui.demo") / "data" / "symbols"))
            sources.insert(0, LocalDirSource(bundled, name="the demo's bundled symbols"))
        return Symbolicator(SymbolCache(app_dirs().cache / "symbols"), sources)

    async def symbolicate(self, event: Event) -> Event:
        """The event with minified frames resolved locally where a map is found."""
        result = await self.symbolicator.symbolicate(event)
        return result.apply(event)

    async def aclose(self) -> None:
        await self.backend.aclose()
        if self.url_client is not None:
            await self.url_client.aclose()


def open_session(profile: Profile, *, demo: bool = False) -> Session:
    """A session for `profile`; with `demo`, the bundled data and its bundled source maps."""
    if demo:
        from tui.demo import open_demo_backend

        backend: Backend = open_demo_backend(profile.name)
    else:
        backend = open_backend(profile)
    url_client = httpx.AsyncClient() if profile.symbols.fetch_urls else None
    return Session(profile, backend, demo, url_client)
