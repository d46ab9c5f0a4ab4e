"""The CLI's print boundary: every line the commands print passes through here, sanitised."""

from __future__ import annotations

import sys
from typing import Any, TextIO

from tui.sanitize import dumps_json, sanitize


def echo(text: object, *, file: TextIO | None = None) -> None:
    """Print a line holding server text; its own newlines kept, every other control made visible.

    Callers wrap a server value in `sanitize()` first where a newline in it could forge a line.
    """
    print(sanitize(text, multiline=True), file=file or sys.stdout)


def print_json(data: Any) -> None:
    """JSON for scripts: indented, non-ASCII readable, controls and bidi overrides escaped."""
    sys.stdout.write(dumps_json(data) + "\n")
