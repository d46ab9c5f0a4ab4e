"""Pick another profile (server) to browse; the list comes from the config."""

from __future__ import annotations

from collections.abc import Sequence

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from tui.render.text import plain


class ProfilePicker(ModalScreen[str | None]):
    """Dismisses with the chosen profile's name, or None on escape."""

    BINDINGS = [
        Binding("escape,q", "dismiss(None)", "Close", id="profiles.close"),
        Binding("j", "move('down')", "Down", show=False, id="profiles.down"),
        Binding("k", "move('up')", "Up", show=False, id="profiles.up"),
    ]

    def __init__(self, names: Sequence[str], current: str) -> None:
        super().__init__()
        self.names = list(names)
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="profile-panel"):
            yield Static("Switch profile", id="profile-title")
            options = [
                Option(plain(f"{'●' if name == self.current else ' '} {name}"), id=name)
                for name in self.names
            ]
            yield OptionList(*options, id="profile-options")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        if self.current in self.names:
            options.highlighted = self.names.index(self.current)

    def action_move(self, direction: str) -> None:
        options = self.query_one(OptionList)
        if direction == "down":
            options.action_cursor_down()
        else:
            options.action_cursor_up()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)
