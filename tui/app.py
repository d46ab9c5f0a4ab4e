"""The Textual application: wires a backend and a clock into the screens."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import TYPE_CHECKING

from textual import events, work
from textual.actions import parse
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.dom import DOMNode
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.signal import Signal
from textual.widgets import Input

from tui.backends.base import Backend
from tui.backends.errors import BackendError
from tui.config import WATCH_INTERVAL, ConfigError, Profile
from tui.links import LinkTarget, link_target
from tui.model import IssueQuery
from tui.privacy import masking, set_masking
from tui.sanitize import sanitize
from tui.screens.help import HelpScreen, unknown_binding_ids
from tui.screens.issue_list import IssueListScreen
from tui.screens.profiles import ProfilePicker
from tui.session import Session

if TYPE_CHECKING:
    from tui.screens.issue_detail import IssueDetailScreen, Symbolicate

OpenProfile = Callable[[str], Session]
TEXTUAL_COMMANDS = {"Theme", "Quit", "Screenshot"}


def utc_now() -> datetime:
    return datetime.now(UTC)


class StackdeckApp(App[None]):
    """`backend` is any Backend; `clock` is injectable so ages such as "3m" are testable.

    `symbolicate`, when given, resolves minified JavaScript frames after each event loads.
    `profiles` and `open_profile` let the user switch to another configured server.
    `read_only` hides and refuses every mutating key (each profile opened says its own),
    `keys` is the config's keymap (binding id -> keys), `watch` starts the list in watch mode.
    `profile`, the one open, leads frames to local files (code mappings, symbol paths).
    `linkable` are the configured profiles a Sentry <-> PostHog link may lead to.
    `mask_pii` starts with the privacy mask on; `mask_signal` tells what is drawn to redraw
    when it is toggled.
    """

    CSS_PATH = "app.tcss"
    # Screens get `-short` below 30 rows so the stylesheet can give the stack trace more room.
    VERTICAL_BREAKPOINTS = [(0, "-short"), (30, "-tall")]
    TITLE = "stackdeck"
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("P", "pick_profile", "Profiles", tooltip="switch server", id="app.profiles"),
        # Not in the footer, whose width the screens' own keys need: in help and the palette.
        Binding(
            "S",
            "symbol_sets",
            "Symbol sets",
            show=False,
            tooltip="source maps",
            id="app.symbol_sets",
        ),
        Binding(
            "asterisk",
            "toggle_mask",
            "Mask PII",
            show=False,
            tooltip="for screen sharing",
            id="app.mask_pii",
        ),
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
        read_only: bool = False,
        keys: Mapping[str, str] | None = None,
        watch: bool = False,
        watch_interval: float = WATCH_INTERVAL,
        profile: Profile | None = None,
        symbols_profile: str = "",
        mask_pii: bool = False,
        linkable: Sequence[Profile] = (),
    ) -> None:
        super().__init__()
        self.symbols_profile = symbols_profile or profile_name
        """The name the symbol cache keeps this profile's missing maps under."""
        set_masking(mask_pii)
        self.mask_signal: Signal[bool] = Signal(self, "mask")
        self.linkable = tuple(linkable)
        self.read_only = read_only
        self.keys = dict(keys or {})
        self.watch_on_start = watch
        self.watch_interval = watch_interval
        self.profile = profile
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

    def on_mount(self) -> None:
        if not self.keys:
            return
        self.set_keymap(self.keys)
        # Textual ignores a binding id it does not know: a typo would leave a key unbound.
        if unknown := unknown_binding_ids(self.keys):
            self.notify(
                f"[keys] names no binding {', '.join(unknown)}: see ? for the binding ids",
                title="Config",
                severity="warning",
                timeout=10,
            )

    @property
    def read_only_profile(self) -> str | None:
        """The current profile's name when it may not change the server, else None."""
        return (self.profile_name or "this") if self.read_only else None

    def get_default_screen(self) -> Screen[None]:
        return self._issue_list(self.initial_query)

    def on_issue_detail_screen_follow_link(self, message: IssueDetailScreen.FollowLink) -> None:
        """`X` on an event: the same error in the other server's profile, or why not."""
        target = link_target(message.links, self.linkable, self.profile_name)
        if isinstance(target, str):
            self.notify(target, title="No linked profile", severity="warning")
        elif self.open_profile is None:
            self.notify("this run cannot switch profiles", severity="warning")
        else:
            self.switch_profile(target.profile, target)

    def _issue_list(self, query: IssueQuery | None) -> IssueListScreen:
        title = " · ".join(part for part in (self.profile_name, self.backend.name) if part)
        return IssueListScreen(
            self.backend,
            self.clock,
            title,
            query,
            self.symbolicate,
            read_only_profile=self.read_only_profile,
            watch=self.watch_on_start,
            watch_interval=self.watch_interval,
            profile=self.profile,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "pick_profile":
            return True if len(self.profiles) > 1 and self.open_profile is not None else None
        return True

    def disabled_reason(self, action: str, parameters: tuple[object, ...]) -> str | None:
        if action == "pick_profile":
            return "only one profile is configured: add another to config.toml to switch"
        return None

    async def _on_key(self, event: events.Key) -> None:
        """While a text field has the focus, every key that reaches the app is the field's, in
        order. Keys typed fast or pasted in the same burst as the key that opened the field
        (`/`) were sent to the widget focused before, and would act on the screen behind it
        (`y` copies, `r` resolves); they go to the field instead, and a key with a binding
        (`enter`, `escape`) runs it after the field has taken the text before it."""
        field = self.focused
        if not isinstance(field, Input):
            return  # Textual's own handler runs the bindings
        event.prevent_default()
        if event.is_printable:
            field.post_message(events.Key(event.key, event.character))
        else:
            field.call_later(self._check_bindings, event.key)

    async def _check_bindings(self, key: str, priority: bool = False) -> bool:
        """Run the key's binding; when it is greyed out, say why instead of staying silent.

        Textual skips a binding whose `check_action` is falsy and drops the key: this is the
        one place that sees such a key after every widget, the screen and the app passed it.
        """
        handled = await super()._check_bindings(key, priority)
        if handled or priority:
            return handled
        active = self.screen.active_bindings.get(key)
        if active is not None and not active.enabled:
            self.explain_disabled(active.node, active.binding)
        elif active is None and (hidden := self._hidden_binding(key)) is not None:
            self.explain_disabled(*hidden)
        return False

    def _hidden_binding(self, key: str) -> tuple[DOMNode, Binding] | None:
        """A binding of `key` hidden by its `check_action` (read-only, nothing minified) that
        has a reason to give; a key hidden without one (esc without marks) stays silent."""
        for node, bindings in self.screen._modal_binding_chain:
            for binding in bindings.key_to_bindings.get(key, ()):
                _, action, parameters = parse(binding.action)
                explain = getattr(node, "disabled_reason", None)
                if callable(explain) and explain(action, parameters):
                    return node, binding
        return None

    def explain_disabled(self, node: DOMNode, binding: Binding) -> None:
        """Ask the binding's node, then its screen and the app, for `disabled_reason`."""
        namespace, action, parameters = parse(binding.action)
        owners: list[DOMNode] = node.ancestors_with_self
        if namespace:
            owners = [self] if namespace == "app" else [self.screen]
        reason = None
        for owner in owners:
            explain = getattr(owner, "disabled_reason", None)
            if callable(explain) and (reason := explain(action, parameters)):
                break
        description = binding.description or action.replace("_", " ")
        self.notify(
            reason or f"{description} does not apply here",
            title=f"{self.get_key_display(binding)} {description}".strip(),
            severity="warning",
            timeout=3,
            markup=False,
        )

    def action_pick_profile(self) -> None:
        if not isinstance(self.screen, ProfilePicker):
            picker = ProfilePicker(self.profiles, self.profile_name)
            self.push_screen(picker, callback=self._profile_chosen)

    def _profile_chosen(self, name: str | None) -> None:
        if name is not None and name != self.profile_name:
            self.switch_profile(name)

    @work(exclusive=True, group="profile")
    async def switch_profile(self, name: str, target: LinkTarget | None = None) -> None:
        """Open the other profile first; only when that worked, leave the current one.

        A link `target` opens there: a person's issues as the list, or one event's issue."""
        assert self.open_profile is not None
        self.notify(f"opening {name}…", markup=False, timeout=2)
        try:
            # A profile's token_command may take seconds: the UI keeps running meanwhile.
            session = await asyncio.to_thread(self.open_profile, name)
        except Exception as error:  # anything else would close the app
            known = isinstance(error, ConfigError | BackendError)
            detail = str(error) if known else f"{type(error).__name__}: {error}"
            self.notify(detail, title=f"Cannot open {name}", severity="error", markup=False)
            return
        close_previous, previous_mode = self.close_session, self.current_mode
        self.backend, self.symbolicate = session.backend, session.symbolicate
        self.profile, self.symbols_profile = session.profile, session.symbols_profile
        self.close_session, self.profile_name = session.aclose, name
        self.read_only = session.profile.read_only
        # Each profile gets a mode of its own: its screen stack starts afresh, and the old
        # one goes away whole (Textual keeps the first, default mode for good).
        mode = f"profile:{name}"
        if mode in self._modes:
            self.remove_mode(mode)
        person = target.person if target else ""
        query = IssueQuery(query="", sort=self.backend.sort_options[0], person=person)
        self.add_mode(mode, partial(self._issue_list, query if person else None))
        await self.switch_mode(mode)
        if previous_mode != "_default":
            self.remove_mode(previous_mode)
        await close_previous()
        self.notify(f"profile {name}", markup=False)
        if target is not None and target.event_id:
            await self._open_linked_event(target.event_id)

    async def _open_linked_event(self, event_id: str) -> None:
        """The issue holding `event_id`, opened on that very event."""
        find_event = getattr(self.backend, "find_event", None)
        if find_event is None:
            self.notify(f"{self.backend.name} cannot look an event up by its id", severity="error")
            return
        try:
            issue = await self.backend.get_issue(await find_event(event_id))
        except BackendError as error:
            self.notify(str(error), title=f"Event {event_id}", severity="error")
            return
        if isinstance(self.screen, IssueListScreen):
            self.screen.open_issue(issue, event_id)

    def action_toggle_mask(self) -> None:
        """Mask or unmask every string on screen: subscribers drop what they rendered."""
        set_masking(not masking())
        self.mask_signal.publish(masking())
        self.notify("PII masked" if masking() else "PII shown", timeout=2)

    def action_symbol_sets(self) -> None:
        from tui.config import app_dirs
        from tui.screens.symbol_sets import SymbolSetsScreen
        from tui.symbols.cache import SymbolCache

        if isinstance(self.screen, SymbolSetsScreen):
            return
        cache = SymbolCache(app_dirs().cache / "symbols")
        title = " · ".join(part for part in (self.profile_name, self.backend.name) if part)
        screen = SymbolSetsScreen(
            self.backend,
            cache,
            self.symbols_profile,
            title=title,
            read_only_profile=self.read_only_profile,
        )
        self.push_screen(screen)

    def action_help(self) -> None:
        if isinstance(self.screen, HelpScreen):
            return
        self.push_screen(HelpScreen(self.screen.active_bindings.values()))

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The palette offers every binding of ours that applies right now, each sort order,
        and of Textual's own only Theme, Quit and Screenshot (its cursor and focus keys,
        maximize and key panel mean nothing here)."""
        for command in super().get_system_commands(screen):
            if command.title in TEXTUAL_COMMANDS:
                yield command
        seen: set[str] = {"quit", "app.quit"}  # Textual's Quit is the one Quit
        for active in screen.active_bindings.values():
            binding = active.binding
            if not active.enabled or binding.id is None or binding.action in seen:
                continue
            seen.add(binding.action)
            run = partial(self.run_action, binding.action, active.node)
            keys = f"key: {self.get_key_display(binding)} · {binding.id}"
            yield SystemCommand(binding.description, keys, run)
        if isinstance(screen, IssueListScreen):
            for sort in screen.sort_choices:
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
