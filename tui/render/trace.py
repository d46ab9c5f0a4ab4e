"""Exception chains and stack frames as display rows, plus their highlighted `Content`."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from typing import Any

from pygments.lexer import Lexer
from pygments.lexers import find_lexer_class_for_filename, get_lexer_by_name
from pygments.token import _TokenType
from pygments.util import ClassNotFound
from textual.content import Content, Span
from textual.highlight import HighlightTheme

from tui.model import Event, ExceptionValue, Frame, Stacktrace
from tui.render.text import plain, sanitize
from tui.render.trace_native import NativeColumns, frame_notes, jvm_function, native_title

PLATFORM_LANGUAGE = {
    "python": "python",
    "javascript": "javascript",
    "node": "javascript",
    "ruby": "ruby",
    "php": "php",
    "java": "java",
    "go": "go",
    "csharp": "csharp",
    "elixir": "elixir",
    "cocoa": "swift",
    "native": "c",
}
LINK_LABELS = {
    "__cause__": "caused by",
    "cause": "caused by",
    "__context__": "during handling of",
}
MAX_LINE = 160
"""Minified lines run to megabytes; show a window of this many characters around the column."""
WINDOW_LEAD = 30
"""Characters of a long line shown before its crash column."""


@dataclass(frozen=True)
class ExceptionBlock:
    """One exception as the reader meets it: how deep in a group, and how it links upward."""

    exception: ExceptionValue
    depth: int
    link: str
    """Words before it, `""` for the raised exception: "caused by", "during handling of", ..."""


@dataclass(frozen=True)
class FrameRow:
    frame: Frame
    index: int
    """Position in the stack trace's frames (oldest first), whatever the display order."""
    crashed: bool = False


@dataclass(frozen=True)
class GapRow:
    """Frames not shown: dropped by the SDK (`omitted`) or library frames the user hid."""

    count: int
    omitted: bool


TraceRow = FrameRow | GapRow


def exception_blocks(exceptions: tuple[ExceptionValue, ...]) -> list[ExceptionBlock]:
    """Exceptions in reader order with group nesting from `Mechanism.parent_id`."""
    depths = _group_depths(exceptions)
    return [
        ExceptionBlock(exc, depths[i], "" if i == 0 else link_label(exc))
        for i, exc in enumerate(exceptions)
    ]


def _group_depths(exceptions: tuple[ExceptionValue, ...]) -> list[int]:
    """How many exception groups enclose each exception.

    Iterative and memoised: a hostile event nests groups thousands deep or links parents in a
    cycle, and neither may exhaust the stack nor loop (a cycle counts as reaching the top).
    """
    by_id = {
        exc.mechanism.exception_id: exc
        for exc in exceptions
        if exc.mechanism and exc.mechanism.exception_id is not None
    }

    def parent_of(exc: ExceptionValue) -> ExceptionValue | None:
        mechanism = exc.mechanism
        if mechanism is None or mechanism.parent_id is None:
            return None
        return by_id.get(mechanism.parent_id)

    def is_group(exc: ExceptionValue | None) -> bool:
        return exc is not None and exc.mechanism is not None and exc.mechanism.is_exception_group

    known: dict[int, int] = {}
    for exc in exceptions:
        path: list[ExceptionValue] = []
        on_path: set[int] = set()
        top: ExceptionValue | None = exc
        while top is not None and id(top) not in known and id(top) not in on_path:
            path.append(top)
            on_path.add(id(top))
            top = parent_of(top)
        # `top` is None (the root), a cycle back into `path`, or an exception already counted.
        above = top if top is not None and id(top) in known else None
        depth = 0 if above is None else known[id(above)] + is_group(above)
        for current in reversed(path):
            known[id(current)] = depth
            depth += is_group(current)
    return [known[id(exc)] for exc in exceptions]


