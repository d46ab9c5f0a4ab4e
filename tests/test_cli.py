"""The scriptable CLI on the demo data: the same engine the TUI uses."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tui.cli import main
from tui.demo.server import DemoSentryServer

DEMO = DemoSentryServer.from_package()
PYTHON_ISSUE = next(i for i in DEMO.issues.values() if i["shortId"] == "BILLING-API-1")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_issues_list_json_prints_the_demo_issues(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "issues", "list", "--json", "--limit", "100")
    assert code == 0
    listed = json.loads(out)
    assert {i["short_id"] for i in listed} == {i["shortId"] for i in DEMO.issues.values()}
    first = listed[0]
    assert set(first) >= {"id", "short_id", "title", "status", "count", "user_count", "last_seen"}
    assert all(i["status"] == "unresolved" for i in listed)
    # Sorted by last seen, newest first, as the server returned them.
    assert [i["last_seen"] for i in listed] == sorted(
        (i["last_seen"] for i in listed), reverse=True
    )


def test_issues_list_limit_and_query(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "issues", "list", "--demo", "--json", "--limit", "2")
    assert len(json.loads(out)) == 2
    _, out, _ = run(
        capsys, "--demo", "issues", "list", "--json", "--query", "is:unresolved KeyError"
    )
    assert [i["type"] for i in json.loads(out)] == ["KeyError"]


def test_issues_list_piped_is_a_plain_table_without_trailing_blanks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--demo", "issues", "list")
    lines = out.splitlines()
    assert code == 0 and lines[0].split() == [
        "ID",
        "STATUS",
        "LEVEL",
        "EVENTS",
        "USERS",
        "SEEN",
        "TITLE",
    ]
    assert len(lines) == len(DEMO.issues) + 1
    assert all(line == line.rstrip() for line in lines)
    assert "\x1b[" not in out


def test_issues_show_prints_the_trace_with_context(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "issues", "show", PYTHON_ISSUE["shortId"])
    assert code == 0
    event = DEMO.events[PYTHON_ISSUE["id"]][-1]
    raised = event["entries"][0]["data"]["values"][-1]
    crash = raised["stacktrace"]["frames"][-1]
    crash_line = dict(crash["context"])[crash["lineNo"]]
    assert f"{crash['filename']}:{crash['lineNo']} in {crash['function']}" in out
    assert f"> {crash['lineNo']} | {crash_line}" in out
    assert "caused by" in out
    assert "\x1b[" not in out  # piped output is plain


def test_issues_show_json_has_reader_ordered_exceptions(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(
        capsys, "--demo", "issues", "show", PYTHON_ISSUE["id"], "--event", "oldest", "--json"
    )
    shown = json.loads(out)
    assert shown["issue"]["short_id"] == PYTHON_ISSUE["shortId"]
    assert shown["event"]["id"] == DEMO.events[PYTHON_ISSUE["id"]][0]["eventID"]
    wire = [v["type"] for v in DEMO.events[PYTHON_ISSUE["id"]][0]["entries"][0]["data"]["values"]]
    assert [e["type"] for e in shown["event"]["exceptions"]] == wire[::-1]


def test_resolve_prints_the_status_the_server_returned(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "issues", "resolve", PYTHON_ISSUE["shortId"])
    assert (code, out) == (0, f"{PYTHON_ISSUE['shortId']}: resolved\n")
    code, out, _ = run(capsys, "--demo", "issues", "ignore", PYTHON_ISSUE["shortId"])
    assert out == f"{PYTHON_ISSUE['shortId']}: ignored (archived_until_escalating)\n"


def test_resolve_in_next_release(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    bodies: list[dict] = []
    update = DemoSentryServer._update

    def spy(server: DemoSentryServer, issue_id: str, body: dict) -> object:
        bodies.append(body)
        return update(server, issue_id, body)

    monkeypatch.setattr(DemoSentryServer, "_update", spy)
    code, out, _ = run(capsys, "--demo", "issues", "resolve", "--next-release", "SHOP-WEB-1")
    assert (code, out) == (0, "SHOP-WEB-1: resolved\n")
    assert bodies == [{"status": "resolved", "statusDetails": {"inNextRelease": True}}]


def test_unknown_issue_fails_with_a_message(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "--demo", "issues", "resolve", "NOPE-1", PYTHON_ISSUE["shortId"])
    assert code == 1
    assert "no issue NOPE-1 in demo" in err and "/api/" not in err
    assert out == f"{PYTHON_ISSUE['shortId']}: resolved\n"


def test_show_of_an_unknown_issue_names_the_profile_not_the_api_url(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "--demo", "issues", "show", "NOPE-1")
    assert code == 1 and err == "stackdeck: no issue NOPE-1 in demo\n"


def test_an_unknown_sort_is_refused_listing_the_backends_sorts(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "--demo", "issues", "list", "--sort", "bogus")
    assert code == 1 and out == ""
    assert "cannot sort by 'bogus': use date, new, freq" in err
    assert err.rstrip().endswith(", recommended, priority")  # stackdeck's own sort too


def test_config_check_on_the_demo(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "config", "check")
    assert code == 0 and out.splitlines()[-1] == "ok"
    assert "organisation 'demo'" in out


def test_bad_config_exits_2_naming_file_and_key(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[profiles.a]\nbackend = "sentry"\norg = "x"\ntimeout = 3\n')
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--config", str(path), "issues", "list"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 2
    assert f"{path}: profiles.a.timeout: unknown key" in done.stderr
    assert "Traceback" not in done.stderr


def test_unreachable_server_is_reported_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.a]\nbackend = "sentry"\nurl = "http://127.0.0.1:9"\norg = "x"\ntoken = "t0k"\n'
    )
    path.chmod(0o600)
    done = subprocess.run(
        [sys.executable, "-m", "tui.cli", "--config", str(path), "issues", "list"],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    assert done.returncode == 1
    assert "cannot reach http://127.0.0.1:9/api/0/organizations/x/issues/" in done.stderr
    assert "Traceback" not in done.stderr and "t0k" not in done.stderr


def test_issues_show_says_counts_in_words_and_why_the_issue_ranks(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "--demo", "issues", "show", "CRASHDEMO-1")
    assert code == 0
    header = out.splitlines()[:3]
    assert header[1].startswith("1 event · 0 users · first seen ")
    assert header[2].startswith("priority ") and "1 event +" in header[2]
    code, out, _ = run(capsys, "--demo", "issues", "show", "BILLING-API-1")
    assert out.splitlines()[2].startswith("REGRESSED · priority ")
