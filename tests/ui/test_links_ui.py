"""`X` in the demo: from the Sentry event to its person's PostHog issues, and from the PostHog
event back to that very Sentry event, each in the other demo profile."""

from __future__ import annotations

from tests.ui.driver import SIZE, notices, settle, static_text
from tests.ui.test_profiles import demo_app
from tui.app import StackdeckApp
from tui.config import Profile
from tui.demo import demo_config
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.widgets.issue_table import IssueTable
from tui.widgets.lines import LineList


def linked_demo_app(linkable: tuple[Profile, ...] | None = None) -> StackdeckApp:
    app = demo_app([], [])
    app.linkable = tuple(demo_config().profiles.values()) if linkable is None else linkable
    return app


def context_text(app: StackdeckApp) -> str:
    """Every row of the Tags & context tab, as drawn."""
    view = app.screen.query_one("#context-list", LineList)
    return "\n".join(view.render_line(y).text for y in range(len(view._rows)))


async def follow_link(app: StackdeckApp, pilot) -> None:
    """`X`, then the profile switch, the list's load and the linked issue's event."""
    await pilot.press("X")
    for _ in range(3):
        await settle(app, pilot)


async def open_issue(app: StackdeckApp, pilot, short_id: str) -> None:
    table = app.screen.query_one(IssueTable)
    table.move_cursor(row=next(i for i, x in enumerate(table.issues) if x.short_id == short_id))
    await pilot.press("enter")
    await settle(app, pilot)


async def test_x_goes_to_the_persons_posthog_issues_and_back_to_the_same_sentry_event() -> None:
    app = linked_demo_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_issue(app, pilot, "BILLING-PORTAL-1")
        await pilot.press("p")  # the older event, so that landing on it is no default
        await settle(app, pilot)
        sentry_event = app.screen.event
        assert sentry_event is not None and sentry_event.links.posthog_distinct_id == "c_8812"
        assert sentry_event.next_event_id is not None
        await pilot.press("c")
        rows = context_text(app)
        assert "PostHog person" in rows and "c_8812" in rows

        await follow_link(app, pilot)
        assert app.profile_name == "demo-posthog"
        assert isinstance(app.screen, IssueListScreen)
        assert app.screen.issue_query.person == "c_8812"
        assert "person c_8812" in static_text(app, "#title-bar")
        titles = [i.title for i in app.screen.query_one(IssueTable).issues]
        assert "ValueError: card declined: expired_card" in titles

        table = app.screen.query_one(IssueTable)
        table.move_cursor(row=titles.index("ValueError: card declined: expired_card"))
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("p")  # c_8812's event; the latest is c_1203's
        await settle(app, pilot)
        assert app.screen.event.links.sentry_event_id == sentry_event.id

        await follow_link(app, pilot)
        assert app.profile_name == "demo"
        assert isinstance(app.screen, IssueDetailScreen)
        assert app.screen.issue.short_id == "BILLING-PORTAL-1"
        assert app.screen.event is not None and app.screen.event.id == sentry_event.id


async def test_x_is_greyed_without_a_link_and_says_why_without_a_profile() -> None:
    app = linked_demo_app(linkable=(demo_config().profiles["demo"],))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await open_issue(app, pilot, "BILLING-API-1")
        assert app.screen.check_action("follow_link", ()) is None
        await pilot.press("X")
        await pilot.pause()
        assert "carries no Sentry <-> PostHog link" in notices(app)[-1]
        await pilot.press("escape")
        await open_issue(app, pilot, "BILLING-PORTAL-1")
        await pilot.press("X")
        await pilot.pause()
        assert "no posthog profile is configured" in notices(app)[-1]
        assert app.profile_name == "demo"


async def test_at_80_columns_the_link_shows_and_esc_leaves_the_persons_issues_marks_first() -> None:
    app = linked_demo_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await open_issue(app, pilot, "BILLING-PORTAL-1")
        assert static_text(app, "#event-bar").startswith("⇄ in PostHog (X) · event ")
        await follow_link(app, pilot)
        screen = app.screen
        assert isinstance(screen, IssueListScreen) and screen.issue_query.person == "c_1203"
        title = static_text(app, "#title-bar")
        assert "person c_1203 (esc: all issues)" in title[:80]
        await pilot.press("space")
        await pilot.press("escape")
        await settle(app, pilot)
        assert not screen.marked and screen.issue_query.person == "c_1203"  # marks first
        await pilot.press("escape")
        await settle(app, pilot)
        assert app.screen is screen and screen.issue_query.person == ""
        assert screen.issue_query.query == "is:unresolved"
        assert "person" not in static_text(app, "#title-bar")
        assert len(screen.query_one(IssueTable).issues) > 2  # everyone's issues again
