"""Marks on the issue list: space, V ranges, ctrl+a, esc, and marks across reloads."""

from __future__ import annotations

from tests.ui.driver import SIZE, list_screen, make_app, settle, static_text
from tests.ui.fakes import FakeBackend, make_issues
from tui.app import StackdeckApp
from tui.widgets.issue_table import IssueTable


def marked_ids(app: StackdeckApp) -> list[str]:
    return [issue.short_id for issue in list_screen(app).marked_issues]


def mark_cell(app: StackdeckApp, issue_id: str) -> str:
    return app.screen.query_one(IssueTable).get_cell(issue_id, "flags").plain


async def test_space_marks_and_unmarks_the_issue_under_the_cursor() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "space")
        assert marked_ids(app) == ["BILLING-API-2"]
        assert mark_cell(app, "4829301774").startswith("▌")
        assert mark_cell(app, "4829301773").strip() == ""
        assert "1 marked" in static_text(app, "#status-line")
        await pilot.press("space")
        assert marked_ids(app) == []
        assert "marked" not in static_text(app, "#status-line")


async def test_v_marks_from_the_last_marked_row_to_the_cursor() -> None:
    app = make_app(FakeBackend(make_issues(8)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "space", "j", "j", "j", "V")
        assert marked_ids(app) == [f"BILLING-API-{n}" for n in (2, 3, 4, 5)]
        # The cursor's row is the next anchor: going up from it marks upwards.
        await pilot.press("k", "k", "k", "k", "V")
        assert len(marked_ids(app)) == 5 and marked_ids(app)[0] == "BILLING-API-1"
        assert "5 marked" in static_text(app, "#status-line")


async def test_v_without_an_anchor_marks_the_cursor_row() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("j", "j", "V")
        assert marked_ids(app) == ["BILLING-API-3"]


async def test_ctrl_a_marks_all_and_esc_clears_them() -> None:
    app = make_app(FakeBackend(make_issues(6)))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+a")
        assert len(marked_ids(app)) == 6
        assert "6 marked" in static_text(app, "#status-line")
        await pilot.press("escape")
        assert marked_ids(app) == []
        assert all(mark_cell(app, i.id).strip() == "" for i in make_issues(6))


async def test_esc_without_marks_is_not_a_clear_marks_key() -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        keys = list_screen(app).active_bindings
        assert "escape" not in keys  # esc is free for its other meanings, and not in the footer
        await pilot.press("space")
        await pilot.pause()
        assert list_screen(app).active_bindings["escape"].binding.id == "issues.clear_marks"


async def test_marks_survive_a_reload_for_the_issues_still_listed() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("space", "j", "space")
        del backend.issues["4829301773"]  # resolved elsewhere: gone from the list
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert marked_ids(app) == ["BILLING-API-2"]
        assert mark_cell(app, "4829301774").startswith("▌")
        assert "1 marked" in static_text(app, "#status-line")
