"""Bundled demo data recorded from real SDKs, served by in-memory Sentry and PostHog APIs."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from tui.config import Config, Profile
from tui.demo.posthog_server import DEMO_POSTHOG_URL, DEMO_PROJECT, DemoPostHogServer
from tui.demo.server import DEMO_ORG, DEMO_URL, DemoSentryServer

if TYPE_CHECKING:
    from tui.backends.base import Backend

DEMO_PROFILE = Profile(name="demo", backend="sentry", url=DEMO_URL, org=DEMO_ORG, origin="demo")
DEMO_POSTHOG_PROFILE = Profile(
    name="demo-posthog",
    backend="posthog",
    url=DEMO_POSTHOG_URL,
    projects=(DEMO_PROJECT,),
    origin="demo",
)


def demo_config() -> Config:
    profiles = {p.name: p for p in (DEMO_PROFILE, DEMO_POSTHOG_PROFILE)}
    return Config(profiles, DEMO_PROFILE.name)


def open_demo_backend(
    profile_name: str = DEMO_PROFILE.name, *, now: datetime | None = None, latency: float = 0.0
) -> Backend:
    """The demo profile's backend over its in-memory server: real parsing, status changes kept
    in memory. `demo` is Sentry's web API, `demo-posthog` PostHog's error tracking."""
    # Each backend is imported when its profile opens, as `tui.backends.open_backend` does.
    if profile_name == DEMO_POSTHOG_PROFILE.name:
        from tui.backends.posthog import PostHogBackend

        posthog = DemoPostHogServer.from_package(now=now, latency=latency)
        return PostHogBackend.connect(
            DEMO_POSTHOG_URL, "phx_demo", DEMO_PROJECT, transport=posthog.transport()
        )
    from tui.backends.sentry import SentryBackend

    server = DemoSentryServer.from_package(now=now, latency=latency)
    return SentryBackend.connect(DEMO_URL, "demo-token", DEMO_ORG, transport=server.transport())
