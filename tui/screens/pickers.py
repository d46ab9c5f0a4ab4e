"""Keyboard-first pickers (a triage change, a release): type to filter, arrows to move, enter
to choose.

A choice the backend cannot do stays listed, greyed, with the backend's reason; a choice that
needs a value (a duration, a count, a release) asks for it in the same box.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

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
from tui.model import (
    AssignChange,
    Capabilities,
    Change,
    Feature,
    IgnoreUntil,
    StatusAction,
    StatusChange,
)
from tui.render.text import plain

T = TypeVar("T")


@dataclass(frozen=True)
class Choice(Generic[T]):
    """One line of a picker: a value (a change, a release), or a question whose answer makes
    one."""

    label: str
    change: T | None = None
    ask: str = ""
    """When set, choosing asks for a value with this prompt; `parse` makes the change of it."""
    parse: Callable[[str], T] | None = None
    why_not: str = ""
    """Why the backend cannot do it; the choice is shown greyed with this reason."""


class FilterInput(Input):
    """A picker's filter, which leaves `j`/`k` to move the list while nothing is typed in it
    and no question is asked (a filter can still find "jane" by "ane")."""

    def check_consume_key(self, key: str, character: str | None) -> bool:
        picker = self.screen
        if key in ("j", "k") and not self.value and isinstance(picker, Picker):
            return picker.asking is not None
        return super().check_consume_key(key, character)


class Picker(ModalScreen[T | None]):
    """Dismisses with the chosen value, or None when cancelled."""

    BINDINGS = [
        Binding("escape", "back", "Cancel", id="picker.cancel"),
        Binding("up", "move(-1)", "Up", show=False, priority=True),
        Binding("down", "move(1)", "Down", show=False, priority=True),
        # Only while nothing is typed (FilterInput lets them through): then every letter filters.
        Binding("j", "move(1)", "Down", show=False, priority=True, id="picker.down"),
        Binding("k", "move(-1)", "Up", show=False, priority=True, id="picker.up"),
    ]

    def __init__(
        self, title: str, choices: Sequence[Choice[T]] = (), current: T | None = None
    ) -> None:
        super().__init__()
        self.heading = title
        self.choices = list(choices)
        self.current = current
        """The value in force: highlighted when listed, else the first choice that can be made."""
        self.asking: Choice[T] | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="modal-panel picker-panel"):
            yield Static(plain(self.heading, "bold"), classes="picker-title")
            yield FilterInput(placeholder="type to filter", id="picker-input")
            yield OptionList(id="picker-options")
            yield Static(id="picker-hint")
            yield Static(
                Content.assemble(
                    ("enter", "bold"), " choose   ", ("↑↓ jk", "bold"), " move   ", ("esc", "bold")
                )
                + Content(" back"),
                classes="modal-keys",
            )

    def on_mount(self) -> None:
        self._show_choices("")

    @property
    def options(self) -> OptionList:
        return self.query_one("#picker-options", OptionList)

    def set_choices(self, choices: Sequence[Choice[T]]) -> None:
        self.choices = list(choices)
        self._show_choices(self.query_one("#picker-input", Input).value)

    def hint(self, message: Content) -> None:
        self.query_one("#picker-hint", Static).update(message)

    def _show_choices(self, text: str) -> None:
        wanted = text.strip().lower()
        shown = [
            (index, choice)
            for index, choice in enumerate(self.choices)
            if wanted in choice.label.lower()
        ]
        self.options.clear_options()
        self.options.add_options(
            Option(_prompt(choice), id=str(index), disabled=bool(choice.why_not))
            for index, choice in shown
        )
        enabled = [n for n, (_, choice) in enumerate(shown) if not choice.why_not]
        if self.current is not None:  # the value in force first; the rest keep their order
            enabled.sort(key=lambda n: shown[n][1].change != self.current)
        self.options.highlighted = enabled[0] if enabled else None

    @on(Input.Changed, "#picker-input")
    def _filter(self, event: Input.Changed) -> None:
        if self.asking is None:
            self._show_choices(event.value)

    @on(Input.Submitted, "#picker-input")
    def _submitted(self, event: Input.Submitted) -> None:
        if self.asking is not None:
            self._answer(self.asking, event.value)
            return
        highlighted = self.options.highlighted
        if highlighted is not None:
            option = self.options.get_option_at_index(highlighted)
            self._choose(self.choices[int(option.id or 0)])

    @on(OptionList.OptionSelected, "#picker-options")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self._choose(self.choices[int(event.option.id or 0)])

    def _choose(self, choice: Choice[T]) -> None:
        if choice.why_not:
            self.hint(plain(choice.why_not, "$text-warning"))
        elif choice.ask:
            self.asking = choice
            self.options.display = False
            field = self.query_one("#picker-input", Input)
            field.value = ""
            field.placeholder = choice.ask
            self.hint(plain(f"{choice.label}: {choice.ask}", "$text-muted"))
        else:
            self.dismiss(choice.change)

    def _answer(self, choice: Choice[T], text: str) -> None:
        assert choice.parse is not None
        try:
            change = choice.parse(text)
        except ValueError as error:
            self.hint(plain(str(error), "$text-error"))
            return
        self.dismiss(change)

    def action_move(self, step: int) -> None:
        if self.asking is None:
            if step < 0:
                self.options.action_cursor_up()
            else:
                self.options.action_cursor_down()

    def action_back(self) -> None:
        """Out of a question back to the list; out of the list, cancel."""
        if self.asking is None:
            self.dismiss(None)
            return
        self.asking = None
        field = self.query_one("#picker-input", Input)
        field.value = ""
        field.placeholder = "type to filter"
        self.options.display = True
        self.hint(Content(""))
        self._show_choices("")


class ChangePicker(Picker[Change]):
    """A triage change's picker: ignore, resolve, assign."""


