"""The engine (model, backends, symbols, config) must be usable without Textual."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ENGINE_MODULES = [
    "tui.model",
    "tui.config",
    "tui.backends",
    "tui.backends.sentry",
    "tui.backends.http",
    "tui.backends.search",
    "tui.demo",
    "tui.symbols",
    "tui.symbols.commands",
    "tui.symbols.urlsource",
    "tui.session",
    "tui.store",
    "tui.offline",
    "tui.backends.posthog",
    "tui.backends.bugsink",
    "tui.sanitize",
    "tui.cli_output",
    "tui.cli",
    "tui.terminal.clipboard",
    "tui.terminal.opener",
    "tui.terminal.editor",
    "tui.terminal.local_files",
    "tui.triage",
    "tui.cli_triage",
    "tui.symbol_sets",
    "tui.symbols.missing",
    "tui.backends.posthog_symbol_sets",
    "tui.cli_symbols",
]


@pytest.mark.parametrize("module", ENGINE_MODULES)
def test_engine_module_imports_without_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False", f"{module} pulled in Textual"


def test_no_stackdeck_module_needs_the_sourcemap_package() -> None:
    """`sourcemap` is a test extra (a reference decoder), not a runtime dependency."""
    code = (
        "import pkgutil, importlib, sys, tui\n"
        "for m in pkgutil.walk_packages(tui.__path__, 'tui.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(len(sys.modules) > 50, 'sourcemap' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["True", "False"]


# What a command loads is part of its start-up cost (issue 11): each test runs the command in
# a fresh interpreter and names the packages it must not have imported. The import graph is
# behaviour that a stray top-level import breaks; timing is left to tests/bench/startup.py.
NETWORK_AND_UI = ("textual", "rich", "pygments", "httpx", "asyncio")
SYMBOL_MAP = next(
    (Path(__file__).parents[1] / "tui" / "demo" / "data" / "symbols").glob("*.js.map")
)


def loaded_after(code: str, env: dict[str, str] | None = None) -> set[str]:
    """The top-level and `tui.*` module names in `sys.modules` after running `code`."""
    script = f"import json, sys\n{code}\nprint(json.dumps(sorted(sys.modules)))"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, env=env
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def assert_not_loaded(loaded: set[str], forbidden: tuple[str, ...]) -> None:
    found = sorted(
        m for m in loaded if m in forbidden or m.startswith(tuple(f + "." for f in forbidden))
    )
    assert not found, f"loaded {found}"


def test_the_app_starts_without_the_issue_screens_local_files_or_map_decoding() -> None:
    # What only the issue screen needs is loaded when an issue is opened, not before the list.
    loaded = loaded_after("import tui.app")
    assert "tui.screens.issue_list" in loaded
    assert_not_loaded(
        loaded,
        (
            "tui.screens.issue_detail",
            "tui.screens.local_source",
            "tui.terminal.local_files",
            "tui.symbols",
        ),
    )


def test_cli_help_loads_no_engine_network_or_ui() -> None:
    loaded = loaded_after(
        "import contextlib, io, tui.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    tui.cli.main(['--help'])"
    )
    assert "argparse" in loaded  # the parser was built
    assert_not_loaded(
        loaded,
        (*NETWORK_AND_UI, "tui.backends", "tui.symbols", "tui.model", "tui.config", "tomllib"),
    )


def test_cached_sourcemap_resolve_loads_no_network_ui_or_backend(tmp_path: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path)}
    run = (
        "import contextlib, io, tui.cli\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert tui.cli.main(['sourcemap', 'resolve', {str(SYMBOL_MAP)!r}, '2:355']) == 0"
    )
    first = loaded_after(run, env)  # decodes the map into the cache
    cached = loaded_after(run, env)
    for loaded in (first, cached):
        assert "tui.symbols.cache" in loaded
        assert_not_loaded(
            loaded,
            (*NETWORK_AND_UI, "tui.backends", "tui.model", "tui.symbols.symbolicator", "tomllib"),
        )
    # A hit opens the cached binary without hashing the map (tests/symbols/test_cache.py
    # checks that it neither reads the map nor rewrites the index).
    assert "hashlib" in first
    assert_not_loaded(cached, ("hashlib",))


@pytest.mark.parametrize(
    ("kind", "module"),
    [
        ("sentry", "tui.backends.sentry"),
        ("glitchtip", "tui.backends.sentry"),
        ("bugsink", "tui.backends.bugsink"),
        ("posthog", "tui.backends.posthog"),
    ],
)
def test_opening_a_profile_loads_only_its_backend(kind: str, module: str) -> None:
    loaded = loaded_after(
        "from tui.backends import open_backend\n"
        "from tui.config import Profile\n"
        f"open_backend(Profile(name='p', backend={kind!r}, url='https://errors.example',"
        " org='o', projects=('1',), token_value='t'))"
    )
    backends = {m for m in loaded if m.startswith("tui.backends.")}
    others = {"tui.backends.sentry", "tui.backends.bugsink", "tui.backends.posthog"} - {module}
    assert module in backends and not backends & others
    assert_not_loaded(loaded, ("textual", "pygments"))


def test_backend_errors_load_no_backend_or_httpx() -> None:
    loaded = loaded_after("import tui.backends.errors")
    assert_not_loaded(loaded, ("httpx", "asyncio", "tui.backends.base", "tui.backends.http"))


def test_tui_start_loads_no_detail_screen_highlighter_or_other_backend() -> None:
    loaded = loaded_after(
        "import tui.app, tui.demo\n"
        "from tui.session import open_session\n"
        "open_session(tui.demo.DEMO_PROFILE, demo=True)"
    )
    assert {"textual.app", "tui.screens.issue_list", "tui.backends.sentry"} <= loaded
    # The detail screen, its trace view, Pygments and the symbolicator load when the first
    # issue opens.
    assert_not_loaded(
        loaded,
        (
            "pygments",
            "tui.screens.issue_detail",
            "tui.render.trace",
            "tui.symbols.symbolicator",
            "tui.backends.posthog",
            "tui.backends.bugsink",
        ),
    )
