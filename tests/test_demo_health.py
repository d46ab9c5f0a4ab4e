"""The demo Sentry server answers release health as Sentry does: `stats` in the list,
releases and environments on the detail, `release:` filtered by the events' releases."""

from __future__ import annotations

from datetime import UTC, datetime

from tui.backends.sentry import SentryBackend
from tui.demo import open_demo_backend
from tui.model import IssueQuery

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
EVERYTHING = IssueQuery(query="", limit=100)


def backend() -> SentryBackend:
    opened = open_demo_backend(now=NOW)
    assert isinstance(opened, SentryBackend)
    return opened


async def test_list_stats_are_daily_buckets_counted_from_the_events() -> None:
    issues = (await backend().list_issues(EVERYTHING)).issues
    assert issues
    for issue in issues:
        assert len(issue.trend) == 14 and issue.trend_bucket == 86400
    # The replay spreads the recordings over nine days: every event is inside the two weeks.
    assert sum(sum(i.trend) for i in issues) == sum(i.count for i in issues)
    # Like Sentry, the list names no releases; the detail does.
    assert all(i.first_release == "" for i in issues)


async def test_detail_names_first_and_last_release_and_the_environment() -> None:
    demo = backend()
    listed = (await demo.list_issues(EVERYTHING)).issues[0]
    detail = await demo.get_issue(listed.id)
    assert detail.first_release and detail.last_release
    assert detail.environments == ("production",)


async def test_release_filter_keeps_issues_with_an_event_in_that_release() -> None:
    demo = backend()
    everything = (await demo.list_issues(EVERYTHING)).issues
    shop = (await demo.list_issues(IssueQuery(query="release:shop-web@1.9.0"))).issues
    assert shop and {i.project for i in shop} == {"shop-web"}
    short = (await demo.list_issues(IssueQuery(query="release:1.9.0"))).issues
    assert {i.id for i in short} == {i.id for i in shop}
    assert not (await demo.list_issues(IssueQuery(query="release:9.9.9"))).issues
    assert len(shop) < len(everything)