def _prompt(choice: Choice[T]) -> Content:
    label = plain(choice.label + ("…" if choice.ask else ""))
    if choice.why_not:
        return Content.assemble(label, "  ", plain(choice.why_not, "italic"))
    return label


# -- the three pickers ------------------------------------------------------------------

DURATIONS = (
    ("30 minutes", 30),
    ("1 hour", 60),
    ("6 hours", 360),
    ("1 day", 1440),
    ("1 week", 10080),
)
UNITS = {"m": 1, "h": 60, "d": 1440, "w": 10080}


def parse_minutes(text: str) -> int:
    """`90m`, `12h`, `3d`, `2w` (or bare minutes) as minutes."""
    match = re.fullmatch(r"\s*(\d+)\s*([mhdw]?)\s*", text.lower())
    if not match or int(match[1]) == 0:
        raise ValueError("a duration such as 90m, 12h, 3d or 2w")
    return int(match[1]) * UNITS[match[2] or "m"]


def parse_count(text: str) -> int:
    if not text.strip().isdigit() or int(text) == 0:
        raise ValueError("a whole number above 0")
    return int(text)


def _ignore(until: IgnoreUntil | None = None) -> StatusChange:
    return StatusChange(StatusAction.IGNORE, until=until)


def ignore_choices(capabilities: Capabilities) -> list[Choice[Change]]:
    """Plain ignore, then each condition, greyed where `capabilities` lacks it."""
    for_why = capabilities.why_not(Feature.IGNORE_FOR)
    choices: list[Choice[Change]] = [Choice("ignore, no condition", _ignore())]
    choices += [
        Choice(f"for {words}", _ignore(IgnoreUntil(minutes=minutes)), why_not=for_why)
        for words, minutes in DURATIONS
    ]
    return [
        *choices,
        Choice(
            "for a time you type",
            ask="how long: 90m, 12h, 3d, 2w",
            parse=lambda t: _ignore(IgnoreUntil(minutes=parse_minutes(t))),
            why_not=for_why,
        ),
        Choice(
            "until N more events",
            ask="how many more events",
            parse=lambda t: _ignore(IgnoreUntil(events=parse_count(t))),
            why_not=capabilities.why_not(Feature.IGNORE_UNTIL_EVENTS),
        ),
        Choice(
            "until N more users",
            ask="how many more users",
            parse=lambda t: _ignore(IgnoreUntil(users=parse_count(t))),
            why_not=capabilities.why_not(Feature.IGNORE_UNTIL_USERS),
        ),
        Choice(
            "until escalating",
            _ignore(IgnoreUntil(escalating=True)),
            why_not=capabilities.why_not(Feature.IGNORE_UNTIL_ESCALATING),
        ),
    ]


def _in_release(text: str) -> StatusChange:
    if not text.strip():
        raise ValueError("the release's name, as the server knows it")
    return StatusChange(StatusAction.RESOLVE, release=text.strip())


def resolve_choices(capabilities: Capabilities) -> list[Choice[Change]]:
    return [
        Choice("resolve now", StatusChange(StatusAction.RESOLVE)),
        Choice(
            "in the next release",
            StatusChange(StatusAction.RESOLVE_NEXT_RELEASE),
            why_not=capabilities.why_not(Feature.RESOLVE_NEXT_RELEASE),
        ),
        Choice(
            "in a release you name",
            ask="release name",
            parse=_in_release,
            why_not=capabilities.why_not(Feature.RESOLVE_IN_RELEASE),
        ),
    ]


class AssignPicker(ChangePicker):
    """Who to assign to, "me" first, then the members and teams, then unassign."""

    def __init__(self, backend: Backend, title: str) -> None:
        super().__init__(title)
        self.backend = backend

    def on_mount(self) -> None:
        super().on_mount()
        self.hint(Content.styled("loading members…", "$text-muted"))
        self.load_choices()

    @work(exclusive=True, group="assignees")
    async def load_choices(self) -> None:
        try:
            people = await triage.assignee_choices(self.backend)
        except BackendError as error:
            self.hint(plain(str(error), "$text-error"))
            return
        me, *others = people
        label = me.name or me.email or me.id
        choices: list[Choice[Change]] = [Choice(f"me ({label})", AssignChange(me))]
        choices += [Choice(a.label, AssignChange(a)) for a in others]
        self.set_choices([*choices, Choice("unassign", AssignChange(None))])
        self.hint(Content(""))
