"""Wire formats -> model: camelCase web API, snake_case ingestion, missing and null fields."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tui.backends.sentry_parse import parse_event, parse_frame, parse_issue
from tui.model import IssueStatus


def load(*parts: str) -> dict:
    return json.loads(FIXTURES.joinpath(*parts).read_text())


def test_web_api_event_puts_the_raised_exception_first() -> None:
    event = parse_event(load("sentry", "sentry_event_python_chained.json"))
    # Sentry sends the root cause (CardError) first and the raised ValueError last.
    assert [e.type for e in event.exceptions] == ["ValueError", "CardError"]
    crash = event.exceptions[0].stacktrace.frames[-1]
    assert crash.function == "charge" and crash.lineno == 42 and crash.in_app
    assert crash.context_line is not None and "raise ValueError" in crash.context_line
    assert [c.lineno for c in crash.context] == [40, 41, 42, 43]
    assert crash.vars["exc"].startswith("CardError(")
    assert event.release == "billing-api@2.14.1" and event.environment == "production"
    assert ("server_name", "billing-7d9f8-abcde") in event.tags
    assert event.breadcrumbs[0].category == "httplib"


def test_ingestion_event_as_bugsink_returns_it() -> None:
    raw = load("bugsink", "py_event_detail.json")["data"]
    event = parse_event(raw, issue_id="f99f0db3")
    assert event.title == "ValueError: port missing from settings ['debug', 'host']"
    assert [e.type for e in event.exceptions] == ["ValueError", "KeyError"]
    frame = event.exceptions[0].stacktrace.frames[-1]
    assert frame.abs_path.endswith(".py") and frame.lineno == 37
    assert frame.context_line is not None and frame.pre_context
    assert event.issue_id == "f99f0db3"


def test_camel_and_snake_frames_agree() -> None:
    camel = parse_frame(
        {
            "absPath": "/a.js",
            "lineNo": 3,
            "colNo": 9,
            "inApp": True,
            "function": "f",
            "context": [[2, "a"], [3, "b"], [4, "c"]],
        }
    )
    snake = parse_frame(
        {
            "abs_path": "/a.js",
            "lineno": 3,
            "colno": 9,
            "in_app": True,
            "function": "f",
            "pre_context": ["a"],
            "context_line": "b",
            "post_context": ["c"],
        }
    )
    assert camel == snake


def test_nulls_and_wrong_types_fall_back_to_defaults() -> None:
    event = parse_event(
        {
            "eventID": "e1",
            "tags": None,
            "entries": [
                {
                    "type": "exception",
                    "data": {
                        "values": [
                            {
                                "type": None,
                                "value": None,
                                "stacktrace": {"frames": [None, {"lineNo": "x"}]},
                            },
                        ]
                    },
                },
                {"type": "breadcrumbs", "data": None},
            ],
            "contexts": {"os": "not a dict"},
            "user": None,
        }
    )
    [exc] = event.exceptions
    assert exc.type == "Error" and exc.value == ""
    [frame] = exc.stacktrace.frames
    assert frame.lineno is None and frame.context == ()
    assert event.tags == () and event.contexts == {} and event.breadcrumbs == ()


def test_issue_without_optional_fields() -> None:
    issue = parse_issue({"id": 12, "title": "boom", "status": "resolved", "count": None})
    assert (issue.id, issue.short_id, issue.count, issue.user_count) == ("12", "12", 0, 0)
    assert issue.status is IssueStatus.RESOLVED and issue.first_seen is None


def test_exception_group_keeps_the_group_first_and_members_in_order() -> None:
    def member(n: int, parent: int | None, group: bool = False) -> dict:
        mechanism = {"type": "chained", "exception_id": n, "is_exception_group": group}
        if parent is not None:
            mechanism |= {"parent_id": parent, "source": f"exceptions[{n - 1}]"}
        return {"type": f"E{n}", "value": "", "mechanism": mechanism}

    # sentry-sdk reverses its pre-order walk, so the group comes last on the wire.
    wire = [member(2, 0), member(1, 0), member(0, None, group=True)]
    event = parse_event({"exception": {"values": wire}})
    assert [e.type for e in event.exceptions] == ["E0", "E1", "E2"]


def test_frames_omitted_range_is_kept() -> None:
    event = parse_event(
        {
            "exception": {
                "values": [
                    {
                        "type": "RecursionError",
                        "stacktrace": {
                            "frames": [{"function": "f"}] * 4,
                            "frames_omitted": [2, 52],
                        },
                    }
                ]
            }
        }
    )
    assert event.exceptions[0].stacktrace.frames_omitted == (2, 52)


def test_debug_meta_images_from_both_spellings() -> None:
    web = parse_event(load("sentry", "sentry_event_js_minified.json"))
    assert web.debug_images[0].debug_id == "395835f4-03e0-4436-80d3-136f0749a893"
    raw = parse_event(load("bugsink", "js_event_detail_with_sourcemap.json")["data"])
    assert raw.debug_images and raw.debug_images[0].type == "sourcemap"


def test_separate_pre_and_post_context_win_over_numbered_pairs() -> None:
    frame = parse_frame(
        {
            "lineno": 3,
            "pre_context": ["a"],
            "context_line": "b",
            "post_context": [],
            "context": [[1, "x"], [2, "y"], [3, "b"], [4, "z"]],
        }
    )
    assert frame.pre_context == ("a",) and frame.post_context == ()


def test_issue_list_item_carries_the_hourly_trend_and_sentrys_priority() -> None:
    issue = parse_issue(load("sentry", "sentry_issue_list_item.json"))
    assert issue.trend == (12, 0, 31)
    assert issue.trend_bucket == 3600
    assert issue.server_priority == "high"
    # The list item has no releases: Sentry puts them on the issue detail only.
    assert (issue.first_release, issue.last_release) == ("", "")


def test_issue_detail_names_releases_and_environments() -> None:
    # Shaped as Sentry's GroupDetailsEndpoint adds them (`firstRelease`/`lastRelease` are
    # serialized releases, `tags` carries each key's top values).
    detail = {
        **load("sentry", "sentry_issue_list_item.json"),
        "firstRelease": {"version": "billing-api@2.13.0", "shortVersion": "2.13.0"},
        "lastRelease": {"version": "billing-api@2.14.1", "shortVersion": "2.14.1"},
        "tags": [
            {"key": "level", "topValues": [{"value": "error", "count": 3}]},
            {
                "key": "environment",
                "topValues": [{"value": "production", "count": 2}, {"value": "staging"}],
            },
        ],
    }
    issue = parse_issue(detail)
    assert (issue.first_release, issue.last_release) == ("billing-api@2.13.0", "billing-api@2.14.1")
    assert issue.environments == ("production", "staging")


def test_glitchtips_empty_stats_give_no_trend() -> None:
    issue = parse_issue(load("glitchtip", "org_issues_list_default.json")[0])
    assert (issue.trend, issue.trend_bucket, issue.server_priority) == ((), 0, "")


def test_a_single_stats_point_takes_its_bucket_from_the_period() -> None:
    issue = parse_issue({"id": "1", "stats": {"14d": [[1755705600, 4]]}})
    assert (issue.trend, issue.trend_bucket) == ((4,), 86400)
    assert parse_issue({"id": "1", "stats": {"24h": [["x"], None, 7]}}).trend == ()
