"""The original name of the function ENCLOSING a frame's position.

The `names` entry at a call site is the CALLEE's name, which is why naive tools label frames one
off. Like rust-sourcemap's `get_original_function_name` (which Sentry falls back to), walk back
from the frame's token to the nearest token that defines the minified function the engine
reported (`function a(`, `a=function`, `a=(...)=>`, `a(...){` methods) and take that token's
original name from the map (or the identifier itself when the minifier did not rename it).
"""

from __future__ import annotations

import re

from tui.symbols.mapview import MapView, Token
from tui.symbols.utf16 import utf16_to_index

WALK_LIMIT = 512
"""Tokens walked back at most; rust-sourcemap walks 128, minified bundles need more."""
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_ASSIGNED = re.compile(r"\s*[=:]\s*(async\s*)?(function\b|\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)")
_METHOD = re.compile(r"\s*\([^()]*\)\s*\{")


def minified_identifier(function: str) -> str:
    """The identifier an engine reported: `Object.a` -> `a`, `async c` -> `c`."""
    name = function.strip()
    for prefix in ("async ", "new "):
        name = name.removeprefix(prefix)
    name = name.rsplit(".", 1)[-1].split(" ", 1)[0]
    return name if _IDENT.fullmatch(name) else ""


def enclosing_function_name(view: MapView, token: Token, function: str) -> str | None:
    """The original name of the function `function` (as the engine reported it) around `token`."""
    wanted = minified_identifier(function)
    if not wanted or not view.has_minified():
        return None
    lines: dict[int, str] = {}
    for index in range(token.index, max(token.index - WALK_LIMIT, -1), -1):
        candidate = view.token(index)
        line = lines.get(candidate.dst_line)
        if line is None:
            line = lines[candidate.dst_line] = view.minified_line(candidate.dst_line) or ""
        start = utf16_to_index(line, candidate.dst_col)
        if line.startswith(wanted, start) and _defines_function(line, start, wanted):
            # No name in the map means the minifier kept this identifier as it was.
            return wanted if candidate.name is None else view.names[candidate.name]
    return None


def _defines_function(line: str, start: int, ident: str) -> bool:
    end = start + len(ident)
    if end < len(line) and (line[end].isalnum() or line[end] in "_$"):
        return False
    before = line[max(0, start - 16) : start].rstrip()
    if before.endswith(("function", "function*", "class")):
        return True
    after = line[end : end + 200]
    if _ASSIGNED.match(after):
        return True
    return bool(_METHOD.match(after)) and (
        before[-1:] in "{};," or before.endswith(("get", "set", "static", "async"))
    )
