"""The trace as the SDK's own language would print it: a Python traceback, a JavaScript
`Error.stack`, a Java `printStackTrace`, a native crash log. Plain sanitised text, for `R` on
the issue screen and `issues show --raw`.
"""

from __future__ import annotations

from collections.abc import Callable

from tui.model import Event, ExceptionValue, Frame, Stacktrace
from tui.render.text import sanitize
from tui.render.trace import link_label
from tui.render.trace_native import (
    JVM_PLATFORMS,
    image_name,
    is_addressed,
    offset,
    padded_address,
    with_thread_trace,
)

NATIVE_PLATFORMS = frozenset({"native", "c", "cocoa", "objc", "swift"})
PYTHON_LINKS = {
    "caused by": "The above exception was the direct cause of the following exception:",
    "during handling of": "During handling of the above exception, another exception occurred:",
}
BUILTIN_MODULES = frozenset({"", "builtins", "__builtin__", "exceptions"})


def raw_trace(event: Event) -> str:
    """The whole trace of `event`, in the form its platform prints."""
    event = with_thread_trace(event)
    if not event.exceptions:
        return sanitize(event.message or event.title or "this event has no exception") + "\n"
    platform = event.platform
    if platform == "python":
        return _python(event.exceptions)
    if platform in JVM_PLATFORMS:
        return _jvm(event.exceptions)
    if platform in NATIVE_PLATFORMS or any(
        exc.stacktrace and is_addressed(exc.stacktrace) for exc in event.exceptions
    ):
        return _native(event)
    return _javascript(event.exceptions)


def _omitted(stacktrace: Stacktrace, index: int) -> int:
    """Frames the SDK dropped just before frame `index` (oldest first), else 0."""
    if stacktrace.frames_omitted is None:
        return 0
    start, end = stacktrace.frames_omitted
    return end - start if index == start - 1 else 0


def _frames(
    stacktrace: Stacktrace | None, line: Callable[[Frame], str], *, newest_first: bool
) -> list[str]:
    if stacktrace is None:
        return []
    lines = []
    for index, frame in enumerate(stacktrace.frames):
        if dropped := _omitted(stacktrace, index):
            lines.append(f"    ... {dropped} frames omitted by the SDK ...")
        lines.append(line(frame))
    return lines[::-1] if newest_first else lines


# -- Python -------------------------------------------------------------------------------


def _python(exceptions: tuple[ExceptionValue, ...]) -> str:
    """Root cause first, the raised exception last, as the interpreter prints a chain."""
    parts: list[str] = []
    for position in range(len(exceptions) - 1, -1, -1):
        exc = exceptions[position]
        if exc.stacktrace and exc.stacktrace.frames:
            parts.append("Traceback (most recent call last):")
            parts += _frames(exc.stacktrace, _python_frame, newest_first=False)
        parts.append(_python_title(exc))
        if position:
            link = link_label(exc)
            parts += ["", PYTHON_LINKS.get(link, f"({link})"), ""]
    return "\n".join(parts) + "\n"


def _python_frame(frame: Frame) -> str:
    path = sanitize(frame.abs_path or frame.filename or "<unknown>")
    line = f'  File "{path}", line {frame.lineno if frame.lineno is not None else "?"}'
    line += f", in {sanitize(frame.function or '<module>')}"
    if frame.context_line is not None and frame.context_line.strip():
        line += f"\n    {sanitize(frame.context_line.strip())}"
    return line


def _python_title(exc: ExceptionValue) -> str:
    name = exc.type if exc.module in BUILTIN_MODULES else f"{exc.module}.{exc.type}"
    return sanitize(f"{name}: {exc.value}" if exc.value else name, multiline=True)


# -- JavaScript ---------------------------------------------------------------------------


def _javascript(exceptions: tuple[ExceptionValue, ...]) -> str:
    """`Error.stack` of the raised error, then each cause as Node prints `[cause]`."""
    parts: list[str] = []
    for position, exc in enumerate(exceptions):
        title = _title(exc)
        parts.append(title if position == 0 else f"[cause]: {title}")
        parts += _frames(exc.stacktrace, _javascript_frame, newest_first=True)
    return "\n".join(parts) + "\n"


