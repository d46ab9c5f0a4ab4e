"""Triage from the keyboard: bulk on marks, undo, pickers, activity, read-only, through the app."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets.data_table import ColumnKey

from tests.ui.driver import SIZE, make_app, notices, settle, static_text, status_cell
from tests.ui.fakes import ME, FakeBackend, fixed_clock
from tui.app import StackdeckApp
from tui.backends.bugsink import CAPABILITIES as BUGSINK
from tui.backends.errors import ServerError
from tui.model import AssignChange, IgnoreUntil, IssueStatus, StatusAction, StatusChange
from tui.screens.activity import ActivityScreen
from tui.screens.confirm import ConfirmChangeScreen
from tui.screens.issue_detail import IssueDetailScreen
from tui.screens.issue_list import IssueListScreen
from tui.widgets.issue_table import IssueTable


def _list(app: StackdeckApp) -> IssueListScreen:
    assert isinstance(app.screen, IssueListScreen)
    return app.screen


async def test_bulk_resolve_confirms_reports_and_keeps_the_failure_marked() -> None:
    backend = FakeBackend()
    first, second, third = backend.issues
    backend.fail_apply[second] = ServerError("HTTP 502 from the server")
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+a", "r")
        await settle(app, pilot)
        assert isinstance(app.screen, ConfirmChangeScreen)
        assert backend.applied == []  # nothing sent before the confirmation
        await pilot.press("y")
        await settle(app, pilot)
        screen = _list(app)
        assert [issue_id for issue_id, _ in backend.applied] == [first, second, third]
        assert screen.marked == {second}
        assert status_cell(app, first) == "resolved"
        assert status_cell(app, second) == "unresolved"
        assert "resolve: 2 of 3 done, 1 failed" in static_text(app, "#status-line")
        assert any("BILLING-API-2: HTTP 502 from the server" in n for n in notices(app))


async def test_bulk_cancelled_sends_nothing() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+a", "i", "n")
        await settle(app, pilot)
        assert backend.applied == []
        assert len(_list(app).marked) == 3


async def test_single_resolve_needs_no_confirmation_and_z_undoes_it() -> None:
    backend = FakeBackend()
    first = next(iter(backend.issues))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert status_cell(app, first) == "resolved"
        await pilot.press("z")
        await settle(app, pilot)
        assert status_cell(app, first) == "unresolved"
        assert backend.applied[-1] == (first, StatusChange(StatusAction.REOPEN))
        assert "undo resolve: 1 done" in static_text(app, "#status-line")
        assert any("BILLING-API-1: unresolved" in n for n in notices(app))


async def test_undo_after_a_bulk_restores_every_issue() -> None:
    backend = FakeBackend()
    ids = list(backend.issues)
    backend.issues[ids[2]] = replace(backend.issues[ids[2]], status=IssueStatus.IGNORED)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("ctrl+a", "r", "y")
        await settle(app, pilot)
        assert all(status_cell(app, i) == "resolved" for i in ids)
        assert not _list(app).marked
        await pilot.press("z")
        await settle(app, pilot)
        assert [status_cell(app, i) for i in ids] == ["unresolved", "unresolved", "ignored"]
        assert backend.applied[-1] == (ids[2], StatusChange(StatusAction.IGNORE))
        await pilot.press("z")  # once undone, there is nothing left to undo
        await settle(app, pilot)
        assert "nothing to undo" in notices(app)


async def test_undo_refuses_an_issue_changed_since() -> None:
    backend = FakeBackend()
    first = next(iter(backend.issues))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        # Someone else ignores it in the web UI meanwhile.
        backend.issues[first] = replace(backend.issues[first], status=IssueStatus.IGNORED)
        sent = len(backend.applied)
        await pilot.press("z")
        await settle(app, pilot)
        assert len(backend.applied) == sent
        assert "changed since: now ignored" in static_text(app, "#status-line")
        assert status_cell(app, first) == "ignored"


async def test_assign_picker_me_first_and_the_assignee_column() -> None:
    backend = FakeBackend()
    first = next(iter(backend.issues))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("A")
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert backend.applied == [(first, AssignChange(ME))]
        assignee = app.screen.query_one(IssueTable).get_cell(first, "assignee")
        assert assignee.plain == "Jane Doe"


async def test_ignore_with_a_condition_reaches_the_backend() -> None:
    backend = FakeBackend()
    first = next(iter(backend.issues))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("I", *"events", "enter", "1", "0", "0", "enter")
        await settle(app, pilot)
    until = IgnoreUntil(events=100)
    assert backend.applied == [(first, StatusChange(StatusAction.IGNORE, until=until))]
    assert backend.issues[first].ignore_until == until


async def test_unsupported_assign_is_refused_with_the_backends_reason() -> None:
    backend = FakeBackend()
    backend.capabilities = BUGSINK
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        assert "assignee" not in [key.value for key in table.columns]
        await pilot.press("A")
        await settle(app, pilot)
        assert "Bugsink issues have no assignee" in notices(app)
        assert backend.applied == []


async def test_activity_on_the_detail_screen_and_a_comment() -> None:
    backend = FakeBackend()
    first = next(iter(backend.issues))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueDetailScreen)
        await pilot.press("H")
        await settle(app, pilot)
        assert isinstance(app.screen, ActivityScreen)
        await pilot.press("c", *"on it", "enter")
        await settle(app, pilot)
        assert backend.comments == [(first, "on it")]


async def test_read_only_refuses_every_triage_key() -> None:
    backend = FakeBackend()
    app = StackdeckApp(backend, profile_name="work", clock=fixed_clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("A", "I", "R", "z", "ctrl+a", "r")
        await settle(app, pilot)
        assert isinstance(app.screen, IssueListScreen)
        assert notices(app).count("profile work is read-only") == 5
        assert backend.applied == []


async def test_read_only_activity_refuses_a_comment() -> None:
    backend = FakeBackend()
    app = StackdeckApp(backend, profile_name="work", clock=fixed_clock, read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("enter", "H")
        await settle(app, pilot)
        await pilot.press("c", *"x", "enter")
        await settle(app, pilot)
        assert static_text(app, "#activity-status") == "profile work is read-only"
        assert backend.comments == []


async def test_assignee_column_at_80_columns_is_narrow() -> None:
    backend = FakeBackend()
    first = next(iter(backend.issues))
    backend.issues[first] = replace(backend.issues[first], assignee=ME)
    app = make_app(backend)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        assert table.columns[ColumnKey("assignee")].label.plain == "who"
        assert table.get_cell(first, "assignee").plain == "Jane …"
