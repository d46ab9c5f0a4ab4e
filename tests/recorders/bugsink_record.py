"""Send SDK events through the real sentry-sdk into a real Bugsink and keep its answer.

Starts Bugsink as the e2e tests do (tests/e2e/bugsink_server.py), sends each event with
`sentry_sdk.capture_event`, and returns Bugsink's `GET /events/{id}/` body byte for byte.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path
from typing import Any

import httpx
import sentry_sdk

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "e2e"))

from bugsink_server import (  # noqa: E402
    cache_root,
    create_project,
    ensure_installed,
    start_server,
    stop_server,
)


def send(event: dict[str, Any], dsn: str) -> str:
    """The event as the SDK sends it (its own `sdk`, timestamp and defaults added)."""
    client = sentry_sdk.Client(
        dsn,
        release=event.get("release"),
        environment=event.get("environment"),
        default_integrations=False,
        auto_enabling_integrations=False,
    )
    with sentry_sdk.new_scope() as scope:
        scope.set_client(client)
        event_id = sentry_sdk.capture_event(event)
    client.flush(timeout=10)
    client.close()
    assert event_id, "the SDK dropped the event"
    return event_id


def record(events: dict[str, dict[str, Any]]) -> dict[str, bytes]:
    """name -> Bugsink's answer for that event, each in its own project."""
    with tempfile.TemporaryDirectory() as workdir:
        server = start_server(ensure_installed(cache_root()), Path(workdir))
        try:
            answers = {}
            for name, event in events.items():
                project = create_project(server, name)
                sent = send(event, project.dsn)
                with server.client() as client:
                    answers[name] = _event_answer(client, project.id, sent)
            return answers
        finally:
            stop_server(server)


def _event_answer(client: httpx.Client, project: int, sent: str) -> bytes:
    issues = client.get("/issues/", params={"project": project}).raise_for_status().json()
    for issue in issues["results"]:
        events = client.get("/events/", params={"issue": issue["id"]}).raise_for_status().json()
        for event in events["results"]:
            if event["event_id"].replace("-", "") == sent:
                return client.get(f"/events/{event['id']}/").raise_for_status().content
    raise LookupError(f"Bugsink has no event {sent}")