def _javascript_frame(frame: Frame) -> str:
    where = sanitize(frame.abs_path or frame.filename or "<anonymous>")
    if frame.lineno is not None:
        where += f":{frame.lineno}" + (f":{frame.colno}" if frame.colno is not None else "")
    if frame.function:
        return f"    at {sanitize(frame.function)} ({where})"
    return f"    at {where}"


def _title(exc: ExceptionValue) -> str:
    return sanitize(f"{exc.type}: {exc.value}" if exc.value else exc.type, multiline=True)


# -- JVM ----------------------------------------------------------------------------------


def _jvm(exceptions: tuple[ExceptionValue, ...]) -> str:
    """`printStackTrace`: the raised exception, then `Caused by:` each cause, frames shared
    with the enclosing trace folded into `... N more` as Java does."""
    parts: list[str] = []
    enclosing: tuple[Frame, ...] = ()
    for position, exc in enumerate(exceptions):
        name = f"{exc.module}.{exc.type}" if exc.module else exc.type
        title = sanitize(f"{name}: {exc.value}" if exc.value else name, multiline=True)
        parts.append(title if position == 0 else f"Caused by: {title}")
        frames = exc.stacktrace.frames if exc.stacktrace else ()
        shared = _shared_oldest(frames, enclosing) if position else 0
        own = Stacktrace(frames=frames[shared:]) if exc.stacktrace else None
        parts += _frames(own, _jvm_frame, newest_first=True)
        if shared:
            parts.append(f"\t... {shared} more")
        enclosing = frames
    return "\n".join(parts) + "\n"


def _shared_oldest(frames: tuple[Frame, ...], enclosing: tuple[Frame, ...]) -> int:
    """How many of the oldest frames two traces have in common (both oldest first)."""
    shared = 0
    for mine, theirs in zip(frames, enclosing, strict=False):
        if (mine.module, mine.function, mine.lineno) != (
            theirs.module,
            theirs.function,
            theirs.lineno,
        ):
            break
        shared += 1
    return shared


def _jvm_frame(frame: Frame) -> str:
    method = ".".join(part for part in (frame.module, frame.function) if part) or "?"
    if frame.filename and frame.lineno is not None and frame.lineno >= 0:
        where = f"{frame.filename}:{frame.lineno}"
    elif frame.filename:
        where = frame.filename
    else:
        where = "Unknown Source"
    # A tab, as Java prints it: `sanitize` would expand it.
    return f"\tat {sanitize(method)}({sanitize(where)})"


# -- native -------------------------------------------------------------------------------


def _native(event: Event) -> str:
    """A symbolicated crash log: the signal, then `#N address in symbol+offset (image)` for
    the crashing thread and each other thread, newest frame first as gdb prints them."""
    raised = event.exceptions[0]
    parts = [_title(raised), ""]
    crashed = next((t for t in event.threads if t.crashed), None)
    name = f' "{sanitize(crashed.name)}"' if crashed and crashed.name else ""
    parts.append(f"Thread {sanitize(crashed.id)}{name} crashed:" if crashed else "Crashed:")
    parts += _native_frames(raised.stacktrace)
    for thread in event.threads:
        if thread.crashed or thread.stacktrace is None:
            continue
        name = f' "{sanitize(thread.name)}"' if thread.name else ""
        parts += ["", f"Thread {sanitize(thread.id)}{name}:", *_native_frames(thread.stacktrace)]
    return "\n".join(parts) + "\n"


def _native_frames(stacktrace: Stacktrace | None) -> list[str]:
    lines = _frames(stacktrace, _native_frame, newest_first=True)
    numbered, number = [], 0
    for line in lines:
        if line.startswith("    ..."):
            numbered.append(line)
            continue
        numbered.append(f"#{number:<2} {line}")
        number += 1
    return numbered


def _native_frame(frame: Frame) -> str:
    address = padded_address(frame.instruction_addr, 16) if frame.instruction_addr else "0x?"
    symbol = sanitize(frame.function or frame.symbol or frame.raw_function or "??")
    line = f"{address} in {symbol}{offset(frame)}"
    if frame.package:
        line += f" ({image_name(frame)})"
    if frame.filename or frame.abs_path:
        where = sanitize(frame.filename or frame.abs_path)
        line += f" at {where}" + (f":{frame.lineno}" if frame.lineno is not None else "")
    return line
