"""A read-only profile in the TUI: mutating keys hidden from the footer, refused with a reason
on the list and the detail screen, and each profile opened brings its own flag."""

from __future__ import annotations

import dataclasses

from textual.widgets._footer import FooterKey

from tests.ui.driver import SIZE, notices, settle, static_text
from tests.ui.fakes import FakeBackend, fixed_clock
from tui.app import StackdeckApp
from tui.demo import demo_config
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.session import Session, open_session


def footer_descriptions(app: StackdeckApp) -> set[str]:
    return {str(key.description) for key in app.screen.query(FooterKey)}


def read_only_app(backend: FakeBackend) -> StackdeckApp:
    return StackdeckApp(backend, profile_name="work", clock=fixed_clock, read_only=True)


async def test_read_only_list_hides_and_refuses_status_keys_with_a_reason() -> None:
    backend = FakeBackend()
    app = read_only_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert not {"Resolve", "Reopen", "Ignore"} & footer_descriptions(app)
        assert {"Search", "Mark"} <= footer_descriptions(app)
        assert "read-only" in static_text(app, "#title-bar")
        await pilot.press("r", "i")
        await settle(app, pilot)
        assert backend.status_calls == []
        assert notices(app).count("profile work is read-only") == 2


async def test_read_only_detail_hides_and_refuses_status_keys_with_a_reason() -> None:
    backend = FakeBackend()
    app = read_only_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen)
        assert not {"Resolve", "Ignore"} & footer_descriptions(app)
        await pilot.press("r")
        await settle(app, pilot)
        assert backend.status_calls == []
        assert "profile work is read-only" in notices(app)


async def test_a_writable_profile_keeps_its_status_keys() -> None:
    backend = FakeBackend()
    app = StackdeckApp(backend, profile_name="work", clock=fixed_clock)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert {"Resolve", "Ignore"} <= footer_descriptions(app)
        assert "read-only" not in static_text(app, "#title-bar")
        await pilot.press("r")
        await settle(app, pilot)
        assert len(backend.status_calls) == 1


async def test_each_profile_brings_its_own_read_only_flag() -> None:
    config = demo_config()

    def open_profile(name: str) -> Session:
        profile = dataclasses.replace(config.profile(name), read_only=True)
        return open_session(profile, demo=True)

    first = open_session(config.profile("demo"), demo=True)
    app = StackdeckApp(
        first.backend,
        profile_name="demo",
        close=first.aclose,
        profiles=tuple(config.profiles),
        open_profile=open_profile,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        assert "Resolve" in footer_descriptions(app)
        await pilot.press("P", "j", "enter")
        await settle(app, pilot)
        await settle(app, pilot)
        assert isinstance(app.screen, IssueListScreen)
        assert app.screen.read_only_profile == app.profile_name != "demo"
        assert "Resolve" not in footer_descriptions(app)
