"""The original name of the function ENCLOSING a frame's position.

The `names` entry at a call site is the CALLEE's name, which is why naive tools label frames one
off. Like rust-sourcemap's `get_original_function_name` (which Sentry falls back to), walk back
from the frame's token to the nearest token that defines the minified function the engine
reported (`function a(`, `a=function`, `a=(...)=>`, `a(...){` methods) and take that token's
original name from the map (or the identifier itself when the minifier did not rename it).
Unlike rust-sourcemap, a candidate must still be open at the frame's position (its body's
braces not yet balanced), so a nested or sibling function that reuses the minified name is
passed over; and a method's class (`o.submit` from V8) is mapped too: `Checkout.submit`.
Sentry first tries real scope analysis of the minified file; this is its fallback, improved.
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
_CLASS_ASSIGNED = re.compile(r"\s*=\s*class\b")
_METHOD = re.compile(r"\s*\([^()]*\)\s*\{")
_STRUCTURE = re.compile(
    r'"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\'|`(?:[^`\\]|\\.)*`|/\*.*?\*/|//[^\n]*|[{}()]',
    re.S,
)
"""Strings, templates and comments (skipped whole) and the brackets that delimit a body."""
_MAX_LINES = 20


def _split_reported(function: str) -> tuple[bool, str, str]:
    """`(constructor, qualifier, identifier)` of an engine's name: `new Ke` -> `(True, "", "Ke")`,
    `o.submit` -> `(False, "o", "submit")`."""
    name = function.strip().removeprefix("async ")
    constructor = name.startswith("new ")
    name = name.removeprefix("new ").split(" ", 1)[0]
    qualifier, _, ident = name.rpartition(".")
    qualifier = qualifier.rsplit(".", 1)[-1]
    return (
        constructor,
        qualifier if _IDENT.fullmatch(qualifier) else "",
        ident if _IDENT.fullmatch(ident) else "",
    )


def enclosing_function_name(view: MapView, token: Token, function: str) -> str | None:
    """The original name of the function `function` (as the engine reported it) around `token`.

    For a method the engine reports as `o.submit`, the class `o` is looked up the same way, so
    the frame reads `Checkout.submit`; a qualifier that is not a class in the bundle is kept
    only when it does not look minified (`Object.onClick`). A constructor V8 reports as
    `new Ke` is the class (or `function`) `Ke` whose body holds the frame: `new DateTime`.
    """
    constructor, qualifier, wanted = _split_reported(function)
    if not wanted or not view.has_minified():
        return None
    walker = _Walker(view)
    if constructor:
        owner = walker.find(token, token, wanted, _defines_constructor)
        return None if owner is None else f"new {owner[1]}"
    found = walker.find(token, token, wanted, _defines_function)
    if found is None:
        return None
    definition, name = found
    if not qualifier:
        return name
    owner = walker.find(definition, definition, qualifier, _defines_class, skip_first=True)
    if owner is not None:
        return f"{owner[1]}.{name}"
    return f"{qualifier}.{name}" if len(qualifier) > 2 else name


class _Walker:
    """Walks back over a map's tokens, reading minified lines once each."""

    def __init__(self, view: MapView) -> None:
        self.view = view
        self._lines: dict[int, str] = {}

    def line_text(self, number: int) -> str:
        if number not in self._lines:
            self._lines[number] = self.view.minified_line(number) or ""
        return self._lines[number]

    def find(
        self,
        start: Token,
        inside: Token,
        wanted: str,
        defines: Callable[[str, int, str], bool],
        *,
        skip_first: bool = False,
    ) -> tuple[Token, str] | None:
        """The nearest token before `start` defining `wanted` whose body contains `inside`."""
        first = start.index - 1 if skip_first else start.index
        for index in range(first, max(start.index - WALK_LIMIT, -1), -1):
            candidate = self.view.token(index)
            line = self.line_text(candidate.dst_line)
            at = self._definition_at(candidate, line, wanted)
            if at is None or not defines(line, at, wanted):
                continue
            if _still_open(self.line_text, candidate, at, inside):
                return candidate, self._original_name(candidate, wanted)
        return None

    def _definition_at(self, candidate: Token, line: str, wanted: str) -> int | None:
        """Where `wanted` starts at `candidate`: on the token, or (terser puts a method's name
        on the `(` after it) just before a named token."""
        at = utf16_to_index(line, candidate.dst_col)
        if line.startswith(wanted, at):
            return at
        before = at - len(wanted)
        if candidate.name is not None and before >= 0 and line.startswith(wanted, before):
            return before
        return None

    def _original_name(self, candidate: Token, wanted: str) -> str:
        """The token's name in the map, or the identifier kept when the minifier did not rename
        it; the source text's own identifier when the bundler decorated it (esbuild writes
        `var c=class _DateTime` and maps `c` to `_DateTime`, or `DateTime2` on a clash)."""
        if candidate.name is None:
            return wanted
        name = self.view.names[candidate.name]
        written = self._source_identifier(candidate)
        return written if written and _decorated(name, written) else name

    def _source_identifier(self, token: Token) -> str:
        if token.source is None or not self.view.texts.has(token.source):
            return ""
        found = self.view.texts.lines(token.source, token.src_line, token.src_line + 1)
        if not found:
            return ""
        match = _IDENT.match(found[0], utf16_to_index(found[0], token.src_col))
        return match.group() if match else ""


def _decorated(name: str, written: str) -> bool:
    """Whether `name` is `written` as a bundler renames it: `_DateTime`, `DateTime2`."""
    suffix = name.removeprefix(written)
    return name != written and (
        name.lstrip("_") == written or (suffix != name and suffix.isdigit())
    )


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


def _defines_class(line: str, start: int, ident: str) -> bool:
    end = start + len(ident)
    if end < len(line) and (line[end].isalnum() or line[end] in "_$"):
        return False
    before = line[max(0, start - 16) : start].rstrip()
    return before.endswith("class") or bool(_CLASS_ASSIGNED.match(line, end))


def _defines_constructor(line: str, start: int, ident: str) -> bool:
    return _defines_class(line, start, ident) or _defines_function(line, start, ident)


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
