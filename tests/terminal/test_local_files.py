"""A frame's local file: code-mapping precedence, symbol roots, as is; local context lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import CodeMapping, Profile, SymbolSettings
from tui.model import Frame
from tui.terminal.local_files import find_local_file, sorted_mappings, with_local_context


def profile(*mappings: tuple[str, Path], symbols: tuple[Path, ...] = ()) -> Profile:
    return Profile(
        name="p",
        backend="sentry",
        url="https://sentry.io",
        code_mappings=tuple(CodeMapping(stack, source) for stack, source in mappings),
        symbols=SymbolSettings(paths=symbols),
    )


def touch(path: Path, text: str = "x = 1\n") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def test_the_longest_matching_stack_root_wins(tmp_path: Path) -> None:
    short = touch(tmp_path / "short/app/billing/views.py")
    long = touch(tmp_path / "long/views.py")
    frame = Frame(abs_path="/srv/app/billing/views.py", filename="billing/views.py")
    config = profile(("/srv/", tmp_path / "short"), ("/srv/app/billing/", tmp_path / "long"))
    found = find_local_file(frame, config, cwd=tmp_path)
    assert (found.path, found.via, found.tried) == (long, "mapping", (str(long),))
    long.unlink()
    found = find_local_file(frame, config, cwd=tmp_path)
    assert found.path == short and found.tried == (str(long), str(short))


def test_absolute_stack_roots_go_before_longer_relative_ones() -> None:
    mappings = [
        CodeMapping("billing/handlers/", Path("/a")),
        CodeMapping("/srv/", Path("/b")),
        CodeMapping("", Path("/c")),
        CodeMapping("/srv/app/", Path("/d")),
        CodeMapping("billing/", Path("/e")),
    ]
    order = [m.source_root for m in sorted_mappings(mappings)]
    assert order == [Path(p) for p in ("/d", "/b", "/a", "/e", "/c")]


def test_stack_root_with_or_without_slashes_joins_cleanly(tmp_path: Path) -> None:
    target = touch(tmp_path / "src/app/x.js")
    frame = Frame(filename="app:///dist/x.js")
    for stack_root in ("app:///dist/", "app:///dist"):
        found = find_local_file(frame, profile((stack_root, tmp_path / "src/app")), tmp_path)
        assert found.path == target


def test_symbolicated_path_under_the_symbol_root_or_its_parent(tmp_path: Path) -> None:
    dist = tmp_path / "shop/dist"
    dist.mkdir(parents=True)
    source = touch(tmp_path / "shop/src/cart.ts")
    frame = Frame(filename="src/cart.ts", abs_path="webpack:///src/cart.ts")
    found = find_local_file(frame, profile(symbols=(dist,)), cwd=tmp_path / "elsewhere")
    assert (found.path, found.via) == (source, "symbols")
    assert found.tried == (str(dist / "src/cart.ts"), str(source))


def test_mappings_go_before_symbol_roots_and_cwd(tmp_path: Path) -> None:
    mapped = touch(tmp_path / "mapped/cart.ts")
    touch(tmp_path / "src/cart.ts")
    frame = Frame(filename="src/cart.ts")
    found = find_local_file(frame, profile(("src/", tmp_path / "mapped")), cwd=tmp_path)
    assert (found.path, found.via) == (mapped, "mapping")


def test_the_path_as_is_comes_last(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    own = touch(tmp_path / "srv/app.py")
    found = find_local_file(Frame(abs_path=str(own)), profile(), cwd=tmp_path / "none")
    assert (found.path, found.via, found.root) == (own, "as-is", None)


@pytest.mark.parametrize("path", ["/proc/self/environ", "~/.ssh/id_rsa", "/etc/hostname"])
def test_a_server_named_path_outside_home_or_in_a_dot_folder_is_not_opened(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, path: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    target = Path(path.replace("~", str(tmp_path)))
    if path.startswith("~"):
        touch(target)
    assert target.is_file()
    found = find_local_file(Frame(abs_path=str(target)), profile(), cwd=tmp_path / "none")
    assert found.path is None and str(target) not in found.tried


def test_nothing_found_lists_every_path_tried(tmp_path: Path) -> None:
    frame = Frame(abs_path="/srv/app/a.py", filename="a.py")
    found = find_local_file(frame, profile(("/srv/app/", tmp_path / "src")), cwd=tmp_path)
    assert found.path is None
    assert found.message == (f"no local file: tried {tmp_path / 'src/a.py'}, {tmp_path / 'a.py'}")


def test_a_path_climbing_out_of_its_root_is_not_a_candidate(tmp_path: Path) -> None:
    touch(tmp_path / "secret.txt")
    frame = Frame(abs_path="/srv/app/../../secret.txt")
    found = find_local_file(frame, profile(("/srv/app/", tmp_path / "src")), cwd=tmp_path)
    assert found.path is None and str(tmp_path / "secret.txt") not in found.message


SOURCE = "".join(f"line {n}\n" for n in range(1, 21))


def test_local_lines_fill_a_frame_without_context(tmp_path: Path) -> None:
    touch(tmp_path / "src/a.py", SOURCE)
    frame = Frame(abs_path="/srv/a.py", lineno=3)
    found = find_local_file(frame, profile(("/srv/", tmp_path / "src")), tmp_path)
    local = with_local_context(frame, found)
    assert local.context_source == "local"
    assert [c.line for c in local.context] == [f"line {n}" for n in range(1, 9)]
    assert local.context_line == "line 3" and local.context[0].lineno == 1


def test_local_lines_are_capped_in_count_and_width(tmp_path: Path) -> None:
    touch(tmp_path / "src/a.py", SOURCE.replace("line 10\n", "y" * 1000 + "\n"))
    frame = Frame(abs_path="/srv/a.py", lineno=10, colno=500)
    local = with_local_context(frame, find_local_file(frame, profile(("/srv/", tmp_path / "src"))))
    assert len(local.context) == 11
    assert local.context_line is not None and len(local.context_line) < 160
    assert "{snip}" in local.context_line


@pytest.mark.parametrize(
    "case", ["has context", "as-is", "dot file", "past the end", "binary", "no line"]
)
def test_local_lines_are_not_read_when_they_should_not_be(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    name = ".env" if case == "dot file" else "a.py"
    touch(tmp_path / "src" / name, "\0\n" * 20 if case == "binary" else SOURCE)
    frame = Frame(abs_path=f"/srv/{name}", lineno=None if case == "no line" else 4)
    if case == "has context":
        frame = Frame(abs_path="/srv/a.py", lineno=4, context_line="server line")
    if case == "past the end":
        frame = Frame(abs_path="/srv/a.py", lineno=99)
    config = profile(("/srv/", tmp_path / "src"))
    if case == "as-is":
        frame = Frame(abs_path=str(tmp_path / "src/a.py"), lineno=4)
        config = profile()
    found = find_local_file(frame, config, tmp_path / "none")
    assert found.path is not None
    assert with_local_context(frame, found) == frame


@pytest.mark.parametrize(
    "path",
    ["/srv/a\0b.py", "/srv/" + "a" * 300 + "/b.py", "/srv/" + "ab/" * 1360, "/" + "a" * 5000],
)
def test_hostile_paths_are_not_found_without_raising(tmp_path: Path, path: str) -> None:
    frame = Frame(abs_path=path, filename=path, lineno=1)
    found = find_local_file(frame, profile(("/srv/", tmp_path / "src")), cwd=tmp_path)
    assert found.path is None and with_local_context(frame, found) == frame
