"""Turn one minified frame into its original: file, line, column, function, context, in_app.

Sentry's conventions throughout: 1-based `lineno`/`colno` in and out, a same-line greatest
lower bound lookup, file names tidied, 5 + 1 + 5 context lines with long lines trimmed around
the column, and the function name of the ENCLOSING original scope (see `names.py`).
"""

from __future__ import annotations

import dataclasses
import re
from typing import TYPE_CHECKING

from tui.symbols.mapview import MapView
from tui.symbols.names import enclosing_function_name
from tui.symbols.utf16 import utf16_to_index

if TYPE_CHECKING:
    from tui.model import Frame

CONTEXT_LINES = 5
MAX_LINE = 150
_NOT_IN_APP = re.compile(
    r"(^|[/\\])(node_modules|vendor|bower_components)[/\\]"
    r"|(^|/)(@babel|core-js|regenerator-runtime|tslib)/"
    r"|^https?://(unpkg\.com|cdnjs\.cloudflare\.com|cdn\.jsdelivr\.net|esm\.run|esm\.sh)/"
)


class Unresolved(Exception):
    """A frame could not be resolved; the message is the one-line reason shown to the user."""


def resolve_frame(frame: Frame, view: MapView) -> tuple[Frame, str]:
    """The resolved frame and a note (empty, or e.g. "the map has no sources content")."""
    if frame.lineno is None:
        raise Unresolved("the frame has no line number")
    line, column = frame.lineno - 1, max((frame.colno or 1) - 1, 0)
    token = view.lookup(line, column)
    if token is None:
        raise Unresolved(f"position {frame.lineno}:{frame.colno or 0} is not mapped")
    if token.source is None:
        raise Unresolved(f"position {frame.lineno}:{frame.colno or 0} maps to no source")
    source = view.sources[token.source]
    filename = tidy_path(source)
    resolved = dataclasses.replace(
        frame,
        filename=filename,
        abs_path=source,
        lineno=token.src_line + 1,
        colno=token.src_col + 1,
        function=enclosing_function_name(view, token, frame.function) or frame.function,
        in_app=is_in_app(source) and not view.is_ignored(token.source),
        resolve_failure="",
        pre_context=(),
        context_line=None,
        post_context=(),
    )
    if not view.texts.has(token.source):
        return resolved, "the map has no sources content for this file"
    return _with_context(resolved, view, token.source, token.src_line, token.src_col), ""


def _with_context(frame: Frame, view: MapView, source: int, line: int, col16: int) -> Frame:
    lines = view.texts.lines(source, line - CONTEXT_LINES, line + CONTEXT_LINES + 1)
    own = line - max(line - CONTEXT_LINES, 0)
    if own >= len(lines):
        return frame
    return with_source_lines(frame, lines, own, utf16_to_index(lines[own], col16))


def with_source_lines(
    frame: Frame, lines: list[str], own: int, column: int, *, source: str = ""
) -> Frame:
    """`frame` with `lines` as its context, `lines[own]` its own line, each trimmed as Sentry
    trims them around `column`; `source` says where they came from (`Frame.context_source`)."""
    trimmed = [trim_line(text, column) for text in lines]
    return dataclasses.replace(
        frame,
        pre_context=tuple(trimmed[:own]),
        context_line=trimmed[own],
        post_context=tuple(trimmed[own + 1 :]),
        context_source=source or frame.context_source,
    )


def trim_line(line: str, column: int = 0) -> str:
    """Sentry's `trim_line`: cut lines over 150 characters to 140 around `column`."""
    length = len(line)
    if length <= MAX_LINE:
        return line
    column = min(column, length)
    start = max(column - 60, 0)
    if start < 5:
        start = 0
    end = min(start + 140, length)
    if end > length - 5:
        end = length
    if end == length:
        start = max(end - 140, 0)
    out = line[start:end]
    if end < length:
        out += " {snip}"
    if start > 0:
        out = "{snip} " + out
    return out


def tidy_path(source: str) -> str:
    """File names as Sentry shows them: `webpack://app/./src/a.js` -> `./src/a.js`."""
    if "/~/" in source:
        return "~/" + source.split("/~/", 1)[1]
    for prefix in ("webpack-internal:///", "webpack:///", "turbopack:///[project]/"):
        if source.startswith(prefix):
            return source[len(prefix) :]
    if source.startswith("webpack://"):
        rest = source[len("webpack://") :]
        return rest.split("/", 1)[1] if "/" in rest else rest
    match = re.match(r"^https?://[^/]+(/.*)$", source)
    if match:
        return match.group(1)
    # Bundlers write sources relative to the output folder (`../../src/a.js`); the climb out
    # of `dist/assets/` says nothing to a reader.
    return re.sub(r"^(?:\.\./)+", "", source)


def is_in_app(path: str) -> bool:
    """Sentry's default rules: dependencies and CDN files are not in-app."""
    return not _NOT_IN_APP.search(path)
