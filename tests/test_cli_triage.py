"""`stackdeck issues resolve|ignore|assign|members|activity|comment` on the demo servers."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from tests.test_cli import run
from tui import cli_triage, triage
from tui.backends.sentry_parse import parse_issue
from tui.demo import demo_server
from tui.demo.server import DemoSentryServer


@pytest.fixture
def sentry() -> Iterator[DemoSentryServer]:
    """The process's demo Sentry server, the one `--demo` CLI calls in this test talk to."""
    demo_server.cache_clear()
    server = demo_server("demo")
    assert isinstance(server, DemoSentryServer)
    yield server
    demo_server.cache_clear()  # the next test starts from the recordings again


def writes(server: DemoSentryServer) -> list[dict[str, object]]:
    return [json.loads(r.content) for r in server.requests if r.method in ("PUT", "POST")]


def first_short_ids(server: DemoSentryServer, count: int) -> list[str]:
    return sorted(i["shortId"] for i in server.issues.values())[:count]


def test_ignore_for_a_duration(
    capsys: pytest.CaptureFixture[str], sentry: DemoSentryServer
) -> None:
    named = first_short_ids(sentry, 2)
    code, out, _ = run(capsys, "--demo", "issues", "ignore", *named, "--for", "2h")
    assert code == 0
    heads, ends = zip(*(line.rsplit(" until ", 1) for line in out.splitlines()), strict=True)
    assert list(heads) == [f"{s}: ignored (archived_until_condition_met," for s in named]
    for end in ends:
        when = datetime.strptime(end, "%Y-%m-%d %H:%M UTC)").replace(tzinfo=UTC)
        assert abs(when - (datetime.now(UTC) + timedelta(hours=2))) < timedelta(minutes=2)
    assert writes(sentry) == [
        {
            "status": "ignored",
            "substatus": "archived_until_condition_met",
            "statusDetails": {"ignoreDuration": 120},
        }
    ]


def test_ignore_until_events_in_a_window(
    capsys: pytest.CaptureFixture[str], sentry: DemoSentryServer
) -> None:
    [named] = first_short_ids(sentry, 1)
    argv = ("--demo", "issues", "ignore", named, "--until-events", "10", "--window", "1d")
    assert run(capsys, *argv)[0] == 0
    assert writes(sentry)[0]["statusDetails"] == {"ignoreCount": 10, "ignoreWindow": 1440}


def test_resolve_in_a_named_release(
    capsys: pytest.CaptureFixture[str], sentry: DemoSentryServer
) -> None:
    [named] = first_short_ids(sentry, 1)
    assert run(capsys, "--demo", "issues", "resolve", named, "--in-release", "shop@2")[0] == 0
    assert writes(sentry) == [{"status": "resolved", "statusDetails": {"inRelease": "shop@2"}}]


def test_assign_to_a_team_then_none(
    capsys: pytest.CaptureFixture[str], sentry: DemoSentryServer
) -> None:
    [named] = first_short_ids(sentry, 1)
    # The status words are the demo issue's own (`unresolved (regressed)`, ...).
    detail = parse_issue(next(i for i in sentry.issues.values() if i["shortId"] == named))
    shown = f"{named}: unresolved" + (f" ({detail.status_detail})" if detail.status_detail else "")
    code, out, _ = run(capsys, "--demo", "issues", "assign", named, "--to", "team:checkout")
    assert code == 0 and out == f"{shown}, assigned to team:checkout\n"
    code, out, _ = run(capsys, "--demo", "issues", "assign", named, "--to", "none")
    assert code == 0 and out == f"{shown}\n"
    assert writes(sentry) == [{"assignedTo": "team:11"}, {"assignedTo": ""}]


def test_assign_to_someone_unknown_lists_who_is_known(
    capsys: pytest.CaptureFixture[str], sentry: DemoSentryServer
) -> None:
    [named] = first_short_ids(sentry, 1)
    code, _, err = run(capsys, "--demo", "issues", "assign", named, "--to", "nobody")
    assert code == 1 and "no user 'nobody'" in err and "Grace Hopper" in err
    assert writes(sentry) == []


def test_members_json_and_comment_then_activity(
    capsys: pytest.CaptureFixture[str], sentry: DemoSentryServer
) -> None:
    code, out, _ = run(capsys, "--demo", "issues", "members", "--json")
    members = json.loads(out)
    assert code == 0 and members[0] == {
        "kind": "user",
        "id": "1",
        "name": "Ada Lovelace",
        "email": "ada@shop.example",
    }
    [named] = first_short_ids(sentry, 1)
    assert run(capsys, "--demo", "issues", "comment", named, "on it [bold]")[0] == 0
    code, out, _ = run(capsys, "--demo", "issues", "activity", named, "--json")
    history = [(a["kind"], a["text"]) for a in json.loads(out)]
    # The comment first, then what the issue went through before, back to its first event.
    assert history[0] == ("note", "on it [bold]")
    assert history[-1] == ("first_seen", "")


def test_activity_says_when_there_is_none(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("--demo", "--profile", "demo-posthog", "issues", "activity", "FD1F05BB")
    assert run(capsys, *argv)[:2] == (0, "no activity on FD1F05BB\n")
    assert run(capsys, *argv, "--json")[:2] == (0, "[]\n")


def test_unsupported_exits_2_with_the_reason(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ("--demo", "--profile", "demo-posthog", "issues", "ignore", "ABCDEF12", "--for", "1h")
    code, out, err = run(capsys, *argv)
    assert (code, out) == (2, "")
    assert err == "stackdeck: PostHog suppresses an issue without a condition\n"


def test_window_without_a_count_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "--demo", "issues", "ignore", "X-1", "--window", "1h")
    assert code == 2 and "--window goes with" in err


def test_a_read_only_profile_refuses_before_opening_the_server(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # The guard itself is unit-tested in test_triage; here: every mutating command calls it.
    calls: list[str] = []

    def refuse(profile: object) -> None:
        calls.append(getattr(profile, "name", ""))
        raise triage.ReadOnlyProfile("profile 'demo' is read-only")

    monkeypatch.setattr(triage, "require_writable", refuse)
    for argv in (
        ("resolve", "X-1"),
        ("ignore", "X-1"),
        ("assign", "X-1", "--to", "me"),
        ("comment", "X-1", "hi"),
    ):
        code, _, err = run(capsys, "--demo", "issues", *argv)
        assert code == 2 and err == "stackdeck: profile 'demo' is read-only: nothing changed\n"
    assert calls == ["demo"] * 4
    code, _, _ = run(capsys, "--demo", "issues", "activity", "BILLING-API-1")
    assert code == 0 and calls == ["demo"] * 4  # reading passes no guard


@pytest.mark.parametrize(
    ("text", "minutes"), [("90", 90), ("45m", 45), ("2h", 120), ("3d", 4320), ("1w", 10080)]
)
def test_durations(text: str, minutes: int) -> None:
    assert cli_triage._duration(text) == minutes
