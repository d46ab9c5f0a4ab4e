"""`stackdeck` without a command hands the config's keys, watch interval and read-only flag,
and `--watch`, to the app it starts."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.app import StackdeckApp
from tui.cli import main


@pytest.fixture
def started(monkeypatch: pytest.MonkeyPatch) -> list[StackdeckApp]:
    apps: list[StackdeckApp] = []
    monkeypatch.setattr(StackdeckApp, "run", lambda self: apps.append(self))
    return apps


def test_watch_and_read_only_options_reach_the_app(started: list[StackdeckApp]) -> None:
    assert main(["--demo", "--watch", "--read-only"]) == 0
    [app] = started
    assert app.watch_on_start and app.read_only and app.read_only_profile == "demo"


def test_the_config_keys_interval_and_read_only_profile_reach_the_app(
    started: list[StackdeckApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("H9_TEST_TOKEN", "t0ken")
    config = tmp_path / "config.toml"
    config.write_text(
        'watch_interval = 20\n[keys]\n"issues.resolve" = "x"\n'
        '[profiles.work]\nbackend = "bugsink"\nurl = "http://127.0.0.1:9"\nproject = "1"\n'
        'token_env = "H9_TEST_TOKEN"\nread_only = true\n'
    )
    assert main(["--config", str(config)]) == 0
    [app] = started
    assert app.keys == {"issues.resolve": "x"} and app.watch_interval == 20
    assert app.read_only_profile == "work" and not app.watch_on_start
