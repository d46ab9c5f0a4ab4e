"""The original name of the function ENCLOSING a frame's position.

The `names` entry at a call site is the CALLEE's name, which is why naive tools label frames one
off. Like rust-sourcemap's `get_original_function_name` (which Sentry falls back to), walk back
from the frame's token to the nearest token that defines the minified function the engine
reported (`function a(`, `a=function`, `a=(...)=>`, `a(...){` methods) and take that token's
original name from the map (or the identifier itself when the minifier did not rename it).
Unlike rust-sourcemap, a candidate must still be open at the frame's position (its body's
braces not yet balanced), so a nested or sibling function that reuses the minified name is
passed over.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from tui.symbols.mapview import MapView, Token
from tui.symbols.utf16 import utf16_to_index

WALK_LIMIT = 512
"""Tokens walked back at most; rust-sourcemap walks 128, minified bundles need more."""
_IDENT = re.compile(r"[A-Za-z_$][\w$]*")
_ASSIGNED = re.compile(r"\s*[=:]\s*(async\s*)?(function\b|\([^()]*\)\s*=>|[A-Za-z_$][\w$]*\s*=>)")
_METHOD = re.compile(r"\s*\([^()]*\)\s*\{")
_STRUCTURE = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`|/\*.*?\*/|//[^\n]*|[{}()]',
    re.S,
)
"""Strings, templates and comments (skipped whole) and the brackets that delimit a body."""
_MAX_LINES = 20


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

    def line_text(number: int) -> str:
        if number not in lines:
            lines[number] = view.minified_line(number) or ""
        return lines[number]

    for index in range(token.index, max(token.index - WALK_LIMIT, -1), -1):
        candidate = view.token(index)
        line = line_text(candidate.dst_line)
        start = utf16_to_index(line, candidate.dst_col)
        if not (line.startswith(wanted, start) and _defines_function(line, start, wanted)):
            continue
        if _still_open(line_text, candidate, start, token):
            # No name in the map means the minifier kept this identifier as it was.
            return wanted if candidate.name is None else view.names[candidate.name]
    return None


def _still_open(
    line_text: Callable[[int], str], candidate: Token, start: int, frame: Token
) -> bool:
    """Whether the function defined at `candidate` has not closed before `frame`."""
    if frame.dst_line - candidate.dst_line > _MAX_LINES:
        return True  # too far to scan; trust the name match, as rust-sourcemap does
    parts = [line_text(n) for n in range(candidate.dst_line, frame.dst_line + 1)]
    text = "\n".join(parts)
    last = parts[-1]
    target = len(text) - len(last) + utf16_to_index(last, frame.dst_col)
    return _encloses(text, start, target)


def _encloses(text: str, start: int, target: int) -> bool:
    parens, depth = 0, -1
    for match in _STRUCTURE.finditer(text, start, target):
        char = match.group()
        if depth < 0:  # still in the name and parameters, looking for the body
            if char == "(":
                parens += 1
            elif char == ")":
                parens -= 1
            elif char == "{" and parens == 0:
                depth = 1
        elif char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return False
    return True


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
