"""The store and `--offline`: a Sentry profile over a MockTransport that counts requests, then
the same profile offline over a transport that fails on any request."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import FIXTURES
from tests.ui.fakes import FakeBackend
from tui import config
from tui import session as session_module
from tui.backends.sentry import SentryBackend
from tui.cli import main
from tui.config import Profile
from tui.offline import CachingBackend
from tui.store import Store

ISSUE = json.loads((FIXTURES / "sentry" / "sentry_issue_list_item.json").read_text())
EVENT = json.loads((FIXTURES / "sentry" / "sentry_event_python_chained.json").read_text())
ISSUE_ID = str(ISSUE["id"])
SHORT_ID = str(ISSUE["shortId"])
TOKEN = "tok-kept-out-of-the-store"


def sentry_answer(request: httpx.Request) -> httpx.Response:
    path = request.url.path
    if "/shortids/" in path:
        return httpx.Response(200, json={"groupId": ISSUE_ID, "group": ISSUE})
    if "/events/" in path:
        return httpx.Response(200, json=EVENT)
    if path.endswith("/projects/"):
        return httpx.Response(200, json=[ISSUE["project"]])
    if path.endswith("/issues/"):
        return httpx.Response(200, json=[ISSUE])
    if path.endswith(f"/issues/{ISSUE_ID}/"):
        return httpx.Response(200, json=ISSUE)
    return httpx.Response(404, json={"detail": "nope"})


class Network:
    """Stands in for the server: `handler` answers, `requests` records what was sent."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.requests: list[httpx.Request] = []
        self.handler: Callable[[httpx.Request], Any] = sentry_answer

        def record(request: httpx.Request) -> Any:
            self.requests.append(request)
            return self.handler(request)

        def open_backend(profile: Profile) -> SentryBackend:
            return SentryBackend.connect(
                profile.url,
                profile.token(),
                profile.org,
                profile.projects,
                transport=httpx.MockTransport(record),
            )

        monkeypatch.setattr(session_module, "open_backend", open_backend)

    def fail_on_any_request(self) -> None:
        def refuse(request: httpx.Request) -> httpx.Response:
            raise AssertionError(f"offline sent {request.method} {request.url}")

        self.handler = refuse

    def paths(self) -> list[str]:
        return [r.url.path for r in self.requests]


@pytest.fixture
def network(monkeypatch: pytest.MonkeyPatch) -> Network:
    return Network(monkeypatch)


def write_config(folder: Path, extra: str = "") -> Path:
    path = folder / "config.toml"
    path.write_text(
        '[profiles.prod]\nbackend = "sentry"\nurl = "https://sentry.example.com"\n'
        f'org = "acme"\ntoken = "{TOKEN}"\n{extra}'
    )
    path.chmod(0o600)
    return path


@pytest.fixture(params=["", 'project = "billing-api"\n'], ids=["organisation", "project"])
def config_file(tmp_path: Path, request: pytest.FixtureRequest) -> Path:
    return write_config(tmp_path, request.param)


