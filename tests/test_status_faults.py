"""Fault injection on status changes: every backend, through the CLI, counting the writes received.

Each fake server holds one issue's state. The first write meets a fault (an error status, a
timeout, a reset, a wrong body), applied to the state or not; later writes succeed. The CLI must
exit 0 exactly when the issue ended up resolved, say the true state, and send a write again only
after a read showed the first one did not apply.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES
from tui import session
from tui.backends.base import Backend
from tui.backends.bugsink import API_PATH, BugsinkBackend
from tui.backends.http import ApiClient
from tui.backends.posthog import PostHogBackend
from tui.backends.sentry import SentryBackend
from tui.cli import main

NOW = 1_000.0
Respond = Callable[[httpx.Request], httpx.Response]


def load(*parts: str) -> Any:
    return json.loads(FIXTURES.joinpath(*parts).read_text())


@dataclass(frozen=True)
class Fault:
    name: str
    applied: bool
    """Whether the server made the change before the fault."""
    transient: bool
    """Worth another write once a read shows the change did not happen."""
    answer: Callable[[FakeServer, httpx.Request], httpx.Response]


def status(code: int, **headers: str) -> Callable[[FakeServer, httpx.Request], httpx.Response]:
    return lambda server, request: httpx.Response(code, json={"detail": "no"}, headers=headers)


def raises(kind: type[httpx.TransportError]) -> Callable[[FakeServer, httpx.Request], Any]:
    def answer(server: FakeServer, request: httpx.Request) -> httpx.Response:
        raise kind("injected", request=request)

    return answer


HTML = lambda server, request: httpx.Response(200, text="<html>ok</html>")  # noqa: E731
OTHER_ISSUE = lambda server, request: httpx.Response(200, json=server.other_issue())  # noqa: E731
NO_STATUS = lambda server, request: httpx.Response(200, json=server.partial_answer())  # noqa: E731
RETRY_DATE = "Thu, 01 Jan 1970 00:16:45 GMT"  # NOW + 5 s

FAULTS = [
    Fault("400", False, False, status(400)),
    Fault("403", False, False, status(403)),
    Fault("404", False, False, status(404)),
    Fault("500", False, False, status(500)),
    Fault("500 after applying", True, False, status(500)),
    Fault("502", False, True, status(502)),
    Fault("502 after applying", True, True, status(502)),
    Fault("503", False, True, status(503)),
    Fault("504 after applying", True, True, status(504)),
    Fault("429 with an HTTP date", False, True, status(429, **{"Retry-After": RETRY_DATE})),
    Fault("timeout", False, True, raises(httpx.ReadTimeout)),
    Fault("timeout after applying", True, True, raises(httpx.ReadTimeout)),
    Fault("reset", False, True, raises(httpx.RemoteProtocolError)),
    Fault("reset after applying", True, True, raises(httpx.ReadError)),
    Fault("not JSON", False, False, HTML),
    Fault("not JSON after applying", True, False, HTML),
    Fault("another issue's answer", False, False, OTHER_ISSUE),
    Fault("answer without status", False, False, NO_STATUS),
]


class FakeServer:
    """One issue, read and written on its own routes; subclasses speak each wire format."""

    backend_name = ""
    key = ""

    def __init__(self, fault: Fault | None, faults: int = 1) -> None:
        self.fault = fault
        self.faults_left = faults if fault else 0
        self.resolved = False
        self.writes = 0
        self.waits: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.method == "GET" and request.url.path == self.issue_path():
            return httpx.Response(200, json=self.issue_body(self.key))
        if request.method in ("PUT", "PATCH", "POST") and request.url.path == self.write_path():
            self.writes += 1
            if self.faults_left and self.fault is not None:
                self.faults_left -= 1
                self.resolved = self.resolved or self.fault.applied
                return self.fault.answer(self, request)
            self.resolved = True
            return httpx.Response(200, json=self.issue_body(self.key))
        return self.other_route(request)

    def client(self, base: str) -> ApiClient:
        async def sleep(seconds: float) -> None:
            self.waits.append(seconds)

        return ApiClient(
            base, "tok-secret", transport=httpx.MockTransport(self), sleep=sleep, clock=lambda: NOW
        )

    def other_route(self, request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, json={"detail": "Not found."})

    def issue_path(self) -> str: ...
    def write_path(self) -> str: ...
    def issue_body(self, key: str) -> dict[str, Any]: ...
    def other_issue(self) -> dict[str, Any]: ...
    def partial_answer(self) -> dict[str, Any]: ...
    def backend(self) -> Backend: ...


class SentryServer(FakeServer):
    backend_name = "sentry"
    key = "4829301773"
    issue = load("sentry", "sentry_issue_list_item.json")

    def issue_path(self) -> str:
        return f"/api/0/organizations/acme/issues/{self.key}/"

    write_path = issue_path

    def issue_body(self, key: str) -> dict[str, Any]:
        state = "resolved" if self.resolved else "unresolved"
        return {**self.issue, "id": key, "status": state}

    def other_issue(self) -> dict[str, Any]:
        return {**self.issue, "id": "1", "shortId": "OTHER-1", "status": "resolved"}

    def partial_answer(self) -> dict[str, Any]:
        return {"statusDetails": {}}

    def backend(self) -> Backend:
        return SentryBackend(self.client("https://sentry.example.com"), "acme")


class PostHogServer(FakeServer):
    backend_name = "posthog"
    key = "01932f4e-7c1a-7d2b-9e3f-4a5b6c7d8e9f"

    def issue_path(self) -> str:
        return f"/api/projects/7/error_tracking/issues/{self.key}/"

    def write_path(self) -> str:
        return self.issue_path()

    def other_route(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/projects/7/query/":
            return httpx.Response(200, json={"results": [], "hasMore": False})
        return super().other_route(request)

    def issue_body(self, key: str) -> dict[str, Any]:
        state = "resolved" if self.resolved else "active"
        return {"id": key, "status": state, "name": "ValueError", "description": "bad card"}

    def other_issue(self) -> dict[str, Any]:
        return {**self.issue_body("01932f4e-0000-7000-8000-000000000000"), "status": "resolved"}

    def partial_answer(self) -> dict[str, Any]:
        return {"id": self.key}

    def backend(self) -> Backend:
        client = self.client("https://ph.example.com")
        return PostHogBackend(client, client, "7", "https://ph.example.com")


class BugsinkServer(FakeServer):
    backend_name = "bugsink"
    issue = load("bugsink", "issue_detail_by_friendly_id.json")
    key = issue["id"]

    def issue_path(self) -> str:
        return f"{API_PATH}/issues/{self.key}/"

    def write_path(self) -> str:
        return f"{API_PATH}/issues/{self.key}/resolve/"

    def other_route(self, request: httpx.Request) -> httpx.Response:
        if request.url.path == f"{API_PATH}/projects/":
            return httpx.Response(200, json=load("bugsink", "projects_list.json"))
        return super().other_route(request)

    def issue_body(self, key: str) -> dict[str, Any]:
        return {**copy.deepcopy(self.issue), "id": key, "is_resolved": self.resolved}

    def other_issue(self) -> dict[str, Any]:
        return load("bugsink", "issue_resolve_response.json") | {"id": "0" * 8 + "-0000-0000"}

    def partial_answer(self) -> dict[str, Any]:
        return {"id": self.key}

    def backend(self) -> Backend:
        return BugsinkBackend(self.client("https://bugs.example.com" + API_PATH), "pyapp")


SERVERS = [SentryServer, PostHogServer, BugsinkServer]
PROFILES = {
    "sentry": 'backend = "sentry"\norg = "acme"',
    "posthog": 'backend = "posthog"\nproject = "7"',
    "bugsink": 'backend = "bugsink"\nurl = "https://bugs.example.com"\nproject = "pyapp"',
}


def run_cli(server: FakeServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *argv: str) -> int:
    config = tmp_path / "config.toml"
    body = PROFILES[server.backend_name]
    config.write_text(f'[profiles.p]\n{body}\ntoken = "tok-secret"\n')
    config.chmod(0o600)
    monkeypatch.setattr(session, "open_backend", lambda profile: server.backend())
    return main(["--config", str(config), *argv])


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
@pytest.mark.parametrize("server_type", SERVERS, ids=lambda s: s.backend_name)
def test_resolve_exits_0_only_when_the_server_resolved_the_issue(
    server_type: type[FakeServer],
    fault: Fault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_type(fault)
    code = run_cli(server, tmp_path, monkeypatch, "issues", "resolve", server.key)
    out, err = capsys.readouterr()
    changed = fault.applied or fault.transient
    assert (code, server.resolved) == (0 if changed else 1, changed)
    # A second write only after a read showed the first did not apply.
    assert server.writes == (2 if fault.transient and not fault.applied else 1)
    assert ("resolved" in out) is changed
    assert "tok-secret" not in out + err
    if not changed:
        assert err.strip()
    if "HTTP date" in fault.name:
        assert server.waits == [5.0]


@pytest.mark.parametrize("server_type", SERVERS, ids=lambda s: s.backend_name)
def test_a_write_failing_every_time_is_sent_a_bounded_number_of_times(
    server_type: type[FakeServer],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = server_type(FAULTS[5], faults=100)  # 502, never applied
    assert run_cli(server, tmp_path, monkeypatch, "issues", "resolve", server.key) == 1
    assert server.writes == 4 and not server.resolved
    assert "502" in capsys.readouterr().err


def test_an_issue_already_resolved_elsewhere_is_success_without_a_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = BugsinkServer(None)
    server.resolved = True
    assert run_cli(server, tmp_path, monkeypatch, "issues", "resolve", server.key) == 0
    assert server.writes == 0


class PostHogBulkServer(PostHogServer):
    """Two issues changed by one `bulk` request."""

    keys = (PostHogServer.key, "01932f4e-7c1a-7d2b-9e3f-000000000002")

    def __init__(self, fault: Fault | None) -> None:
        super().__init__(fault)
        self.states = dict.fromkeys(self.keys, False)

    def write_path(self) -> str:
        return "/api/projects/7/error_tracking/issues/bulk/"

    def other_route(self, request: httpx.Request) -> httpx.Response:
        for key in self.keys:
            if request.url.path == f"/api/projects/7/error_tracking/issues/{key}/":
                self.resolved = self.states[key]
                return httpx.Response(200, json=self.issue_body(key))
        return super().other_route(request)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        try:
            return super().__call__(request)
        finally:
            if request.url.path == self.write_path() and self.resolved:
                self.states = dict.fromkeys(self.keys, True)


@pytest.mark.parametrize("fault", [None, *FAULTS], ids=lambda f: f.name if f else "no fault")
def test_bulk_change_reports_each_issue_as_read_back(
    fault: Fault | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server = PostHogBulkServer(fault)
    code = run_cli(server, tmp_path, monkeypatch, "issues", "resolve", *server.keys)
    out, err = capsys.readouterr()
    # One bulk request is never repeated: what did not change is reported as not changed.
    changed = fault is None or fault.applied
    assert server.writes == 1
    assert (code, all(server.states.values())) == (0 if changed else 1, changed)
    assert out.count(": resolved") == (2 if changed else 0)
    assert bool(err) is not changed


def test_several_issues_exit_1_when_any_one_did_not_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = SentryServer(None)
    code = run_cli(server, tmp_path, monkeypatch, "issues", "resolve", server.key, "999")
    out, err = capsys.readouterr()
    assert code == 1 and server.resolved
    assert out.splitlines() == ["BILLING-API-3F: resolved"]
    assert err == "no issue 999 in p\n"
