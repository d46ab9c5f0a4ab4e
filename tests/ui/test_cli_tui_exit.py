"""`stackdeck` exits with the app's return code: after a crash a script sees a failure."""

from __future__ import annotations

import pytest

from tui.app import StackdeckApp
from tui.cli import main


def test_a_crashed_app_exits_1(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(self: StackdeckApp) -> None:
        self._return_code = 1  # what Textual sets when an exception ends the app

    monkeypatch.setattr(StackdeckApp, "run", crash)
    assert main(["--demo"]) == 1


def test_a_quit_app_exits_0(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(StackdeckApp, "run", lambda self: None)
    assert main(["--demo"]) == 0
