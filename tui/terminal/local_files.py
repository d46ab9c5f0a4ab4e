"""A frame's file on this machine: Sentry-style code mappings, then the symbol roots, then as is.

Also reads the lines around a frame from that file when the event carried none.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from tui.config import CodeMapping, Profile
from tui.model import Frame
from tui.symbols.resolve import CONTEXT_LINES, with_source_lines

MAX_PATH = 4096
"""Longer frame paths are not looked up (PATH_MAX on Linux; the OS would refuse them)."""
MAX_LOCAL_FILE = 16 * 1024 * 1024
"""A bigger file is not source to show beside a frame (a bundle, a log, a database)."""
TRUSTED = ("mapping", "symbols")
"""Ways of finding a file under a root the user named: only such files are read on their own.
The frame's path is server data; read as is, `~/.ssh/id_rsa` at line 1 would be shown."""


@dataclass(frozen=True)
class LocalFile:
    path: Path | None
    """The local file, or None when none of the candidates exists."""
    tried: tuple[str, ...]
    """Every candidate, in the order tried (the found one last)."""
    via: str = ""
    """How it was found: `mapping`, `symbols` (a symbol path or its parent), `cwd` or `as-is`."""
    root: Path | None = None
    """The folder it was found under (None for `as-is`)."""

    @property
    def message(self) -> str:
        if self.path is not None:
            return f"{self.path} (found via {self.via})"
        return f"no local file: tried {', '.join(self.tried) or 'nothing (no path in the frame)'}"


def find_local_file(frame: Frame, profile: Profile, cwd: Path | None = None) -> LocalFile:
    """The first existing candidate, code mappings first in Sentry's precedence."""
    tried: list[str] = []
    for via, root, candidate in _candidates(frame, profile, cwd or Path.cwd()):
        shown = str(candidate)
        if shown in tried:
            continue
        tried.append(shown)
        if _is_file(candidate):
            return LocalFile(candidate, tuple(tried), via, root)
    return LocalFile(None, tuple(tried))


def sorted_mappings(mappings: Sequence[CodeMapping]) -> list[CodeMapping]:
    """Sentry's order (`get_sorted_code_mapping_configs`): absolute stack roots before relative
    ones, then the longest (most specific) first; ties keep the config's order."""
    return sorted(mappings, key=lambda m: (not _is_absolute(m.stack_root), -len(m.stack_root)))


Candidate = tuple[str, Path | None, Path]
"""How, under which root, which path."""


def _candidates(frame: Frame, profile: Profile, cwd: Path) -> Iterator[Candidate]:
    # A NUL byte or an overlong name makes the OS calls raise, not answer "no such file".
    given = (frame.filename, frame.abs_path)
    paths = [p for p in dict.fromkeys(given) if p and "\0" not in p and len(p) <= MAX_PATH]
    for mapping in sorted_mappings(profile.code_mappings):
        for path in paths:
            if path.startswith(mapping.stack_root):
                rest = path[len(mapping.stack_root) :].lstrip("/")
                yield from _inside("mapping", mapping.source_root, rest)
    relative = [p for p in paths if _is_relative_file(p)]
    for root in profile.symbols.paths:
        for base in (root, root.parent):
            for path in relative:
                yield from _inside("symbols", base, path)
    for path in relative:
        yield from _inside("cwd", cwd, path)
    for path in paths:
        if _is_absolute(path) and _may_open_as_is(Path(path), cwd):
            yield "as-is", None, Path(path)


def _may_open_as_is(path: Path, cwd: Path) -> bool:
    """A path the server named outright is opened only where source lives: under the current
    folder or the home folder, through no dot folder or file (never `/proc/self/environ`,
    `~/.ssh/id_rsa` or `~/.config/...`)."""
    real = Path(os.path.realpath(path))
    roots = (Path(os.path.realpath(cwd)), Path(os.path.realpath(Path.home())))
    for root in roots:
        if real.is_relative_to(root):
            return not any(part.startswith(".") for part in real.relative_to(root).parts)
    return False


def _inside(via: str, root: Path, rest: str) -> Iterator[Candidate]:
    """`root/rest`, unless `..` or a link leads it out of `root`."""
    candidate = root / rest
    real_root = os.path.realpath(root)
    if Path(os.path.realpath(candidate)).is_relative_to(real_root):
        yield via, root, candidate


def _is_file(path: Path) -> bool:
    try:
        return path.is_file()
    except OSError:  # a name too long for the OS once joined to its root
        return False


def _is_absolute(path: str) -> bool:
    return path.startswith("/") or (len(path) > 2 and path[1:3] in (":\\", ":/"))


def _is_relative_file(path: str) -> bool:
    return not (_is_absolute(path) or "://" in path or path.startswith(("<", "~")))


def with_local_context(frame: Frame, found: LocalFile, lines: int = CONTEXT_LINES) -> Frame:
    """`frame` with up to `lines` lines either side of its own, read from `found`, marked
    `context_source="local"`; unchanged when the event had context lines, the file was not
    found under a root the user named, or it cannot be read as text."""
    path, root = found.path, found.root
    if frame.context_line is not None or not frame.lineno or path is None or root is None:
        return frame
    inner = path.relative_to(root).parts
    if found.via not in TRUSTED or any(part.startswith(".") for part in inner):
        return frame  # a dot file under the source tree is more often a secret than code
    try:
        if path.stat().st_size > MAX_LOCAL_FILE:
            return frame
        text = _read_lines(path, max(frame.lineno - 1 - lines, 0), frame.lineno + lines)
    except (OSError, UnicodeError):
        return frame
    own = frame.lineno - 1 - max(frame.lineno - 1 - lines, 0)
    if own >= len(text) or any("\0" in line for line in text):
        return frame  # the file is shorter than the event says, or not text
    column = max((frame.colno or 1) - 1, 0)
    return with_source_lines(frame, text, own, column, source="local")


def _read_lines(path: Path, start: int, stop: int) -> list[str]:
    with path.open(encoding="utf-8", errors="replace", newline=None) as handle:
        return [line.rstrip("\n") for line in itertools.islice(handle, start, stop)]
