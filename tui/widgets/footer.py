"""The key footer: Textual's Footer, fitted to the width and safe to rebuild often.

Textual's own `Footer.compose` data-binds every key to the footer, and those bindings keep
each replaced key alive (Textualize/textual #6666); these keys are plain widgets.
"""

from __future__ import annotations

from rich.cells import cell_len
from textual import on
from textual.app import App, ComposeResult
from textual.binding import ActiveBinding
from textual.events import MouseDown, Resize
from textual.widgets import Footer, Static
from textual.widgets._footer import FooterKey

from tui.privacy import masking
from tui.widgets.mask_signal import on_mask_toggled

MARGIN = 1
"""Compact footer keys sit one cell apart."""
MASK_MARK = " PII masked "
"""Shown first in the footer while the privacy mask is on: a screenshot says it is masked."""


def key_width(key_display: str, description: str) -> int:
    return cell_len(key_display) + (1 + cell_len(description) if description else 0) + MARGIN


def fit_keys(keys: list[tuple[ActiveBinding, str]], width: int) -> list[tuple[ActiveBinding, str]]:
    """The keys (with their display) that fit `width`, in their order.

    When some must go, greyed keys go first, then the screen's keys from the right; the
    app-wide keys (help, profiles) stay, since they are the way to everything else.
    """
    app_wide = [i for i, (active, _) in enumerate(keys) if isinstance(active.node, App)]
    screen_keys = [i for i in reversed(range(len(keys))) if i not in app_wide]
    order = sorted(screen_keys, key=lambda i: keys[i][0].enabled)  # stable: greyed first
    kept = set(range(len(keys)))
    used = sum(key_width(display, active.binding.description) for active, display in keys)
    for index in order:
        if used <= width:
            break
        kept.discard(index)
        active, display = keys[index]
        used -= key_width(display, active.binding.description)
    return [key for i, key in enumerate(keys) if i in kept]


class ClickableKey(FooterKey):
    """A footer key; clicking a greyed one says why it is greyed, as pressing its key does."""

    @on(MouseDown)
    def _press(self, event: MouseDown) -> None:
        event.prevent_default()  # Textual's FooterKey would only ring the bell
        self.app.simulate_key(self.key)


class KeyFooter(Footer):
    """One row of the keys that apply, each action once, fitted to the terminal's width."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, compact=True, show_command_palette=False)
        self._fitted_width = 0

    def on_mount(self) -> None:
        super().on_mount()
        on_mask_toggled(self, self.recompose)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        seen: set[str] = set()
        keys: list[tuple[ActiveBinding, str]] = []
        for active in self.screen.active_bindings.values():
            if active.binding.show and active.binding.action not in seen:
                seen.add(active.binding.action)
                keys.append((active, self.app.get_key_display(active.binding)))
        self._fitted_width = self.size.width or self.app.size.width
        room = self._fitted_width
        if masking():
            room -= cell_len(MASK_MARK) + MARGIN
            yield Static(MASK_MARK, id="pii-mask-mark", markup=False)
        for active, display in fit_keys(keys, room):
            binding = active.binding
            yield ClickableKey(
                binding.key,
                display,
                binding.description,
                binding.action,
                disabled=not active.enabled,
                tooltip=active.tooltip,
                classes="-compact",
            )

    def on_resize(self, event: Resize) -> None:
        if event.size.width != self._fitted_width and self._bindings_ready:
            self.call_after_refresh(self.recompose)
