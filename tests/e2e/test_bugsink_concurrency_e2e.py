"""Resolving while events keep arriving: nothing resolved is lost, nothing shown that is not so."""

from __future__ import annotations

import asyncio
import threading

import httpx
import pytest
from bugsink_server import Project
from sdk_events import send_python_error

from tui.backends.bugsink import BugsinkBackend
from tui.model import IssueQuery, IssueStatus, StatusAction

pytestmark = pytest.mark.e2e

QUIET = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"]
"""Issues that get no new event after the user resolves them."""
NOISY = ["kappa", "lambda", "omicron"]
"""Issues whose events keep coming while the user resolves them."""


class EventPump:
    """Sends events for the noisy issues from a thread until stopped; counts what it sent."""

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn
        self.sent = 0
        self.progress = threading.Condition()
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self.stopping.is_set():
            send_python_error(self.dsn, NOISY[self.sent % len(NOISY)])
            with self.progress:
                self.sent += 1
                self.progress.notify_all()

    def wait_for(self, count: int) -> None:
        with self.progress:
            if not self.progress.wait_for(lambda: self.sent >= count, timeout=60):
                raise TimeoutError(f"the pump sent {self.sent} events, not {count}")


async def test_resolutions_survive_events_arriving_meanwhile(
    backend: BugsinkBackend, project: Project, server_api: httpx.AsyncClient
) -> None:
    for kind in QUIET + NOISY:
        send_python_error(project.dsn, kind)
    issues = (await backend.list_issues(IssueQuery(query="", limit=100))).issues
    assert len(issues) == len(QUIET + NOISY)

    pump = EventPump(project.dsn)
    pump.thread.start()
    try:
        await asyncio.to_thread(pump.wait_for, 1)
        # Every issue resolved, the quiet ones twice at once (a double key press, two windows).
        quiet = [i for i in issues if i.value.rsplit(" ", 1)[-1] in QUIET]
        work = [backend.set_status(i.id, StatusAction.RESOLVE) for i in issues]
        work += [backend.set_status(i.id, StatusAction.RESOLVE) for i in quiet]
        answers = await asyncio.gather(*work)
        sent_during = pump.sent
        # The event in flight when the resolves finished may predate them: wait for one more.
        await asyncio.to_thread(pump.wait_for, sent_during + len(NOISY) + 1)
    finally:
        pump.stopping.set()
        await asyncio.to_thread(pump.thread.join, 60)
    assert not pump.thread.is_alive()

    answered = {a.id: a for a in answers}
    assert all(answered[i.id].status is IssueStatus.RESOLVED for i in quiet)

    listing = await server_api.get("/issues/", params={"project": project.id})
    on_server = {i["id"]: i for i in listing.raise_for_status().json()["results"]}
    shown = {i.id: i for i in (await backend.list_issues(IssueQuery(query="", limit=100))).issues}
    assert shown.keys() == on_server.keys()
    for issue_id, issue in shown.items():
        server = on_server[issue_id]
        assert (issue.status is IssueStatus.RESOLVED) == server["is_resolved"], issue.title
        assert issue.count == server["digested_event_count"], issue.title
    for issue in quiet:
        assert on_server[issue.id]["is_resolved"] is True, issue.title
    # Every noisy issue got an event after the resolve finished: a regression, unresolved again.
    noisy_ids = {i.id for i in issues} - {i.id for i in quiet}
    assert all(shown[i].status is IssueStatus.UNRESOLVED for i in noisy_ids)
