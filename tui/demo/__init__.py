"""Bundled demo data recorded from real SDKs, served by an in-memory Sentry web API."""

from __future__ import annotations

from datetime import datetime

from tui.backends.sentry import SentryBackend
from tui.config import Config, Profile
from tui.demo.server import DEMO_ORG, DEMO_URL, DemoSentryServer

DEMO_PROFILE = Profile(name="demo", backend="sentry", url=DEMO_URL, org=DEMO_ORG, origin="demo")


def demo_config() -> Config:
    return Config({DEMO_PROFILE.name: DEMO_PROFILE}, DEMO_PROFILE.name)


def open_demo_backend(*, now: datetime | None = None, latency: float = 0.0) -> SentryBackend:
    """A Sentry backend over the demo server: real parsing, status changes kept in memory."""
    server = DemoSentryServer.from_package(now=now, latency=latency)
    return SentryBackend.connect(DEMO_URL, "demo-token", DEMO_ORG, transport=server.transport())
