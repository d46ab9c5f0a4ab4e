"""`issues list --sort priority --json` and `--release` on the demo servers (Sentry and
PostHog), and the priority in `issues show --json`."""

from __future__ import annotations

import json

import pytest

from tui.cli import main


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, list | dict, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, json.loads(out), err


@pytest.mark.parametrize("profile", ["demo", "demo-posthog"])
def test_sort_priority_ranks_by_score_on_every_backend(
    capsys: pytest.CaptureFixture[str], profile: str
) -> None:
    argv = ("--demo", "--profile", profile, "issues", "list", "--json", "--limit", "100")
    code, listed, err = run(capsys, *argv, "--sort", "priority")
    assert code == 0 and listed
    scores = [i["priority"]["score"] for i in listed]
    assert scores == sorted(scores, reverse=True)
    for issue in listed:
        parts = issue["priority"]["parts"]
        assert {p["name"] for p in parts} == {
            "events", "users", "environment", "regressed", "new", "escalating",
        }  # fmt: skip
        assert issue["priority"]["score"] == round(sum(p["points"] for p in parts), 1)
        assert isinstance(issue["badges"], list) and issue["trend"]
    assert f"priority scored over the {len(listed)} issues fetched" in err
    assert "the server has more" not in err


def test_a_limited_priority_list_says_the_server_has_more(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, listed, err = run(
        capsys, "--demo", "issues", "list", "--json", "--sort", "priority", "--limit", "3"
    )
    assert code == 0 and len(listed) == 3
    assert "priority scored over the 3 issues fetched; the server has more" in err


def test_sentry_json_carries_releases_from_the_issue_detail_and_sentrys_priority(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _, listed, _ = run(capsys, "--demo", "issues", "list", "--json", "--limit", "100")
    assert all(i["first_release"] and i["last_release"] for i in listed)
    assert {i["priority"]["server_priority"] for i in listed} <= {"high", "medium", "low"}
    assert all(i["environments"] == ["production"] for i in listed)


def test_release_filter(capsys: pytest.CaptureFixture[str]) -> None:
    _, listed, _ = run(
        capsys,
        "--demo",
        "issues",
        "list",
        "--json",
        "--limit",
        "100",
        "--release",
        "shop-web@1.9.0",
    )
    assert listed and {i["last_release"] for i in listed} == {"shop-web@1.9.0"}


def test_show_json_has_badges_and_priority(capsys: pytest.CaptureFixture[str]) -> None:
    _, listed, _ = run(capsys, "--demo", "issues", "list", "--json", "--query", "card declined")
    code, shown, _ = run(capsys, "--demo", "issues", "show", listed[0]["id"], "--json")
    assert code == 0
    issue = shown["issue"]
    assert (issue["first_release"], issue["last_release"]) == (
        "billing-api@2.13.0",
        "billing-api@2.14.1",
    )
    assert issue["badges"] == ["regressed"]
    priority = issue["priority"]
    assert priority["server_priority"] == "high"
    parts = {p["name"]: p["points"] for p in priority["parts"]}
    assert parts["regressed"] > 0 and parts["environment"] > 0


def test_the_plain_priority_list_shows_each_score_and_the_badges(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["--demo", "issues", "list", "--sort", "priority"])
    out = capsys.readouterr().out.splitlines()
    assert code == 0 and out[0].split()[:4] == ["ID", "STATUS", "LEVEL", "SCORE"]
    rows = [line.split() for line in out[1:]]
    scores = [float(row[3]) for row in rows]
    assert scores == sorted(scores, reverse=True) and len(scores) > 5
    assert ["BILLING-API-1", "regressed"] in [row[:2] for row in rows]
