"""A one-line prompt for editing the server query or the environment."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.message import Message
from textual.widgets import Input, Label


class QueryBar(Horizontal):
    """Hidden until `ask()`; posts `Submitted` on enter and `Cancelled` on escape."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="query.cancel")]

    class Submitted(Message):
        def __init__(self, field: str, value: str) -> None:
            super().__init__()
            self.field = field
            self.value = value

    class Cancelled(Message):
        pass

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.field = "query"

    def compose(self) -> ComposeResult:
        yield Label("", id="query-label")
        # Focus would select the whole query, and the first key typed would replace it.
        yield Input(id="query-input", compact=True, select_on_focus=False)

    def ask(self, field: str, label: str, value: str, placeholder: str = "") -> None:
        """Show the bar prefilled with `value` and focus it."""
        self.field = field
        self.query_one(Label).update(label)
        field_input = self.query_one(Input)
        field_input.placeholder = placeholder
        field_input.value = value
        field_input.cursor_position = len(value)
        self.add_class("-active")
        # Focus at once (`focus()` waits a turn of the loop): keys already on their way to
        # the list, typed or pasted in the same burst as `/`, are passed on to the focus.
        self.display = True
        self.screen.set_focus(field_input)

    def close(self) -> None:
        self.remove_class("-active")
        self.styles.clear_rule("display")  # hidden again by the stylesheet

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.close()
        self.post_message(self.Submitted(self.field, event.value.strip()))

    def action_cancel(self) -> None:
        self.close()
        self.post_message(self.Cancelled())
