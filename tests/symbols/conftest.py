"""Fixtures for the symbol engine: real maps made by esbuild 0.25.0 and terser 5.39.0.

`generate/generate.mjs` rebuilds them and stores Mozilla `source-map` 0.7.4's answers.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.symbols.cache import SymbolCache

FIXTURES = Path(__file__).parent / "fixtures"
SOURCES = Path(__file__).parent / "generate" / "src"
DEBUG_ID = "c0ffee00-1234-4abc-8def-0123456789ab"


def fixture_bytes(relative: str) -> bytes:
    return (FIXTURES / relative).read_bytes()


def expected(name: str) -> list[list[Any]]:
    return json.loads((FIXTURES / "expected" / f"{name}.json").read_text())["answers"]


@pytest.fixture
def cache(tmp_path: Path) -> SymbolCache:
    return SymbolCache(tmp_path / "symbols")
