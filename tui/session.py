"""What a profile opens: its backend and the symbolicator for its minified frames.

Shared by the TUI and the CLI, so both resolve the same frames from the same sources.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import httpx

from tui.backends import open_backend
from tui.backends.base import Backend
from tui.config import Profile, app_dirs
from tui.model import Event
from tui.symbols import LocalDirSource, SymbolCache, Symbolicator, make_sources


@dataclass
class Session:
    profile: Profile
    backend: Backend
    symbolicator: Symbolicator
    url_client: httpx.AsyncClient | None = None

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
    server_source = getattr(backend, "symbol_source", None)
    url_client = httpx.AsyncClient() if profile.symbols.fetch_urls else None
    sources = make_sources(
        profile.symbols.paths,
        fetch_urls=profile.symbols.fetch_urls,
        url_hosts=profile.symbols.url_hosts,
        client=url_client,
        server=[server_source()] if callable(server_source) else [],
    )
    if demo:
        # Named, not pathed: the bundled folder lies wherever stackdeck is installed.
        bundled = Path(str(resources.files("tui.demo") / "data" / "symbols"))
        sources.insert(0, LocalDirSource(bundled, name="the demo's bundled symbols"))
    cache = SymbolCache(app_dirs().cache / "symbols")
    return Session(profile, backend, Symbolicator(cache, sources), url_client)
