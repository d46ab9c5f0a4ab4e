"""The `[keys]` table, as config.py checks and normalises it, drives Textual's real keymap."""

from __future__ import annotations

from pathlib import Path

from textual.app import App
from textual.binding import Binding

from tui.config import load_config


class KeyedApp(App[None]):
    BINDINGS = [Binding("r", "resolve", "Resolve", id="issues.resolve")]

    def __init__(self) -> None:
        super().__init__()
        self.resolved = 0

    def action_resolve(self) -> None:
        self.resolved += 1


async def test_config_keys_rebind_through_set_keymap(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[keys]\n"issues.resolve" = "x, ?,ctrl+shift+f5"\n'
        '[profiles.a]\nbackend = "sentry"\norg = "o"\n'
    )
    keys = load_config(path).keys
    app = KeyedApp()
    async with app.run_test() as pilot:
        app.set_keymap(keys)
        await pilot.press("r")
        assert app.resolved == 0  # the default key is replaced, not added to
        for key in ("x", "question_mark", "ctrl+shift+f5"):
            await pilot.press(key)
        assert app.resolved == 3
