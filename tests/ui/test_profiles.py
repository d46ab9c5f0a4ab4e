"""Switching profiles from the UI: the other server's issues, the old session closed."""

from __future__ import annotations

from tests.ui.driver import SIZE, settle
from tui.app import StackdeckApp
from tui.config import ConfigError
from tui.demo import demo_config
from tui.model import IssueQuery, IssueStatus, StatusAction
from tui.session import Session, open_session
from tui.widgets.issue_table import IssueTable


def demo_app(opened: list[Session], closed: list[str]) -> StackdeckApp:
    config = demo_config()

    def open_profile(name: str) -> Session:
        if name == "broken":
            raise ConfigError("config.toml: profiles.broken.token_env: TOKEN is not set")
        session = open_session(config.profile(name), demo=True)
        opened.append(session)
        return session

    first = open_profile("demo")

    async def close_first() -> None:
        closed.append("demo")
        await first.aclose()

    return StackdeckApp(
        first.backend,
        profile_name="demo",
        symbolicate=first.symbolicate,
        close=close_first,
        profiles=(*config.profiles, "broken"),
        open_profile=open_profile,
    )


async def test_switching_to_the_posthog_demo_lists_its_issues() -> None:
    opened: list[Session] = []
    closed: list[str] = []
    app = demo_app(opened, closed)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        before = {i.short_id for i in app.screen.query_one(IssueTable).issues}
        assert "BILLING-API-1" in before
        await pilot.press("P", "j", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        after = app.screen.query_one(IssueTable).issues
        assert app.profile_name == "demo-posthog" and app.backend.name == "posthog"
        assert after and not before & {i.short_id for i in after}
        assert closed == ["demo"]


async def test_a_profile_that_cannot_open_keeps_the_current_one() -> None:
    app = demo_app([], [])
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("P", "j", "j", "enter")
        await settle(app, pilot)
        assert app.profile_name == "demo" and app.backend.name == "sentry"
        assert any("TOKEN is not set" in str(n.message) for n in app._notifications)


async def test_profiles_key_is_disabled_with_a_single_profile() -> None:
    session = open_session(demo_config().profile("demo"), demo=True)
    app = StackdeckApp(session.backend, profile_name="demo", close=session.aclose)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("P")
        assert type(app.screen).__name__ == "IssueListScreen"


async def test_demo_status_changes_survive_switching_profiles_and_back() -> None:
    config = demo_config()
    first = open_session(config.profile("demo"), demo=True)
    issue = (await first.backend.list_issues(IssueQuery())).issues[0]
    await first.backend.set_status(issue.id, StatusAction.RESOLVE)
    await first.aclose()
    other = open_session(config.profile("demo-posthog"), demo=True)
    await other.aclose()
    again = open_session(config.profile("demo"), demo=True)
    assert (await again.backend.get_issue(issue.id)).status is IssueStatus.RESOLVED
    await again.aclose()
