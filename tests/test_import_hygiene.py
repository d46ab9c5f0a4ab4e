"""The engine (model, backends, symbols, config) must be usable without Textual."""

from __future__ import annotations

import subprocess
import sys

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
    "tui.backends.posthog",
    "tui.backends.bugsink",
    "tui.sanitize",
    "tui.cli_output",
    "tui.cli",
    "tui.triage",
    "tui.cli_triage",
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
