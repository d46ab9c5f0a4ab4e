"""The Textual application: wires a backend and a clock into the screens."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from functools import partial

from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen

from tui.backends.base import Backend
from tui.model import IssueQuery
from tui.screens.help import HelpScreen
from tui.screens.issue_detail import Symbolicate
from tui.screens.issue_list import IssueListScreen


def utc_now() -> datetime:
    return datetime.now(UTC)


class StackdeckApp(App[None]):
    """`backend` is any Backend; `clock` is injectable so ages such as "3m" are testable.

    `symbolicate`, when given, resolves minified JavaScript frames after each event loads.
    """

    CSS_PATH = "app.tcss"
    # Screens get `-short` below 30 rows so the stylesheet can give the stack trace more room.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    TITLE = "stackdeck"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        profile_name: str = "",
        clock: Callable[[], datetime] = utc_now,
        query: IssueQuery | None = None,
        symbolicate: Symbolicate | None = None,
    ) -> None:
        super().__init__()
        self.symbolicate = symbolicate
        self.backend = backend
        self.profile_name = profile_name
        self.clock = clock
        self.initial_query = query

    def get_default_screen(self) -> Screen[None]:
        title = " · ".join(part for part in (self.profile_name, self.backend.name) if part)
        return IssueListScreen(
            self.backend, self.clock, title, self.initial_query, self.symbolicate
        )

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen.active_bindings.values()))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every binding that applies right now, plus each sort order."""
        yield from super().get_system_commands(screen)
        seen: set[str] = set()
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or not binding.description or binding.action in seen:
                continue
            seen.add(binding.action)
            run = partial(self.run_action, binding.action, active.node)
            yield SystemCommand(binding.description, f"key: {binding.key}", run)
        if isinstance(screen, IssueListScreen):
            for sort in self.backend.sort_options:
                yield SystemCommand(
                    f"Sort by {sort}", "reload the list", partial(screen.set_sort, sort)
                )

    async def on_unmount(self) -> None:
        await self.backend.aclose()
