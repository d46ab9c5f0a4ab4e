"""The priority engine: badges by the documented rules, the score's parts, the ranking."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tui.model import Issue, IssueQuery
from tui.priority import (
    Badge,
    Weights,
    badges,
    escalating,
    ranked,
    score,
    server_query,
)

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def issue(**fields: object) -> Issue:
    return Issue(id=str(fields.pop("id", "1")), short_id="X-1", title="boom", **fields)  # type: ignore[arg-type]


def test_sentry_substatus_is_taken_at_its_word() -> None:
    old = NOW - timedelta(days=30)
    assert badges(issue(substatus="regressed", first_seen=old), NOW) == (Badge.REGRESSED,)
    assert badges(issue(substatus="escalating"), NOW) == (Badge.ESCALATING,)
    # Sentry says ongoing: a recent first_seen does not make it new.
    assert badges(issue(substatus="ongoing", first_seen=NOW), NOW) == ()


def test_without_substatus_new_is_first_seen_within_a_day() -> None:
    assert badges(issue(first_seen=NOW - timedelta(hours=23)), NOW) == (Badge.NEW,)
    assert badges(issue(first_seen=NOW - timedelta(hours=25)), NOW) == ()


def test_without_substatus_no_regression_is_guessed() -> None:
    resolved_long_ago = issue(first_seen=NOW - timedelta(days=9), trend=(1, 0, 1))
    assert Badge.REGRESSED not in badges(resolved_long_ago, NOW)


def test_escalating_needs_the_last_bucket_far_above_the_average() -> None:
    assert escalating((1, 1, 1, 1, 9))
    assert not escalating((3, 3, 3, 3, 9))  # three times the average is not more than it
    assert not escalating((0, 0, 0, 4))  # too few events to call it a rise
    assert not escalating((7,))  # nothing to compare with
    assert badges(issue(trend=(0, 1, 0, 12)), NOW) == (Badge.ESCALATING,)


def test_score_parts_add_up_and_say_why() -> None:
    found = score(
        issue(count=999, user_count=99, substatus="regressed", environments=("production",)),
        NOW,
    )
    parts = {p.name: p for p in found.parts}
    assert parts["events"].points == 30.0 and parts["events"].reason == "999 events"
    assert parts["users"].points == 30.0
    assert parts["environment"].points == 20.0 and parts["environment"].reason == "production"
    assert parts["regressed"].points == 25.0
    assert parts["new"].points == 0.0 and parts["new"].reason == "not new"
    assert found.score == round(sum(p.points for p in found.parts), 1) == 105.0


def test_environment_weighs_production_over_staging_over_others() -> None:
    def env_points(*names: str) -> float:
        parts = score(issue(environments=names), NOW).parts
        return next(p.points for p in parts if p.name == "environment")

    assert env_points("production") > env_points("staging") > env_points("dev") == 0.0
    assert env_points("dev", "production") == env_points("production")


def test_the_lists_environment_stands_in_when_the_issue_names_none() -> None:
    parts = score(issue(), NOW, environment="staging").parts
    assert next(p for p in parts if p.name == "environment").reason == "staging"
    unknown = next(p for p in score(issue(), NOW).parts if p.name == "environment")
    assert unknown.points == 0.0 and unknown.reason == "environment unknown"


def test_weights_change_the_score() -> None:
    heavy_users = Weights(users=100.0)
    assert score(issue(user_count=9), NOW, weights=heavy_users).score == 100.0


def test_server_priority_is_kept_beside_the_score() -> None:
    assert score(issue(server_priority="high"), NOW).server_priority == "high"


def test_ranked_puts_the_highest_score_first_and_keeps_ties_in_order() -> None:
    quiet = issue(id="a", count=1)
    loud = issue(id="b", count=5000, user_count=300)
    tie = issue(id="c", count=1)
    assert [i.id for i in ranked([quiet, loud, tie], NOW)] == ["b", "a", "c"]


def test_server_query_asks_for_the_default_order_when_sorting_by_priority() -> None:
    assert server_query(IssueQuery(sort="priority"), ("date", "new")).sort == "date"
    assert server_query(IssueQuery(sort="new"), ("date", "new")).sort == "new"
