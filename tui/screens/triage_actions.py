"""The triage keys of the issue screens, one path through `tui.triage` for one issue or many.

A screen mixes in `TriageActions` and says which issues a key acts on (`triage_targets`), how
to show issues the server changed (`show_changed`) and what to do after a change
(`triage_done`). A change to several issues is confirmed first; every result is reported.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import work
from textual.binding import Binding
from textual.content import Content
from textual.screen import Screen

from tui.backends.base import Backend
from tui.model import Change, Feature, Issue, StatusAction, StatusChange
from tui.render.change import change_report
from tui.render.text import plain
from tui.screens.activity import ActivityScreen
from tui.screens.confirm import ConfirmChangeScreen
from tui.screens.pickers import AssignPicker, ChangePicker, ignore_choices, resolve_choices
from tui.screens.status import ACTION_FOR, describe_error, why_not
from tui.triage import ChangeRecord, apply_change, undo

PICKER_ACTIONS = {
    "assign_issue": "Assign",
    "ignore_until": "Ignore",
    "resolve_in": "Resolve",
}
"""The keys that open a picker, by action, with the picker's title."""
TRIAGE_ACTIONS = frozenset({*ACTION_FOR, *PICKER_ACTIONS, "undo_change", "show_activity"})
"""Every action this module handles: the screens ask `triage_refusal` about them."""


def triage_bindings(scope: str, *, show_undo: bool, resolve_in_key: str = "R") -> list[Binding]:
    """`I`, `R`, `A`, `z` with ids under `scope` (`issues.assign`, `detail.undo`, ...).

    The issue screen gives resolve-in another key: there `R` shows the raw trace."""
    return [
        Binding(
            "I",
            "ignore_until",
            "Ignore until",
            show=False,
            tooltip="a time, N events/users",
            id=f"{scope}.ignore_until",
        ),
        Binding(
            resolve_in_key,
            "resolve_in",
            "Resolve in",
            show=False,
            tooltip="the next or a named release",
            id=f"{scope}.resolve_in",
        ),
        Binding("A", "assign_issue", "Assign", id=f"{scope}.assign"),
        Binding("z", "undo_change", "Undo", show=show_undo, id=f"{scope}.undo"),
    ]


@dataclass
class TriageHistory:
    """The last change made, shared by the screens of one session, for `z`."""

    last: ChangeRecord | None = None


if TYPE_CHECKING:
    _ScreenBase = Screen[Any]
else:
    _ScreenBase = object