def cli(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> tuple[int, str, str]:
    code = main(["--config", str(config), *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_show_by_short_id_costs_two_requests(
    network: Network, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = cli(capsys, config_file, "issues", "show", SHORT_ID, "--json")
    assert code == 0
    assert json.loads(out)["issue"]["short_id"] == SHORT_ID
    assert network.paths() == [
        f"/api/0/organizations/acme/shortids/{SHORT_ID}/",
        f"/api/0/organizations/acme/issues/{ISSUE_ID}/events/latest/",
    ]


def test_show_by_id_asks_for_issue_and_event_together(
    network: Network, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    arrived: list[str] = []
    both = asyncio.Event()

    async def answer_once_both_are_asked(request: httpx.Request) -> httpx.Response:
        # Asked one after the other, the first would wait here for ever (so: time out).
        arrived.append(request.url.path)
        if len(arrived) == 2:
            both.set()
        await asyncio.wait_for(both.wait(), timeout=10)
        return sentry_answer(request)

    network.handler = answer_once_both_are_asked
    code, _, err = cli(capsys, config_file, "issues", "show", ISSUE_ID)
    assert (code, err) == (0, "")
    assert sorted(network.paths()) == [
        f"/api/0/organizations/acme/issues/{ISSUE_ID}/",
        f"/api/0/organizations/acme/issues/{ISSUE_ID}/events/latest/",
    ]


def test_offline_browses_the_last_sync_without_any_request(
    network: Network, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(capsys, config_file, "issues", "list", "--json")[0] == 0
    assert cli(capsys, config_file, "issues", "show", SHORT_ID)[0] == 0
    online = len(network.requests)
    network.fail_on_any_request()

    code, out, err = cli(capsys, config_file, "--offline", "issues", "list", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [i["short_id"] for i in listed] == [SHORT_ID]
    assert listed[0]["stale_since"]
    assert err.startswith("offline: data from ") and err.endswith(" ago\n")

    argv = ("--offline", "issues", "list", "--json", "--query", "is:resolved")
    assert json.loads(cli(capsys, config_file, *argv)[1]) == []  # searched in the last sync

    code, out, err = cli(capsys, config_file, "issues", "show", SHORT_ID, "--offline", "--json")
    assert code == 0
    shown = json.loads(out)
    assert shown["event"]["id"] == EVENT["eventID"]
    assert shown["stale_since"] == listed[0]["stale_since"]
    assert len(network.requests) == online
    stored = [p.read_text() for p in (config.app_dirs().cache / "store").rglob("*.json")]
    assert stored and not any(TOKEN in text for text in stored)


def test_offline_says_what_is_missing(
    network: Network, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    network.fail_on_any_request()
    code, _, err = cli(capsys, config_file, "--offline", "issues", "show", "OTHER-1")
    assert code == 1
    assert "issue OTHER-1 is not in the offline cache (never synced)" in err

    network.handler = sentry_answer
    assert cli(capsys, config_file, "issues", "list")[0] == 0
    network.fail_on_any_request()
    code, _, err = cli(capsys, config_file, "--offline", "issues", "show", SHORT_ID)
    assert code == 1  # listed, but its event was never opened
    assert "the latest event of issue" in err
    assert "is not in the offline cache (last synced 0s ago)" in err


def test_offline_refuses_changes(
    network: Network, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    network.fail_on_any_request()
    code, out, err = cli(capsys, config_file, "--offline", "issues", "resolve", SHORT_ID)
    assert (code, out) == (2, "")
    assert err == "stackdeck: offline (changes need the server): nothing changed\n"


def test_an_event_by_id_is_read_from_disk_the_second_time(
    network: Network, config_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ("issues", "show", ISSUE_ID, "--event", EVENT["eventID"], "--json")
    first = cli(capsys, config_file, *argv)
    event_path = f"/api/0/organizations/acme/issues/{ISSUE_ID}/events/{EVENT['eventID']}/"
    assert network.paths().count(event_path) == 1
    assert cli(capsys, config_file, *argv) == first
    assert network.paths().count(event_path) == 1  # the issue is asked again; the event not


def test_a_project_slug_is_looked_up_once_across_runs(
    network: Network, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config_file = write_config(tmp_path, 'project = "billing-api"\n')
    for _ in range(2):
        assert cli(capsys, config_file, "issues", "list")[0] == 0
    assert [p for p in network.paths() if p.endswith("/projects/")] == [
        "/api/0/organizations/acme/projects/"
    ]
    lists = [r for r in network.requests if r.url.path.endswith("/issues/")]
    assert [r.url.params.get_list("project") for r in lists] == [["4504211"], ["4504211"]]


async def test_the_caching_backend_passes_the_backends_extras_through(tmp_path: Path) -> None:
    class WithExtras(FakeBackend):
        def symbol_source(self) -> str:
            return "the server's maps"

    backend = CachingBackend(WithExtras(), Store(tmp_path / "store"))
    assert backend.symbol_source() == "the server's maps"
    assert not hasattr(backend, "bulk_apply")  # absent stays absent: callers test for it
    issue = next(iter(backend.backend.issues.values()))  # type: ignore[attr-defined]
    await backend.get_issue(issue.id)
    assert backend.store.issue(issue.short_id) is not None
