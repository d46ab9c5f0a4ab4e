"""Backends: one per kind of server, each translating its wire format into `tui.model`."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import httpx

    from tui.backends.base import Backend
    from tui.config import Profile


def open_backend(profile: Profile, transport: httpx.AsyncBaseTransport | None = None) -> Backend:
    """The backend a profile names, with its token read now (which may run `token_command`).

    Each backend module is imported here, when a profile of its kind is opened: importing this
    package (say for `tui.backends.errors`) must not cost every backend and httpx.
    """
    if profile.backend in ("sentry", "glitchtip"):
        from tui.backends.sentry import SentryBackend

        return SentryBackend.connect(
            profile.url,
            profile.token(),
            profile.org,
            profile.projects,
            dialect=profile.backend,
            transport=transport,
        )
    if profile.backend == "bugsink":
        from tui.backends.bugsink import BugsinkBackend

        return BugsinkBackend.from_profile(
            profile.url, profile.token(), profile.projects[0], transport=transport
        )
    if profile.backend == "posthog":
        from tui.backends.posthog import PostHogBackend

        return PostHogBackend.connect(
            profile.url, profile.token(), profile.projects[0], transport=transport
        )
    from tui.backends.errors import Unsupported

    raise Unsupported(f"profile {profile.name!r}: the {profile.backend} backend is not available")
