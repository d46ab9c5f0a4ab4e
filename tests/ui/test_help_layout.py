"""The key reference at the smallest supported terminal: every binding on one line."""

from __future__ import annotations

from textual.widgets import Static

from tests.ui.driver import settle
from tests.ui.fakes import FakeBackend, fixed_clock
from tui.app import StackdeckApp
from tui.screens.help import HelpScreen
from tui.screens.issue_detail import IssueDetailScreen


def help_rows_and_height(app: StackdeckApp) -> tuple[list[str], int]:
    assert isinstance(app.screen, HelpScreen)
    text = app.screen.query_one("#help-text", Static)
    return text.render().plain.splitlines(), text.size.height


async def test_no_help_row_wraps_at_80_columns_on_the_list_and_the_issue() -> None:
    app = StackdeckApp(
        FakeBackend(), clock=fixed_clock, profiles=("a", "b"), open_profile=lambda name: None
    )
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        rows, height = help_rows_and_height(app)
        assert any("open the issue's web page" in row for row in rows)
        assert height == len(rows)
        await pilot.press("escape", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen)
        await pilot.press("question_mark")
        await pilot.pause()
        rows, height = help_rows_and_height(app)
        assert any("only your code / all frames" in row for row in rows)
        assert height == len(rows)


async def test_help_scrolls_with_j_k_and_g_G_like_the_other_views() -> None:
    app = StackdeckApp(FakeBackend(), clock=fixed_clock)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        panel = app.screen.query_one("#help-panel")
        assert panel.max_scroll_y > 2  # the list's keys are longer than 24 rows
        await pilot.press("j", "j")
        await pilot.pause()
        assert panel.scroll_y == 2
        await pilot.press("k")
        await pilot.pause()
        assert panel.scroll_y == 1
        await pilot.press("G")
        await pilot.pause()
        assert panel.scroll_y == panel.max_scroll_y
        await pilot.press("g")
        await pilot.pause()
        assert panel.scroll_y == 0
        await pilot.press("end", "up", "home")
        await pilot.pause()
        assert panel.scroll_y == 0 and isinstance(app.screen, HelpScreen)
