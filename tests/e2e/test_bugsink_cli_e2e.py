"""The `stackdeck` CLI on a real Bugsink: list, show and resolve through a TOML profile."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bugsink_server import BugsinkServer, Project
from sdk_events import send_python_error

from tui.cli import main

pytestmark = pytest.mark.e2e


def run(capsys: pytest.CaptureFixture[str], config: Path, *argv: str) -> str:
    """Run the CLI, insist that it succeeded, and return what it printed."""
    code = main(["--config", str(config), *argv])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def server_issue(server: BugsinkServer, issue_id: str) -> dict[str, Any]:
    with server.client() as client:
        return client.get(f"/issues/{issue_id}/").raise_for_status().json()


def test_list_show_resolve_and_regression(
    capsys: pytest.CaptureFixture[str],
    config_file: Path,
    bugsink_server: BugsinkServer,
    project: Project,
) -> None:
    for kind in ("alpha", "alpha", "beta"):
        send_python_error(project.dsn, kind)

    listed = json.loads(run(capsys, config_file, "issues", "list", "--json"))
    assert {i["title"] for i in listed} == {
        "ConfigError: port missing for alpha",
        "ConfigError: port missing for beta",
    }
    alpha = next(i for i in listed if i["value"].endswith("alpha"))
    assert (alpha["count"], alpha["status"]) == (2, "unresolved")
    # Bugsink has no priority of its own: stackdeck scores what it listed, alpha (two events)
    # above beta (one); both are new today, neither names a release or a trend.
    ranked = json.loads(run(capsys, config_file, "issues", "list", "--json", "--sort", "priority"))
    assert [i["id"] for i in ranked][0] == alpha["id"]
    assert all(i["badges"] == ["new"] and i["priority"]["server_priority"] == "" for i in ranked)
    assert all((i["first_release"], i["trend"]) == ("", []) for i in ranked)

    shown = json.loads(run(capsys, config_file, "issues", "show", alpha["short_id"], "--json"))
    assert shown["issue"]["id"] == alpha["id"]
    assert [e["type"] for e in shown["event"]["exceptions"]] == ["ConfigError", "KeyError"]
    crashing = shown["event"]["exceptions"][1]["stacktrace"]["frames"][-1]
    assert crashing["vars"]["retries"] == "3"

    out = run(capsys, config_file, "issues", "resolve", alpha["short_id"])
    assert out.strip() == f"{alpha['short_id']}: resolved"
    assert server_issue(bugsink_server, alpha["id"])["is_resolved"] is True
    unresolved = json.loads(run(capsys, config_file, "issues", "list", "--json"))
    assert [i["short_id"] for i in unresolved] == [i["short_id"] for i in listed if i != alpha]

    send_python_error(project.dsn, "alpha")  # the bug is back
    assert server_issue(bugsink_server, alpha["id"])["is_resolved"] is False
    regressed = json.loads(run(capsys, config_file, "issues", "list", "--json"))
    back = next(i for i in regressed if i["id"] == alpha["id"])
    assert (back["status"], back["count"]) == ("unresolved", 3)
    assert regressed[0]["id"] == alpha["id"]  # newest activity first


def test_text_report_and_config_check(
    capsys: pytest.CaptureFixture[str], config_file: Path, project: Project
) -> None:
    send_python_error(project.dsn, "gamma")
    short_id = f"{project.slug.upper()}-1"

    report = run(capsys, config_file, "issues", "show", short_id)
    assert "ConfigError" in report and "port missing for gamma" in report
    assert "KeyError" in report and "load_setting" in report

    checked = run(capsys, config_file, "config", "check")
    assert project.slug in checked and checked.strip().endswith("ok")


def test_unknown_issue_fails_with_a_message(
    capsys: pytest.CaptureFixture[str], config_file: Path, project: Project
) -> None:
    missing = f"{project.slug.upper()}-99"
    code = main(["--config", str(config_file), "issues", "show", missing])
    _, err = capsys.readouterr()
    assert code == 1 and err == f"stackdeck: no issue {missing} in e2e\n"