def link_label(exc: ExceptionValue) -> str:
    source = exc.mechanism.source if exc.mechanism else ""
    # Bounded digits: Python refuses to parse integers of more than 4,300 digits.
    if match := re.fullmatch(r"exceptions\[(\d{1,9})\]", source):
        return f"group member {int(match.group(1)) + 1}"
    # Without a source (older SDKs, most non-Python platforms) a chain means "cause".
    return LINK_LABELS.get(source, "caused by")


def newest_first(platform: str) -> bool:
    """Frame order follows each language's own traceback: Python prints the most recent call
    last; JavaScript's `Error.stack`, Java, Ruby, PHP and Go print it first, and so does
    Sentry's web UI for every platform but Python."""
    return platform not in {"python", ""}


def has_minified(event: Event) -> bool:
    """True when some exception kept its minified frames next to resolved ones."""
    return any(exc.raw_stacktrace is not None for exc in event.exceptions)


def minified_view(event: Event) -> Event:
    """The event as the SDK sent it: each stack trace swapped for its minified original."""
    return replace(
        event,
        exceptions=tuple(
            replace(exc, stacktrace=exc.raw_stacktrace) if exc.raw_stacktrace else exc
            for exc in event.exceptions
        ),
    )


def has_in_app(stacktrace: Stacktrace | None) -> bool:
    return stacktrace is not None and any(frame.in_app for frame in stacktrace.frames)


def trace_rows(
    stacktrace: Stacktrace, *, in_app_only: bool, newest_first: bool, crashed: bool
) -> list[TraceRow]:
    """Display rows for one stack trace.

    `crashed` marks the last frame as where the exception was raised. With `in_app_only`,
    runs of library frames collapse into one `GapRow`; the crashing frame always stays, and a
    trace without any in-app frame is shown whole rather than as a single gap.
    """
    frames = stacktrace.frames
    last = len(frames) - 1
    hide_library = in_app_only and any(frame.in_app for frame in frames)
    omitted_before = -1
    if stacktrace.frames_omitted is not None:
        start, end = stacktrace.frames_omitted
        omitted_before = start - 1
    rows: list[TraceRow] = []
    hidden = 0
    for index, frame in enumerate(frames):
        if index == omitted_before and stacktrace.frames_omitted is not None:
            hidden = _flush_hidden(rows, hidden)
            start, end = stacktrace.frames_omitted
            rows.append(GapRow(end - start, omitted=True))
        is_crash = crashed and index == last
        if hide_library and not frame.in_app and not is_crash:
            hidden += 1
            continue
        hidden = _flush_hidden(rows, hidden)
        rows.append(FrameRow(frame, index, is_crash))
    _flush_hidden(rows, hidden)
    return rows[::-1] if newest_first else rows


def _flush_hidden(rows: list[TraceRow], hidden: int) -> int:
    if hidden:
        rows.append(GapRow(hidden, omitted=False))
    return 0


@lru_cache(maxsize=256)
def gap_content(row: GapRow) -> Content:
    """Cached: a long trace repeats the same few gaps thousands of times."""
    noun = "frame" if row.count == 1 else "frames"
    what = "omitted by the SDK" if row.omitted else "in libraries hidden (a: show all)"
    return plain(f"… {row.count} {noun} {what} …", "$text-muted italic")


def exception_title(exc: ExceptionValue) -> Content:
    parts: list[Content | tuple[str, str] | str] = [plain(exc.type or "Error", "bold $text-error")]
    if exc.value:
        parts += [": ", plain(exc.value, "bold", multiline=True)]
    mechanism = exc.mechanism
    if mechanism is not None:
        handled = {True: "handled", False: "unhandled", None: ""}[mechanism.handled]
        note = " · ".join(part for part in (handled, sanitize(mechanism.type)) if part)
        if note:
            parts += ["  ", (note, "$text-muted")]
    return Content.assemble(*parts)


