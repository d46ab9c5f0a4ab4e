"""GlitchTip's real answers (tests/fixtures/glitchtip, recorded from GlitchTip 5.1) -> the model."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tui.backends.sentry_parse import event_level, parse_event, parse_issue


def load(name: str) -> object:
    return json.loads((FIXTURES / "glitchtip" / name).read_text())


def test_numbered_context_pairs_become_the_frames_context_lines() -> None:
    event = parse_event(load("issue1_event_latest.json"))
    frames = [f for e in event.exceptions for f in (e.stacktrace.frames if e.stacktrace else ())]
    crash = next(f for f in frames if f.function == "lookup_account")
    assert crash.lineno == 6
    assert crash.context_line == "    return accounts[account_id]"
    assert [c.lineno for c in crash.context] == list(range(1, 12))
    assert crash.pre_context[-1] == "    balance_cents = 4200"
    assert crash.post_context[-1] == "    try:"


def test_release_comes_from_the_tags_and_the_event_has_no_level_of_its_own() -> None:
    data = load("issue3_message_event_latest.json")
    assert isinstance(data, dict) and "release" not in data
    assert parse_event(data).release == "billing@1.2.3"
    assert event_level(data) == ""


def test_empty_culprit_is_derived_from_metadata_in_sentrys_form() -> None:
    listed = load("org_issues_list_default.json")
    assert isinstance(listed, list)
    issues = {i.short_id: i for i in map(parse_issue, listed)}
    assert issues["BILLING-API-8"].culprit == "billing/ledger.py in refund"
    assert issues["SHOP-WEB-1"].culprit == "/static/app.min.js in n"
    assert issues["BILLING-API-3"].culprit == ""  # a message issue: no metadata to go on


def test_the_snake_case_put_answer_parses_like_the_camel_case_get() -> None:
    answer = load("put_issue2_resolved.json")
    assert isinstance(answer, dict) and "user_count" in answer and "userCount" not in answer
    issue = parse_issue({**answer, "user_count": 3})
    assert (issue.short_id, issue.user_count) == ("BILLING-API-2", 3)
