"""Native and JVM events through the real sentry-sdk into a real Bugsink, read back by the
backend: threads, locks, registers, addresses and debug images survive the round trip."""

from __future__ import annotations

import json
from typing import Any

import pytest
from bugsink_server import Project

from tests.conftest import FIXTURES
from tests.recorders.bugsink_record import send
from tui.backends.bugsink import BugsinkBackend
from tui.model import IssueQuery
from tui.render.raw import raw_trace

pytestmark = pytest.mark.e2e

SDK_ADDED = ("sdk", "timestamp", "event_id", "server_name", "contexts")


def recorded_event(name: str) -> dict[str, Any]:
    """The event as the recorder built it: Bugsink's stored copy minus what the SDK added."""
    data = json.loads(FIXTURES.joinpath("bugsink", name).read_text())["data"]
    return {key: value for key, value in data.items() if key not in SDK_ADDED}


async def test_native_crash_round_trips(backend: BugsinkBackend, project: Project) -> None:
    sent = recorded_event("native_event.json")
    send(sent, project.dsn)
    (issue,) = (await backend.list_issues(IssueQuery(query=""))).issues
    event = await backend.get_event(issue.id)
    assert (event.platform, event.level) == ("native", "fatal")
    stack = event.exceptions[0].stacktrace
    assert stack is not None
    sent_frames = sent["exception"]["values"][0]["stacktrace"]["frames"]
    assert [f.instruction_addr for f in stack.frames] == [
        hex(int(f["instruction_addr"], 16)) for f in sent_frames
    ]
    assert stack.registers["rip"] == stack.frames[-1].instruction_addr
    assert [t.name for t in event.threads] == ["crashdemo", "cache-worker"]
    assert event.threads[1].held_locks[0].kind == "locked"
    assert {i.code_file.rsplit("/", 1)[-1] for i in event.debug_images} >= {"crashdemo"}
    assert raw_trace(event).startswith("SIGSEGV: Segfault at address 0x0\n")


async def test_jvm_failure_round_trips(backend: BugsinkBackend, project: Project) -> None:
    send(recorded_event("jvm_event.json"), project.dsn)
    (issue,) = (await backend.list_issues(IssueQuery(query=""))).issues
    event = await backend.get_event(issue.id)
    assert [e.type for e in event.exceptions] == ["IllegalStateException", "NumberFormatException"]
    writer = next(t for t in event.threads if t.name == "report-writer")
    assert writer.state == "BLOCKED" and writer.held_locks[0].kind == "blocked"
    assert "Caused by: java.lang.NumberFormatException" in raw_trace(event)
