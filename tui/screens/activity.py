"""An issue's activity and comments, newest first, and a box to add a comment."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from tui import triage
from tui.backends.base import Backend
from tui.backends.errors import BackendError
from tui.model import Activity, Feature, Issue
from tui.render.text import absolute_time, plain


def activity_entry(entry: Activity) -> Content:
    """Two lines: when, who and what kind; then the text (server text, sanitised)."""
    head = Content.assemble(
        plain(absolute_time(entry.when), "$text-muted"),
        "  ",
        plain(entry.author or "(someone)", "bold"),
        "  ",
        plain(entry.kind, "$text-accent"),
    )
    if not entry.text:
        return head
    return head + Content("\n  ") + plain(entry.text)


class ActivityScreen(ModalScreen[None]):
    """Loads on open; the list is an OptionList, which renders only the rows on screen."""

    BINDINGS = [
        Binding("escape", "close", "Back", id="activity.back"),
        Binding("c", "write_comment", "Comment", id="activity.comment"),
    ]

    def __init__(
        self, backend: Backend, issue: Issue, read_only_profile: str | None = None
    ) -> None:
        super().__init__()
        self.backend = backend
        self.issue = issue
        self.read_only_profile = read_only_profile
        """The profile's name when it is read-only: no comment can be written."""
        self.entries: list[Activity] = []
        """Newest first."""

    def compose(self) -> ComposeResult:
        with Vertical(id="activity-panel", classes="modal-panel"):
            yield Static(
                Content.assemble(
                    plain(self.issue.short_id, "bold $text-accent"), "  ", plain(self.issue.title)
                ),
                id="activity-title",
            )
            yield OptionList(id="activity-list")
            yield Static(id="activity-status")
            yield Input(id="activity-comment")

    def on_mount(self) -> None:
        field = self.query_one("#activity-comment", Input)
        reason = self.backend.capabilities.why_not(Feature.COMMENT)
        if self.read_only_profile is not None:
            reason = f"profile {self.read_only_profile} is read-only"
        if reason:
            field.placeholder = reason
            field.disabled = True
        else:
            field.placeholder = "add a comment, enter to send"
        self.query_one(OptionList).focus()
        self.load_activity()

    def _status(self, message: Content) -> None:
        self.query_one("#activity-status", Static).update(message)

    @work(exclusive=True, group="activity")
    async def load_activity(self) -> None:
        self._status(Content.styled("loading activity…", "$text-muted"))
        try:
            entries = await triage.issue_activity(self.backend, self.issue.id)
        except BackendError as error:
            self._status(plain(str(error), "$text-warning"))
            return
        when = [e.when.timestamp() if e.when else 0.0 for e in entries]
        # Undated entries keep the server's order, after the dated ones.
        order = sorted(range(len(entries)), key=lambda n: (-when[n], n))
        self.entries = [entries[n] for n in order] + self.entries
        self._show_entries()
        count = len(entries)
        self._status(Content.styled(f"{count} entr{'y' if count == 1 else 'ies'}", "$text-muted"))

    def _show_entries(self) -> None:
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options(Option(activity_entry(e)) for e in self.entries)

    @work(exclusive=True, group="comment")
    async def send_comment(self, text: str) -> None:
        field = self.query_one("#activity-comment", Input)
        self._status(Content.styled("sending comment…", "$text-muted"))
        try:
            stored = await triage.add_comment(self.backend, self.issue.id, text)
        except BackendError as error:
            self._status(plain(f"comment not added: {error}", "$text-error"))
            return
        field.value = ""
        self.entries.insert(0, stored)
        self._show_entries()
        self._status(Content.styled("comment added", "$text-success"))

    @on(Input.Submitted, "#activity-comment")
    def _submitted(self, event: Input.Submitted) -> None:
        if event.value.strip():
            self.send_comment(event.value.strip())

    def action_write_comment(self) -> None:
        field = self.query_one("#activity-comment", Input)
        if field.disabled:
            self._status(plain(field.placeholder, "$text-warning"))
        else:
            field.focus()

    def action_close(self) -> None:
        self.dismiss(None)
