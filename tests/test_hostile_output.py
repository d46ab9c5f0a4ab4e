"""Byte-level: hostile server text reaches stdout/stderr only inert, on every CLI path and in
TUI toasts (escapes, OSC 52, CSI, C1, bidi overrides, markup, lone surrogates)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.hostile import (
    FIVE_THOUSAND_DIGITS,
    HOSTILE,
    OSC52,
    HostileSentry,
    nested,
    raw_controls,
    run,
    serve_as_demo,
)
from tests.ui.fakes import FakeBackend, fixed_clock
from tests.ui.trace_view import trace_view, visible_text
from tui.app import StackdeckApp
from tui.backends.errors import ServerError
from tui.backends.sentry import SentryBackend
from tui.cli import main
from tui.demo.server import DEMO_ORG, DEMO_URL
from tui.model import NESTED_TOO_DEEPLY
from tui.sanitize import dumps_json, sanitize
from tui.screens.issue_detail import IssueDetailScreen


@pytest.fixture
def server(monkeypatch: pytest.MonkeyPatch) -> HostileSentry:
    return serve_as_demo(monkeypatch)


def test_issues_show_plain_output_is_inert(
    server: HostileSentry, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = run(capsysbinary, "issues", "show", server.issue["id"])
    assert code == 0, err
    assert raw_controls(out) == [] and raw_controls(err) == []
    text = out.decode()
    assert "[bold]markup[/bold]" in text  # shown literally, never styled or dropped
    assert "␛]52;c;cHduZWQ=␇" in text  # the escape made visible, not sent
    assert "\\u202e" in text and "\\ud800" in text and "\\x9b" in text


def test_issues_show_json_is_inert_and_lossless(
    server: HostileSentry, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, err = run(capsysbinary, "issues", "show", server.issue["id"], "--json")
    assert code == 0, err
    assert raw_controls(out) == []
    shown = json.loads(out)
    # A script reading the JSON gets the server's exact strings back.
    assert shown["issue"]["short_id"] == server.issue["shortId"]
    assert shown["event"]["exceptions"][0]["value"].endswith(HOSTILE)
    frame = shown["event"]["exceptions"][0]["stacktrace"]["frames"][0]
    assert frame["vars"] == {HOSTILE: HOSTILE}
    assert "é" in dumps_json(["é"])  # ordinary non-ASCII stays readable


def test_issues_list_both_forms_are_inert(
    server: HostileSentry, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    for extra in ((), ("--json",)):
        code, out, err = run(capsysbinary, "issues", "list", *extra)
        assert code == 0, err
        assert raw_controls(out) == [] and b"BILLING-API-1" in out


def test_status_change_prints_short_id_and_status_inert(
    server: HostileSentry, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code, out, _ = run(capsysbinary, "issues", "resolve", server.issue["id"])
    assert code == 0
    assert raw_controls(out) == []
    assert out.decode().count("\n") == 1  # a newline in the short id cannot forge a line


def test_error_details_from_the_server_are_inert(
    server: HostileSentry, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    server.error_status = 400  # a 404 is reported as "no issue X", without the server's words
    code, out, err = run(capsysbinary, "issues", "show", "999")
    assert code == 1
    assert raw_controls(err) == [] and b"[bold]markup[/bold]" in err
    code, _, err = run(capsysbinary, "issues", "reopen", "998", "999")
    assert code == 1
    assert raw_controls(err) == [] and err.decode().count("\n") == 2


def test_config_check_prints_org_slugs_inert(
    server: HostileSentry, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    server.orgs = [{"slug": HOSTILE}, {"slug": "other"}]
    code, out, err = run(capsysbinary, "config", "check")
    assert code == 1
    assert raw_controls(out + err) == [] and b"other" in err


def test_sourcemap_resolve_prints_a_hostile_map_inert(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = tmp_path / "app.js.map"
    path.write_text(
        json.dumps(
            {
                "version": 3,
                "sources": [f"src/{HOSTILE}.ts"],
                "sourcesContent": [f"let a = '{HOSTILE}';\n"],
                "names": [HOSTILE],
                "mappings": "AAAAA",
            }
        )
    )
    for extra in ((), ("--json",)):
        code = main(["sourcemap", "resolve", str(path), "1:0", *extra])
        out, err = capsysbinary.readouterr()
        assert code == 0, err
        assert raw_controls(out) == [] and b"[bold]markup[/bold]" in out
    # The JSON keeps the name (the symbol cache stores a lone surrogate as U+FFFD).
    assert json.loads(out)[0]["name"].startswith(OSC52 + "\x1b[2J")


async def test_every_toast_is_sanitised() -> None:
    backend = FakeBackend()
    backend.fail_status = ServerError(HOSTILE)
    app = StackdeckApp(backend, clock=fixed_clock)
    async with app.run_test(size=(120, 36)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("r")  # the failed resolve toasts the server's error text
        await app.workers.wait_for_complete()
        app.notify(f"line one\n{OSC52}", title=HOSTILE, markup=True)
        await pilot.pause()
        notifications = list(app._notifications)
        assert len(notifications) == 2
        for note in notifications:
            assert raw_controls(note.message.replace("\n", "")) == []
            assert raw_controls(note.title) == [] and not note.markup
        assert sanitize(HOSTILE) in notifications[0].message
        assert notifications[1].message == "line one\n␛]52;c;cHduZWQ=␇"
        assert notifications[1].title == sanitize(HOSTILE)


def test_issues_show_survives_a_hostile_servers_numbers_and_deep_vars(
    server: HostileSentry,
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    issue = {**server.issue, "count": "1e999", "userCount": float("nan")}
    issue["firstSeen"] = "9999-12-31T23:59:59-05:00"
    event_json = json.dumps(server.event).replace('"lineNo": 39', '"lineNo": 1e999', 1)
    frame = server.event["entries"][0]["data"]["values"][0]["stacktrace"]["frames"][0]
    event = json.loads(event_json)
    event["entries"][0]["data"]["values"][0]["stacktrace"]["frames"][0] = {
        **frame,
        "vars": nested(900),
    }
    server.issue = issue
    server.event = event
    server.raw[server.issue_path + "events/oldest/"] = (
        b'{"eventID": "e", "size": ' + FIVE_THOUSAND_DIGITS.encode() + b"}"
    )
    for extra in ((), ("--event", "oldest", "--json")):
        code, out, err = run(capsysbinary, "issues", "show", server.issue["id"], *extra)
        assert code == 0, err
        assert raw_controls(out) == []
    code, out, err = run(capsysbinary, "issues", "show", server.issue["id"], "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert (shown["issue"]["count"], shown["issue"]["first_seen"]) == (0, None)
    frames = shown["event"]["exceptions"][-1]["stacktrace"]["frames"]
    assert NESTED_TOO_DEEPLY in json.dumps(frames[0]["vars"])


async def test_the_tui_shows_a_hostile_issue_and_event_inert() -> None:
    server = HostileSentry()
    frames = server.event["entries"][0]["data"]["values"][-1]["stacktrace"]["frames"]
    frames[-1]["vars"] = {"deep": nested(900), HOSTILE: HOSTILE}
    server.issue["count"] = float("inf")
    backend = SentryBackend.connect(DEMO_URL, "token", DEMO_ORG, transport=server.transport())
    app = StackdeckApp(backend, clock=fixed_clock)
    # Tall enough for the issue header and the whole focused frame with its vars.
    async with app.run_test(size=(120, 40)) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert isinstance(app.screen, IssueDetailScreen)
        await pilot.press("v")  # the focused frame's vars, the 900-deep one among them
        await pilot.pause()
        shown = [w.render() for w in app.screen.query("*")]
        texts = [getattr(content, "plain", "") for content in shown]
        texts.append(visible_text(trace_view(app)))  # the trace draws lines, not a renderable
        assert any("[bold]markup[/bold]" in text for text in texts)
        # The 900-deep value is drawn (cut at the edge of the view), not a crash.
        assert re.search(r"deep\s+= \{", texts[-1])
        assert all(raw_controls(text.replace("\n", "")) == [] for text in texts)


def strict_json(text: bytes) -> object:
    """JSON as RFC 8259 has it (and jq, JavaScript, Go): no NaN or Infinity literals."""

    def refuse(constant: str) -> object:
        raise ValueError(f"{constant} is not JSON")

    return json.loads(text, parse_constant=refuse)


def test_issues_show_json_stays_strict_json_with_nan_and_infinite_vars(
    server: HostileSentry, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    # Python's json writes and reads these literals, so a server may well serve them.
    frame = server.event["entries"][0]["data"]["values"][0]["stacktrace"]["frames"][0]
    frame["vars"] = {"ratio": float("nan"), "big": float("inf"), "small": float("-inf")}
    code, out, err = run(capsysbinary, "issues", "show", server.issue["id"], "--json")
    assert code == 0, err
    frames = strict_json(out)["event"]["exceptions"][-1]["stacktrace"]["frames"]  # type: ignore[index]
    assert frames[0]["vars"] == {"ratio": "NaN", "big": "Infinity", "small": "-Infinity"}
