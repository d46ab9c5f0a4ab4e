"""The key reference, generated from the bindings active on the screen it was opened from."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterable, Mapping

from textual.app import ComposeResult
from textual.binding import ActiveBinding, Binding
from textual.containers import VerticalScroll
from textual.content import Content
from textual.dom import DOMNode
from textual.screen import ModalScreen
from textual.widgets import Static

QUIT_ACTIONS = {"quit", "app.quit"}
GROUP_NAMES = {
    "IssueListScreen": "Issue list",
    "IssueTable": "Issue list",
    "IssueDetailScreen": "Issue",
    "StackTraceView": "Stack trace",
    "QueryBar": "Search",
    "LineList": "Breadcrumbs & context",
    "StackdeckApp": "Everywhere",
    "HelpScreen": "Help",
    "ProfilePicker": "Profiles",
    "ConfirmChangeScreen": "Confirmation",
    "Picker": "Pickers",
    "ChangePicker": "Pickers",
    "AssignPicker": "Pickers",
    "ReleasePicker": "Pickers",
    "ActivityScreen": "Activity",
    "SymbolSetsScreen": "Symbol sets",
    "SymbolRows": "Symbol sets",
    "PathPrompt": "Path prompt",
    "ConfirmUpload": "Upload confirmation",
}


def binding_groups(
    bindings: Iterable[ActiveBinding], key_display: dict[str, str]
) -> list[tuple[str, list[tuple[str, ActiveBinding]]]]:
    """Bindings grouped by the widget that defines them, one entry per action.

    Ours carry an id; Textual's own (cursor left/right, focus, palette) would bury them. Its
    ctrl+q stays only where no key of ours quits, so that there is always exactly one Quit.
    """
    bindings = list(bindings)
    quits = any(a.binding.id and a.binding.action in QUIT_ACTIONS for a in bindings)
    groups: dict[str, dict[str, tuple[str, ActiveBinding]]] = {}
    for active in bindings:
        binding = active.binding
        textual_quit = binding.action in QUIT_ACTIONS and not quits
        if not binding.description or (binding.id is None and not textual_quit):
            continue
        group = GROUP_NAMES.get(type(active.node).__name__, "Everywhere")
        entries = groups.setdefault(group, {})
        key = key_display.get(binding.key, binding.key)
        if binding.action in entries:
            # Several keys for one action ("j" and "down") share a row.
            known, first = entries[binding.action]
            entries[binding.action] = (f"{known} {key}", first)
        else:
            entries[binding.action] = (key, active)
    return [(name, list(entries.values())) for name, entries in groups.items()]


def all_bindings() -> list[tuple[type[DOMNode], Binding]]:
    """Every binding with an id, with the class that declares it, across the app, its screens
    and widgets: found by walking the packages, so a new screen's keys cannot be left out."""
    import tui.screens
    import tui.widgets

    names = ["tui.app"]
    for package in (tui.screens, tui.widgets):
        names += [f"{package.__name__}.{m.name}" for m in pkgutil.iter_modules(package.__path__)]
    found: list[tuple[type[DOMNode], Binding]] = []
    for name in names:
        module = importlib.import_module(name)
        for _, cls in inspect.getmembers(module, inspect.isclass):
            if cls.__module__ == name and issubclass(cls, DOMNode) and "BINDINGS" in vars(cls):
                found += [(cls, b) for b in cls.BINDINGS if isinstance(b, Binding) and b.id]
    return found


def unknown_binding_ids(keymap: Mapping[str, str]) -> list[str]:
    """The ids in a user's keymap that no binding has (Textual would ignore them silently)."""
    known = {binding.id for _, binding in all_bindings()}
    return sorted(set(keymap) - known)


def _note(binding: Binding) -> str:
    # Textual's own tooltips are sentences that would wrap; ours are short phrases.
    return f" · {binding.tooltip}" if binding.tooltip and binding.id else ""


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape,q,question_mark", "dismiss", "Close", id="help.close"),
        Binding("j,down", "scroll('down')", "Down", show=False, id="help.down"),
        Binding("k,up", "scroll('up')", "Up", show=False, id="help.up"),
        Binding("g,home", "scroll('home')", "Top", show=False, id="help.top"),
        Binding("G,end", "scroll('end')", "Bottom", show=False, id="help.bottom"),
    ]

    def __init__(self, bindings: Iterable[ActiveBinding]) -> None:
        super().__init__()
        self.bindings = list(bindings)

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-panel") as panel:
            panel.border_title = "Keys"
            panel.border_subtitle = "j/k g/G scroll · esc closes · ctrl+p lists commands"
            yield Static(self._render_help(), id="help-text")

    def action_scroll(self, where: str) -> None:
        """As the other views move: a row with j/k, to either end with g/G."""
        panel = self.query_one("#help-panel", VerticalScroll)
        getattr(panel, f"scroll_{where}")(animate=False)

    def _render_help(self) -> Content:
        displays = {
            active.binding.key: self.app.get_key_display(active.binding) for active in self.bindings
        }
        groups = binding_groups(self.bindings, displays)
        # Columns as wide as what they hold: at 80 columns every saved cell keeps a description
        # from wrapping under the key column.
        rows = [row for _, entries in groups for row in entries]
        key_width = max((len(keys) for keys, _ in rows), default=0)
        id_width = max((len(active.binding.id or "") for _, active in rows), default=0)
        lines: list[Content] = []
        for group, entries in groups:
            if lines:
                lines.append(Content(""))
            lines.append(Content.styled(group, "bold $text-accent"))
            for keys, active in entries:
                style = "" if active.enabled else "$text-disabled"
                note = "" if active.enabled else "  (not available here)"
                lines.append(
                    Content.assemble(
                        (f"  {keys:<{key_width}}  ", f"bold $text-warning {style}".strip()),
                        (f"{active.binding.id or '':<{id_width}}  ", "$text-muted"),
                        (active.binding.description, style),
                        (_note(active.binding), "$text-muted"),
                        (note, "$text-muted italic"),
                    )
                )
        return Content("\n").join(lines)
