"""Shared test set-up: no test reads the developer's real config or cache."""

from __future__ import annotations

from pathlib import Path

import pytest
import pytest_textual_snapshot

from tui import config
from tui.demo import demo_server
from tui.privacy import set_masking

# syrupy >= 5 would otherwise save `.raw` files instead of viewable SVGs.
pytest_textual_snapshot.SVGImageExtension.file_extension = "svg"

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(autouse=True)
def isolated_dirs(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Config and cache in a temp dir, for this process and for any subprocess it starts."""
    root = tmp_path_factory.mktemp("home")
    dirs = config.AppDirs(config=root / "config" / "stackdeck", cache=root / "cache" / "stackdeck")
    monkeypatch.setattr(config, "app_dirs", lambda: dirs)
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(root / "cache"))
    monkeypatch.setenv("HOME", str(root))
    for name in ("SENTRY_AUTH_TOKEN", "SENTRY_URL", "SENTRY_ORG", "SENTRY_PROJECT"):
        monkeypatch.delenv(name, raising=False)
    return dirs


@pytest.fixture(autouse=True)
def fresh_demo_servers():
    """The demo's servers live as long as the process; each test starts from the recordings."""
    demo_server.cache_clear()
    yield
    demo_server.cache_clear()


@pytest.fixture(autouse=True)
def privacy_mask_off():
    """The privacy mask is process-wide (the display boundary reads it): each test starts off."""
    set_masking(False)
    yield
    set_masking(False)
