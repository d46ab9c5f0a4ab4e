"""The Textual application: wires a backend and a clock into the screens."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.notifications import SeverityLevel
from textual.screen import Screen

from tui.backends.base import Backend
from tui.backends.errors import BackendError
from tui.config import ConfigError
from tui.model import IssueQuery
from tui.sanitize import sanitize
from tui.screens.help import HelpScreen
from tui.screens.issue_list import IssueListScreen
from tui.screens.profiles import ProfilePicker
from tui.session import Session

if TYPE_CHECKING:
    from tui.screens.issue_detail import Symbolicate

OpenProfile = Callable[[str], Session]


def utc_now() -> datetime:
    return datetime.now(UTC)


class StackdeckApp(App[None]):
    """`backend` is any Backend; `clock` is injectable so ages such as "3m" are testable.

    `symbolicate`, when given, resolves minified JavaScript frames after each event loads.
    `profiles` and `open_profile` let the user switch to another configured server.
    """

    CSS_PATH = "app.tcss"
    # Screens get `-short` below 30 rows so the stylesheet can give the stack trace more room.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    TITLE = "stackdeck"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("P", "pick_profile", "Profiles", tooltip="switch server", id="app.profiles"),
    ]

    def __init__(
        self,
        backend: Backend,
        *,
        profile_name: str = "",
        clock: Callable[[], datetime] = utc_now,
        query: IssueQuery | None = None,
        symbolicate: Symbolicate | None = None,
        close: Callable[[], Awaitable[None]] | None = None,
        profiles: Sequence[str] = (),
        open_profile: OpenProfile | None = None,
    ) -> None:
        super().__init__()
        self.symbolicate = symbolicate
        self.backend = backend
        self.profile_name = profile_name
        self.clock = clock
        self.initial_query = query
        self.close_session = close or backend.aclose
        self.profiles = tuple(profiles)
        self.open_profile = open_profile

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast, from any screen or widget, passes here: its text sanitised and never
        parsed as markup, since toasts carry server text (`markup=False` alone lets escapes
        such as an OSC 52 clipboard write through to the terminal)."""
        super().notify(
            sanitize(message, multiline=True),
            title=sanitize(title),
            severity=severity,
            timeout=timeout,
            markup=False,
        )

    def get_default_screen(self) -> Screen[None]:
        return self._issue_list(self.initial_query)

    def _issue_list(self, query: IssueQuery | None) -> IssueListScreen:
        title = " · ".join(part for part in (self.profile_name, self.backend.name) if part)
        return IssueListScreen(self.backend, self.clock, title, query, self.symbolicate)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_profile":
            return len(self.profiles) > 1 and self.open_profile is not None
        return True

    def action_pick_profile(self) -> None:
        if not isinstance(self.screen, ProfilePicker):
            picker = ProfilePicker(self.profiles, self.profile_name)
            self.push_screen(picker, callback=self._profile_chosen)

    def _profile_chosen(self, name: str | None) -> None:
        if name is not None and name != self.profile_name:
            self.switch_profile(name)

    @work(exclusive=True, group="profile")
    async def switch_profile(self, name: str) -> None:
        """Open the other profile first; only when that worked, leave the current one."""
        assert self.open_profile is not None
        try:
            session = self.open_profile(name)
        except (ConfigError, BackendError) as error:
            self.notify(str(error), title=f"Cannot open {name}", severity="error", markup=False)
            return
        close_previous, previous_mode = self.close_session, self.current_mode
        self.backend, self.symbolicate = session.backend, session.symbolicate
        self.close_session, self.profile_name = session.aclose, name
        # Each profile gets a mode of its own: its screen stack starts afresh, and the old
        # one goes away whole (Textual keeps the first, default mode for good).
        mode = f"profile:{name}"
        if mode in self._modes:
            self.remove_mode(mode)
        self.add_mode(mode, partial(self._issue_list, None))
        await self.switch_mode(mode)
        if previous_mode != "_default":
            self.remove_mode(previous_mode)
        await close_previous()
        self.notify(f"profile {name}", markup=False)

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
        if self.open_profile is not None:
            for name in self.profiles:
                if name != self.profile_name:
                    yield SystemCommand(
                        f"Profile: {name}", "switch server", partial(self.switch_profile, name)
                    )

    async def on_unmount(self) -> None:
        await self.close_session()
