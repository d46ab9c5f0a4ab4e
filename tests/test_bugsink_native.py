"""BugsinkBackend on the native and JVM events a real Bugsink returned (recorded through the
real sentry-sdk by tests/recorders/native and tests/recorders/jvm)."""

from __future__ import annotations

import httpx
import pytest

from tests.test_bugsink_backend import backend_for, load, page, with_projects


@pytest.mark.parametrize(
    ("fixture", "crash", "threads"),
    [
        ("native_event.json", "read_limit", ["crashdemo", "cache-worker"]),
        ("jvm_event.json", "close", ["main", "Reference Handler", "Finalizer"]),
    ],
)
async def test_bugsink_event_keeps_threads_locks_and_frames(
    fixture: str, crash: str, threads: list[str]
) -> None:
    answer = load(fixture)
    summary = {key: answer[key] for key in ("id", "event_id", "issue", "timestamp")}
    fake = with_projects(
        {
            "GET /events/": page([summary]),
            f"GET /events/{answer['id']}/": httpx.Response(200, json=answer),
        }
    )
    event = await backend_for(fake).get_event(answer["issue"])
    assert event.id == answer["id"] and event.issue_id == answer["issue"]
    raised = event.exceptions[0]
    assert raised.stacktrace is not None and raised.stacktrace.frames[-1].function == crash
    assert [t.name for t in event.threads][: len(threads)] == threads
    assert any(t.held_locks for t in event.threads)