class TriageActions(_ScreenBase):
    """Mixed into a screen with triage keys; the screen fills in the hooks below."""

    backend: Backend
    read_only_profile: str | None
    history: TriageHistory
    pending: set[str]
    """Issues with a change in flight; their keys stay disabled."""

    # -- hooks ------------------------------------------------------------------------------

    def triage_targets(self) -> tuple[list[Issue], bool]:
        """The issues a key acts on now, and whether they were marked (a bulk change)."""
        raise NotImplementedError

    def show_changed(self, issues: Sequence[Issue]) -> None:
        """Draw the issues as the server now reports them."""
        raise NotImplementedError

    def triage_done(self, record: ChangeRecord) -> None:
        """After a change or an undo; the list keeps the failures marked."""

    def _set_status(self, message: Content) -> None:
        raise NotImplementedError

    # -- starting a change ------------------------------------------------------------------

    def start_change(self, change: Change) -> None:
        """Change the target issues; several marked ones are confirmed first."""
        issues, bulk = self.triage_targets()
        self._begin(change, issues, bulk)

    def _begin(self, change: Change | None, issues: list[Issue], confirm: bool) -> None:
        if change is None or not issues:
            return
        if not confirm:
            self.send_change(issues, change)
            return

        def confirmed(go: bool | None) -> None:
            if go:
                self.send_change(issues, change)

        self.app.push_screen(ConfirmChangeScreen(issues, change.describe()), callback=confirmed)

    def _pick(self, action: str) -> None:
        issues, bulk = self.triage_targets()
        if not issues:
            return
        what = issues[0].short_id if len(issues) == 1 else f"{len(issues)} issues"
        title = f"{PICKER_ACTIONS[action]} {what}"
        capabilities = self.backend.capabilities
        picker: ChangePicker
        if action == "assign_issue":
            picker = AssignPicker(self.backend, title)
        elif action == "ignore_until":
            picker = ChangePicker(title, ignore_choices(capabilities))
        else:
            picker = ChangePicker(title, resolve_choices(capabilities))
        self.app.push_screen(picker, callback=lambda change: self._begin(change, issues, bulk))

    def action_resolve_issue(self) -> None:
        self.start_change(StatusChange(StatusAction.RESOLVE))

    def action_reopen_issue(self) -> None:
        self.start_change(StatusChange(StatusAction.REOPEN))

    def action_ignore_issue(self) -> None:
        self.start_change(StatusChange(StatusAction.IGNORE))

    def action_assign_issue(self) -> None:
        self._pick("assign_issue")

    def action_ignore_until(self) -> None:
        self._pick("ignore_until")

    def action_resolve_in(self) -> None:
        self._pick("resolve_in")

    def action_undo_change(self) -> None:
        if self.history.last is not None:
            self.undo_change(self.history.last)

    def action_show_activity(self) -> None:
        issues, _ = self.triage_targets()
        if issues:
            self.app.push_screen(ActivityScreen(self.backend, issues[0], self.read_only_profile))

    # -- workers ----------------------------------------------------------------------------

    @work(group="triage")
    async def send_change(self, issues: list[Issue], change: Change) -> None:
        ids = [issue.id for issue in issues]
        noun = issues[0].short_id if len(issues) == 1 else f"{len(issues)} issues"
        self._set_pending(ids, True)
        self._set_status(plain(f"{change.describe()}: {noun}…", "$text-muted"))
        try:
            record = await apply_change(self.backend, ids, change)
        except Exception as error:  # anything else would close the app
            self._failed(change.describe(), error)
            return
        finally:
            self._set_pending(ids, False)
        self.history.last = record
        self._report(record, change.describe())

    @work(group="triage")
    async def undo_change(self, record: ChangeRecord) -> None:
        what = f"undo {record.change.describe()}"
        ids = [r.after.id for r in record.results if r.after is not None]
        self._set_pending(ids, True)
        self._set_status(plain(f"{what}…", "$text-muted"))
        try:
            undone = await undo(self.backend, record)
        except Exception as error:  # anything else would close the app
            self._failed(what, error)
            return
        finally:
            self._set_pending(ids, False)
        # Undone once: a second `z` would undo the undo, which nobody asked for.
        self.history.last = None
        self._report(undone, what)

    def _set_pending(self, ids: Sequence[str], pending: bool) -> None:
        if pending:
            self.pending.update(ids)
        else:
            self.pending.difference_update(ids)
        self.refresh_bindings()

    def _report(self, record: ChangeRecord, what: str) -> None:
        # Where the change did not land, `before` is what the server last said (for a refused
        # undo, the state it found the issue in).
        shown = [r.after or r.before for r in record.results]
        self.show_changed([issue for issue in shown if issue is not None])
        toast, status = change_report(record, what)
        self._set_status(status)
        if record.ok:
            self.notify(toast, markup=False)
        else:
            self.notify(toast, severity="warning", markup=False)
        self.triage_done(record)

    def _failed(self, what: str, error: BaseException) -> None:
        detail = describe_error(error)
        self._set_status(plain(f"{what} failed: {detail}", "$text-error"))
        self.notify(f"{what} failed: {detail}", title="Error", severity="error", markup=False)

    # -- which keys apply -------------------------------------------------------------------

    def triage_refusal(self, action: str) -> str | None:
        """Why a key of `TRIAGE_ACTIONS` does nothing now; None when it can act."""
        if action == "undo_change":
            if self.history.last is None:
                return "nothing to undo"
            return "a change is still waiting for the server" if self.pending else None
        issues, bulk = self.triage_targets()
        if not issues:
            return "no issue under the cursor"
        if action == "show_activity":
            return None
        if any(issue.id in self.pending for issue in issues):
            return "a change is still waiting for the server"
        if action in ACTION_FOR and not bulk:
            return why_not(issues[0], ACTION_FOR[action], self.backend)
        if action == "assign_issue":
            return self.backend.capabilities.why_not(Feature.ASSIGN) or None
        # Marked issues may be in any state: only what the server cannot do at all is refused.
        wanted = ACTION_FOR.get(action) or (
            StatusAction.IGNORE if action == "ignore_until" else StatusAction.RESOLVE
        )
        if wanted not in self.backend.status_actions:
            return f"{self.backend.name} cannot {wanted.value} issues"
        return None
