"""Bundled demo data recorded from real SDKs, served by in-memory Sentry and PostHog APIs."""

from __future__ import annotations

import functools
from datetime import datetime

from tui.backends.base import Backend
from tui.backends.posthog import PostHogBackend
from tui.backends.sentry import SentryBackend
from tui.config import Config, Profile
from tui.demo.posthog_server import DEMO_POSTHOG_URL, DEMO_PROJECT, DemoPostHogServer
from tui.demo.server import DEMO_ORG, DEMO_URL, DemoSentryServer

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
    in memory. `demo` is Sentry's web API, `demo-posthog` PostHog's error tracking.

    Without a fixed `now` or a latency the server is the process's own, so switching profiles
    and back finds the status changes made before."""
    fresh = now is not None or latency > 0
    server = _new_server(profile_name, now, latency) if fresh else demo_server(profile_name)
    if isinstance(server, DemoPostHogServer):
        return PostHogBackend.connect(
            DEMO_POSTHOG_URL, "phx_demo", DEMO_PROJECT, transport=server.transport()
        )
    return SentryBackend.connect(DEMO_URL, "demo-token", DEMO_ORG, transport=server.transport())


@functools.cache
def demo_server(profile_name: str) -> DemoSentryServer | DemoPostHogServer:
    """One in-memory server per demo profile, for as long as the process runs."""
    return _new_server(profile_name, None, 0.0)


def _new_server(
    profile_name: str, now: datetime | None, latency: float
) -> DemoSentryServer | DemoPostHogServer:
    if profile_name == DEMO_POSTHOG_PROFILE.name:
        return DemoPostHogServer.from_package(now=now, latency=latency)
    return DemoSentryServer.from_package(now=now, latency=latency)
