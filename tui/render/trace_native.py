"""What identifies a frame without source: address, image, symbol and offset, in columns shared
by the frames of one trace; plus registers, thread headings and JVM class names.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from textual.content import Content

from tui.model import Event, Frame, Stacktrace, Thread
from tui.render.text import plain, sanitize

MAX_IMAGE = 24
MAX_SYMBOL = 48
EXACT_TRUST = frozenset({"", "context", "cfi", "prewalked"})
"""Unwinds that found the frame for certain; the others (`fp`, `scan`, `cfi-scan`) are noted."""
JVM_PLATFORMS = frozenset({"java", "kotlin", "scala", "groovy", "clojure", "android"})
REGISTER_GAP = "  "


@dataclass(frozen=True)
class NativeColumns:
    """Column widths for the addressed frames of one stack trace."""

    digits: int
    """Hex digits of an address: 8 for a 32-bit trace, 16 for a 64-bit one."""
    image: int
    symbol: int


def is_addressed(stacktrace: Stacktrace) -> bool:
    return any(frame.instruction_addr for frame in stacktrace.frames)


def native_columns(frames: tuple[Frame, ...]) -> NativeColumns:
    """One pass over the frames: the widths every title of the trace pads to."""
    digits, image, symbol = 8, 0, 0
    for frame in frames:
        digits = max(digits, len(frame.instruction_addr) - 2)
        image = max(image, len(image_name(frame)))
        symbol = max(symbol, len(symbol_text(frame)))
    return NativeColumns(
        16 if digits > 8 else 8, min(image, MAX_IMAGE), min(max(symbol, 1), MAX_SYMBOL)
    )


def image_name(frame: Frame) -> str:
    """The image's file name: `package` is a path (`/usr/lib/libc.so.6`, `C:\\app\\x.dll`)."""
    return sanitize(frame.package.replace("\\", "/").rsplit("/", 1)[-1])


def address_value(address: str) -> int | None:
    """The number of a model address; None for "" or text that is not hex (a model built
    from somewhere other than the parsers, such as a tampered offline store)."""
    try:
        return int(address, 16) if address else None
    except ValueError:
        return None


def offset(frame: Frame) -> str:
    """`+0x1a` from the symbol's start to the instruction, "" when either is unknown."""
    instruction, symbol = address_value(frame.instruction_addr), address_value(frame.symbol_addr)
    if instruction is None or symbol is None or instruction < symbol:
        return ""
    return f"+{instruction - symbol:#x}"


def symbol_text(frame: Frame) -> str:
    name = frame.function or frame.symbol or frame.raw_function or "??"
    return sanitize(name) + offset(frame)


def padded_address(address: str, digits: int) -> str:
    return f"0x{sanitize(address[2:]):0>{digits}}" if address else " " * (digits + 2)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def native_title(frame: Frame, columns: NativeColumns, base: str) -> list[Content]:
    """Address, image, symbol+offset, then file:line when known."""
    symbol = _cut(symbol_text(frame), columns.symbol)
    parts = [
        Content.styled(padded_address(frame.instruction_addr, columns.digits), "$text-muted"),
        Content("  "),
        Content.styled(
            f"{_cut(image_name(frame), columns.image):<{columns.image}}", "$text-secondary"
        ),
        Content("  "),
        Content.styled(f"{symbol:<{columns.symbol}}", f"$text-accent {base}"),
    ]
    if frame.filename or frame.abs_path:
        line = f":{frame.lineno}" if frame.lineno is not None else ""
        parts += [
            Content("  "),
            plain(frame.filename or frame.abs_path, base),
            Content.styled(line, "$text-warning"),
        ]
    return parts


def frame_notes(frame: Frame, platform: str) -> list[Content]:
    """Dim remarks: an unreliable unwind, relative addresses, another platform, a raw name."""
    notes = []
    if frame.trust not in EXACT_TRUST:
        notes.append(f"found by {frame.trust}")
    if frame.addr_mode and frame.addr_mode != "abs":
        notes.append(frame.addr_mode)
    if frame.platform and frame.platform != platform:
        notes.append(frame.platform)
    if frame.raw_function and frame.raw_function != frame.function:
        notes.append(f"raw {frame.raw_function}")
    return [plain(f"  [{note}]", "$text-muted") for note in notes]


def jvm_function(frame: Frame, platform: str) -> str:
    """`package.Class.method` on the JVM, where the class is the frame's `module`."""
    jvm = (frame.platform or platform) in JVM_PLATFORMS
    if jvm and frame.module and frame.function:
        return f"{frame.module}.{frame.function}"
    return frame.function


def register_lines(registers: dict[str, str], width: int) -> Content:
    """`rax 0x…  rbx 0x…` as many to a row as fit in `width` (at least one): every cell is
    one width (names aligned, values zero-padded alike), so the columns line up and no value
    is ever split across rows."""
    names = [sanitize(name) for name in registers]
    name_width = max(len(name) for name in names)
    digits = 16 if any(len(value) > 10 for value in registers.values()) else 8
    cells = [
        f"{name:>{name_width}} {padded_address(value, digits)}"
        for name, value in zip(names, registers.values(), strict=True)
    ]
    cell = len(cells[0]) + len(REGISTER_GAP)
    per_row = max(1, (width + len(REGISTER_GAP)) // cell)
    rows = [REGISTER_GAP.join(cells[at : at + per_row]) for at in range(0, len(cells), per_row)]
    return Content.styled("\n".join(rows), "$text-muted")


def thread_title(thread: Thread) -> Content:
    """`thread 12 "ledger-flusher" · TIMED_WAITING · crashed`, then its locks."""
    parts: list[Content] = [
        Content.styled("thread ", "$text-muted"),
        plain(thread.id, "bold"),
    ]
    if thread.name:
        parts += [Content(" "), plain(f'"{thread.name}"', "bold $text-accent")]
    marks = [thread.state, "crashed" if thread.crashed else "", "current" if thread.current else ""]
    for mark in filter(None, marks):
        style = "bold $text-error" if mark == "crashed" else "$text-muted"
        parts += [Content.styled(" · ", "$text-muted"), plain(mark, style)]
    for lock in thread.held_locks:
        parts += [Content("\n  "), lock_line(lock.kind, lock.name, lock.address, lock.thread_id)]
    return Content.assemble(*parts)


def lock_line(kind: str, name: str, address: str, owner: str) -> Content:
    verb = {"locked": "holds", "blocked": "blocked on", "waiting": "waits on"}.get(kind, kind)
    text = f"{verb} {name or 'lock'} <{address}>"
    if kind != "locked" and owner:
        text += f" held by thread {owner}"
    return plain(text, "$text-warning" if kind == "blocked" else "$text-muted")


def crashed_thread(event: Event) -> Thread | None:
    """The thread that crashed, else the one that reported, if it has a stack."""
    for wanted in ("crashed", "current"):
        for thread in event.threads:
            if getattr(thread, wanted) and thread.stacktrace and thread.stacktrace.frames:
                return thread
    return None


def with_thread_trace(event: Event) -> Event:
    """The event with the crashed thread's stack as its raised exception's, when the exception
    came without one (sentry-native and sentry-java put the stack on the thread then)."""
    if not event.exceptions or (event.exceptions[0].stacktrace or Stacktrace()).frames:
        return event
    thread = crashed_thread(event)
    if thread is None:
        return event
    raised = replace(event.exceptions[0], stacktrace=thread.stacktrace)
    return replace(event, exceptions=(raised, *event.exceptions[1:]))
