"""`--read-only` and `read_only = true`: the CLI refuses every change and still reads."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tui.cli import main


def test_read_only_flag_refuses_a_change_before_any_request(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("a read-only run sent a request")

    monkeypatch.setattr(httpx.AsyncClient, "send", no_network)
    for argv in (
        ["--demo", "--read-only", "issues", "resolve", "BILLING-API-1"],
        ["--demo", "issues", "ignore", "BILLING-API-1", "--read-only"],
    ):
        assert main(argv) == 2
        assert "is read-only: nothing changed" in capsys.readouterr().err


def test_read_only_still_reads(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "--read-only", "issues", "list", "--limit", "1"]) == 0
    assert "SHOP-WEB-" in capsys.readouterr().out


def test_read_only_profile_in_the_config_refuses(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.a]\nbackend = "bugsink"\nurl = "http://127.0.0.1:9"\nproject = 1\n'
        'token = "t"\nread_only = true\n'
    )
    path.chmod(0o600)
    assert main(["--config", str(path), "issues", "reopen", "1"]) == 2
    assert "profile 'a' is read-only" in capsys.readouterr().err
