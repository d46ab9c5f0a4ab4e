"""Editor command lines: each family's line and column syntax, $VISUAL before $EDITOR."""

from __future__ import annotations

import pytest

from tui.terminal.editor import editor_command

FILE = "/src/app/billing.py"


def nothing_installed(name: str, path: str | None = None) -> str | None:
    return None


@pytest.mark.parametrize(
    ("editor", "with_column", "line_only"),
    [
        ("vim", ("vim", "+call cursor(12,5)", FILE), ("vim", "+12", FILE)),
        ("nvim", ("nvim", "+call cursor(12,5)", FILE), ("nvim", "+12", FILE)),
        ("/usr/bin/vi", ("/usr/bin/vi", "+call cursor(12,5)", FILE), ("/usr/bin/vi", "+12", FILE)),
        ("emacs", ("emacs", "+12:5", FILE), ("emacs", "+12", FILE)),
        (
            "emacsclient -t",
            ("emacsclient", "-t", "+12:5", FILE),
            ("emacsclient", "-t", "+12", FILE),
        ),
        ("nano", ("nano", "+12,5", FILE), ("nano", "+12", FILE)),
        ("hx", ("hx", f"{FILE}:12:5"), ("hx", f"{FILE}:12")),
        ("helix", ("helix", f"{FILE}:12:5"), ("helix", f"{FILE}:12")),
        (
            "code -w",
            ("code", "-w", "--goto", f"{FILE}:12:5"),
            ("code", "-w", "--goto", f"{FILE}:12"),
        ),
        ("codium", ("codium", "--goto", f"{FILE}:12:5"), ("codium", "--goto", f"{FILE}:12")),
        (
            "code-insiders --wait",
            ("code-insiders", "--wait", "--goto", f"{FILE}:12:5"),
            ("code-insiders", "--wait", "--goto", f"{FILE}:12"),
        ),
        ("subl -w", ("subl", "-w", f"{FILE}:12:5"), ("subl", "-w", f"{FILE}:12")),
        ("micro", ("micro", "+12:5", FILE), ("micro", "+12", FILE)),
        ("kak", ("kak", "+12:5", FILE), ("kak", "+12", FILE)),
        (
            "'/opt/My Editor/vim' -u NONE",
            ("/opt/My Editor/vim", "-u", "NONE", "+call cursor(12,5)", FILE),
            ("/opt/My Editor/vim", "-u", "NONE", "+12", FILE),
        ),
    ],
)
def test_each_editor_gets_its_own_line_syntax(
    editor: str, with_column: tuple[str, ...], line_only: tuple[str, ...]
) -> None:
    env = {"EDITOR": editor}
    command = editor_command(FILE, 12, 5, env, which=nothing_installed)
    assert command.argv == with_column and command.positioned
    assert editor_command(FILE, 12, None, env, which=nothing_installed).argv == line_only
    assert editor_command(FILE, 12, 0, env, which=nothing_installed).argv == line_only


def test_visual_wins_over_editor() -> None:
    env = {"VISUAL": "nano", "EDITOR": "vim"}
    assert editor_command(FILE, 3, None, env).argv == ("nano", "+3", FILE)
    assert editor_command(FILE, 3, None, {"VISUAL": " ", "EDITOR": "vim"}).argv[0] == "vim"


def test_default_is_the_first_installed_of_nvim_vim_vi_nano() -> None:
    def only(*installed: str):
        def which(name: str, path: str | None = None) -> str | None:
            assert path == "/usr/bin"
            return f"/usr/bin/{name}" if name in installed else None

        return which

    env = {"PATH": "/usr/bin"}
    assert editor_command(FILE, 1, None, env, which=only("vim", "nano")).argv == ("vim", "+1", FILE)
    assert editor_command(FILE, 1, None, env, which=only("nano")).argv == ("nano", "+1", FILE)
    assert editor_command(FILE, 1, None, env, which=only()).argv == ("vi", "+1", FILE)


def test_an_unknown_editor_opens_the_file_unpositioned() -> None:
    command = editor_command(FILE, 12, 5, {"EDITOR": "ed -p '*'"})
    assert command.argv == ("ed", "-p", "*", FILE)
    assert (command.family, command.positioned) == ("", False)


def test_no_line_opens_the_file_unpositioned() -> None:
    command = editor_command(FILE, None, 5, {"EDITOR": "vim"})
    assert command.argv == ("vim", FILE) and not command.positioned


def test_a_relative_path_that_looks_like_an_option_is_made_absolute(
    tmp_path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    command = editor_command("-rf", 2, None, {"EDITOR": "vim"})
    assert command.argv == ("vim", "+2", str(tmp_path / "-rf"))


def test_an_unsplittable_editor_variable_is_named() -> None:
    with pytest.raises(ValueError, match=r"\$EDITOR is not a command line"):
        editor_command(FILE, 1, None, {"EDITOR": "vim 'oops"})
