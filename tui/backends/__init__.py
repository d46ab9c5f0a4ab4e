"""Backends: one per kind of server, each translating its wire format into `tui.model`."""

from __future__ import annotations

import httpx

from tui.backends.base import Backend
from tui.backends.bugsink import BugsinkBackend
from tui.backends.errors import Unsupported
from tui.backends.posthog import PostHogBackend
from tui.backends.sentry import SentryBackend
from tui.config import Profile


def open_backend(profile: Profile, transport: httpx.AsyncBaseTransport | None = None) -> Backend:
    """The backend a profile names, with its token read now (which may run `token_command`)."""
    if profile.backend in ("sentry", "glitchtip"):
        return SentryBackend.connect(
            profile.url,
            profile.token(),
            profile.org,
            profile.projects,
            dialect=profile.backend,
            transport=transport,
        )
    if profile.backend == "bugsink":
        return BugsinkBackend.from_profile(
            profile.url, profile.token(), profile.projects[0], transport=transport
        )
    if profile.backend == "posthog":
        return PostHogBackend.connect(
            profile.url, profile.token(), profile.projects[0], transport=transport
        )
    raise Unsupported(f"profile {profile.name!r}: the {profile.backend} backend is not available")