def frame_title(row: FrameRow, columns: NativeColumns | None = None, platform: str = "") -> Content:
    """`file:line:col in function`, in-app frames bright, library frames muted; frames of an
    addressed (native) trace as aligned `address  image  symbol+offset  file:line`."""
    frame = row.frame
    base = "" if frame.in_app else "$text-muted"
    parts: list[Content | str | tuple[str, str]]
    if columns is not None:
        parts = [*native_title(frame, columns, base)]
    else:
        parts = [
            plain(frame.display_path, f"bold {base}" if frame.in_app else base),
            (f":{frame.lineno}" if frame.lineno is not None else "", "$text-warning"),
            (f":{frame.colno}" if frame.colno is not None else "", "$text-muted"),
        ]
        if function := jvm_function(frame, platform):
            parts += [(" in ", "$text-muted"), plain(function, f"$text-accent {base}")]
    parts += frame_notes(frame, platform)
    if row.crashed:
        parts += ["  ", (" crashed here ", "bold $text on $error")]
    if frame.context_source == "local":
        # The event had no lines: these were read from this machine's copy, which may differ.
        parts += ["  ", ("local file", "$foreground-muted italic")]
    # The server's reason and the local attempt's are different facts: show both, labelled.
    for label, failure in (("server", frame.server_failure), ("local", frame.resolve_failure)):
        if failure:
            parts += ["  ", plain(f"[{label}: {failure}]", "$text-warning")]
    return Content.assemble(*parts)


@lru_cache(maxsize=256)
def language_for(filename: str, platform: str) -> str:
    """A Pygments lexer alias from the file name, else from the event platform."""
    name = filename.split("?", 1)[0]
    try:
        lexer = find_lexer_class_for_filename(name) if name else None
    except ClassNotFound:
        lexer = None
    if lexer is not None and lexer.aliases:
        return str(lexer.aliases[0])
    return PLATFORM_LANGUAGE.get(platform, "text")


def _window(line: str, colno: int | None, reveal: int = 0) -> tuple[str, int | None]:
    """The part of a long line worth showing, and where the error column lands in it.

    Minified bundles put a whole program on one line, so the window starts just before the
    column: the terminal's right edge would otherwise hide the very token that failed.
    A view scrolled sideways passes how far: right (`reveal` > 0), the window keeps that many
    characters more at its end; left (< 0), it starts that many earlier.
    """
    column = colno - 1 if colno and 0 < colno <= len(line) else None
    size = MAX_LINE + max(reveal, 0)
    if len(line) <= size and (column is None or column < 60):
        return line, column
    start = 0 if column is None else max(0, column - WINDOW_LEAD + min(reveal, 0))
    text = line[start : start + size]
    prefix = "…" if start else ""
    suffix = "…" if start + size < len(line) else ""
    return prefix + text + suffix, None if column is None else column - start + len(prefix)


def context_line_count(frame: Frame, *, full: bool) -> int:
    """How many rows `context_lines` yields, without building them (a frame may carry 50,000)."""
    if frame.context_line is None or frame.lineno is None:
        return 0
    return len(frame.pre_context) + 1 + len(frame.post_context) if full else 1


