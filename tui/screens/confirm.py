"""The confirmation before a change to several issues: what, how many, and which ones."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.model import Issue
from tui.render.text import plain

SHOWN_TITLES = 200
"""Titles listed at most; a thousand marked issues need a count, not a thousand lines."""


def confirm_text(issues: Sequence[Issue], what: str) -> tuple[Content, Content]:
    """The question and the list of issues it names (server text sanitised)."""
    noun = "issue" if len(issues) == 1 else "issues"
    question = plain(f"{what} {len(issues)} {noun}?", "bold")
    rows = [
        Content.assemble(plain(i.short_id, "$text-accent"), "  ", plain(i.title))
        for i in issues[:SHOWN_TITLES]
    ]
    if len(issues) > SHOWN_TITLES:
        rows.append(Content.styled(f"… and {len(issues) - SHOWN_TITLES} more", "$text-muted"))
    return question, Content("\n").join(rows)


class ConfirmChangeScreen(ModalScreen[bool]):
    """Dismisses with True to go ahead, False to leave every issue as it is."""

    BINDINGS = [
        Binding("y,enter", "confirm", "Confirm", id="confirm.yes"),
        Binding("n,escape", "cancel", "Cancel", id="confirm.no"),
    ]

    def __init__(self, issues: Sequence[Issue], what: str) -> None:
        super().__init__()
        self.question, self.titles = confirm_text(issues, what)

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm-panel", classes="modal-panel"):
            yield Static(self.question, id="confirm-question")
            with VerticalScroll(id="confirm-titles"):
                yield Static(self.titles)
            yield Static(
                Content.assemble(("y", "bold"), " confirm   ", ("n", "bold"), " cancel"),
                classes="modal-keys",
            )

    def action_confirm(self) -> None:
        self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)