def context_lines(
    frame: Frame,
    platform: str,
    *,
    full: bool,
    start: int = 0,
    stop: int | None = None,
    reveal: int = 0,
) -> list[Content]:
    """Source lines `start:stop` with a line-number gutter; the frame's own line marked.

    `full` shows the surrounding lines; otherwise only the frame's line, as Python prints it.
    Only the requested slice is highlighted, so a huge frame costs what is on screen; long
    lines are cut `reveal` characters past the usual window (see `_window`).
    """
    if frame.context_line is None or frame.lineno is None:
        return []
    first = frame.lineno - len(frame.pre_context)
    if full:
        texts = _slice_context(frame, start, stop)
    else:
        first, texts = frame.lineno, [frame.context_line][start:stop]
        start = 0
    if not texts:
        return []
    language = language_for(frame.filename or frame.abs_path, frame.platform or platform)
    windows = [_window(sanitize(text), frame.colno, reveal) for text in texts]
    code = "\n".join(text for text, _ in windows)
    highlighted = split_lines(highlight_code(code, language))
    width = len(str(frame.lineno + len(frame.post_context)))
    lines = []
    for offset, (text, (_, column)) in enumerate(zip(highlighted, windows, strict=True)):
        lineno = first + start + offset
        current = lineno == frame.lineno
        gutter = Content.styled(
            f"{'›' if current else ' '} {lineno:>{width}} │ ",
            "bold $text-error" if current else "$text-muted",
        )
        if current and column is not None and frame.colno:
            # Mark the failing column: on a minified line it is the only pointer there is.
            text = text.stylize("reverse", column, column + 1)
        row = gutter + text
        lines.append(row.stylize_before("on $error 15%") if current and full else row)
    return lines


def _slice_context(frame: Frame, start: int, stop: int | None) -> list[str]:
    """`(*pre_context, context_line, *post_context)[start:stop]` without copying all of it."""
    pre, post = frame.pre_context, frame.post_context
    total = len(pre) + 1 + len(post)
    begin, end, _ = slice(start, stop).indices(total)
    own = len(pre)
    texts = list(pre[begin : min(end, own)])
    if begin <= own < end and frame.context_line is not None:
        texts.append(frame.context_line)
    texts += post[max(0, begin - own - 1) : max(0, end - own - 1)]
    return texts


@lru_cache(maxsize=64)
def _lexer(language: str) -> Lexer:
    try:
        return get_lexer_by_name(language, stripnl=False, ensurenl=True, tabsize=8)
    except ClassNotFound:
        return get_lexer_by_name("text", stripnl=False, ensurenl=True, tabsize=8)


def highlight_code(code: str, language: str) -> Content:
    """`textual.highlight.highlight` with the lexer looked up once per language, not per call."""
    spans: list[Span] = []
    position = 0
    styles = HighlightTheme.STYLES
    for token_type, token in _lexer(language).get_tokens(code):
        end = position + len(token)
        kind: _TokenType | None = token_type
        while kind is not None:
            if style := styles.get(kind):
                spans.append(Span(position, end, style))
                break
            kind = kind.parent
        position = end
    return Content(code, spans=spans).stylize_before("$text")


def split_lines(content: Content) -> list[Content]:
    """One Content per line, blank lines kept.

    Slices by offsets: `Content.split` drops blank lines, which would shift line numbers.
    """
    lines, start = [], 0
    for line in content.plain.split("\n"):
        lines.append(content[start : start + len(line)])
        start += len(line) + 1
    return lines


def variable_line_count(variables: dict[str, Any]) -> int:
    return max(1, len(variables))


def variable_lines(
    variables: dict[str, Any], start: int = 0, stop: int | None = None
) -> list[Content]:
    """Frame locals `start:stop` as `name = value`, values as the SDK serialised them."""
    if not variables:
        return [plain("no local variables recorded", "$text-muted italic")][start:stop]
    width = _name_width(variables)
    return [
        Content.assemble(
            plain(f"{sanitize(name):<{width}}", "$text-secondary"),
            (" = ", "$text-muted"),
            plain(_value_text(value)),
        )
        for name, value in islice(variables.items(), start, stop)
    ]


def _name_width(variables: dict[str, Any], cap: int = 24) -> int:
    width = 0
    for name in variables:
        width = max(width, len(sanitize(name)))
        if width >= cap:
            return cap  # no need to read the other 20,000 names
    return width


def _value_text(value: object, limit: int = 300) -> str:
    try:
        text = value if isinstance(value, str) else repr(value)
    except RecursionError:
        return "… nested too deep to show …"
    return text if len(text) <= limit else text[: limit - 1] + "…"
