"""Leaving the terminal through Pilot: y/Y/o/T on the list and the issue, `e` into an editor,
local source lines for frames that came without, and sideways scrolling of long lines."""

from __future__ import annotations

import base64
import contextlib
import dataclasses
import functools
import re
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from tests.terminal.fakes import FakeRunner
from tests.ui.driver import SIZE, make_app, open_first_issue, settle
from tests.ui.fakes import FakeBackend, fixed_clock, make_issues, python_event
from tests.ui.trace_view import trace_view, visible_text
from tui.app import StackdeckApp
from tui.config import CodeMapping, Profile
from tui.model import Event, Frame, Stacktrace
from tui.screens import local_source, outside
from tui.terminal.opener import open_url

URL = "https://sentry.example.com/issues/4829301773/"


@pytest.fixture
def written(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """What the app writes to the terminal past its compositor (the OSC 52 sequences); no
    display, so no native clipboard tool or browser runs."""
    for name in ("DISPLAY", "WAYLAND_DISPLAY", "TMUX", "STY", "BROWSER", "VISUAL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    out: list[str] = []
    monkeypatch.setattr(outside, "driver_writer", lambda app: out.append)
    return out


def copied(written: list[str]) -> list[str]:
    """The texts put on the clipboard, decoded from each bare OSC 52 sequence."""
    found = re.findall(r"\x1b\]52;c;([A-Za-z0-9+/=]*)\x07", "".join(written))
    return [base64.b64decode(data).decode() for data in found]


def toasts(app: StackdeckApp) -> list[str]:
    return [str(notification.message) for notification in app._notifications]


def app_with(backend: FakeBackend, profile: Profile) -> StackdeckApp:
    return StackdeckApp(backend, profile_name="test", clock=fixed_clock, profile=profile)


async def press(app: StackdeckApp, pilot: Pilot[None], *keys: str) -> None:
    await pilot.press(*keys)
    await settle(app, pilot)


# -- y / Y / T: the clipboard -----------------------------------------------------------------


async def test_y_on_the_list_copies_the_short_id_by_osc52(written: list[str]) -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "y")
        encoded = base64.b64encode(b"BILLING-API-1").decode()
        assert written == [f"\x1b]52;c;{encoded}\x07"]
        assert "Issue id: Copied 13 bytes: sent to the terminal (OSC 52)." in toasts(app)


async def test_Y_inside_tmux_wraps_the_url_for_passthrough(
    written: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TMUX", "/tmp/tmux-1000/default,1,0")
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "Y")
        bare = f"\x1b]52;c;{base64.b64encode(URL.encode()).decode()}\x07"
        inner = bare.replace("\x1b", "\x1b\x1b")
        assert written == [bare + f"\x1bPtmux;{inner}\x1b\\"]
        assert any("through tmux" in toast for toast in toasts(app))


async def test_Y_without_a_web_address_says_why(written: list[str]) -> None:
    issues = [dataclasses.replace(issue, permalink="") for issue in make_issues()]
    app = make_app(FakeBackend(issues))
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "Y")
        assert written == []
        assert "the server gave no web address for this issue" in toasts(app)


async def test_y_on_the_trace_copies_the_frame_and_elsewhere_the_issue_id(
    written: list[str],
) -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        assert app.screen.active_bindings["y"].binding.description == "Copy path:line"
        await press(app, pilot, "y")
        await press(app, pilot, "k", "y")  # the frame above the crashing one
        await press(app, pilot, "b")
        assert app.screen.active_bindings["y"].binding.description == "Copy id"
        await press(app, pilot, "y")
        assert copied(written) == [
            "app/services/billing.py:42",
            "app/api/charges.py:27",
            "BILLING-API-1",
        ]


async def test_T_copies_the_whole_trace_as_plain_text(written: list[str]) -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        await press(app, pilot, "T")
        [text] = copied(written)
        assert "\x1b" not in text
        assert text.startswith("BILLING-API-1  ValueError: card declined: insufficient_funds")
        assert "ValueError: card declined: insufficient_funds" in text
        assert "app/services/billing.py:42 in charge  <- crashed here" in text
        # Library frames too, which the screen hides by default: a ticket wants all of them.
        assert "django/core/handlers/base.py:197 in _get_response" in text
        assert 'raise ValueError(f"card declined: {exc.code}")' in text
        assert any(toast.startswith("Trace: Copied ") for toast in toasts(app))


# -- o: the browser ---------------------------------------------------------------------------


async def test_o_opens_the_issue_in_the_browser(
    written: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    runner = FakeRunner()
    monkeypatch.setattr(outside, "open_url", functools.partial(open_url, runner=runner))
    monkeypatch.setenv("DISPLAY", ":0")
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        await press(app, pilot, "o")
        assert runner.calls == [(("xdg-open", URL), None, False)]
        assert "Opened in the browser (xdg-open)." in toasts(app)
        assert written == []


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_o_without_a_display_shows_a_link_and_copies_it(
    written: list[str], size: tuple[int, int]
) -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=size) as pilot:
        await settle(app, pilot)
        await press(app, pilot, "o")
        assert copied(written) == [URL]
        [toast] = toasts(app)
        assert toast.startswith("No browser can be opened from here (no display). Copied ")
        status = app.screen.query_one("#status-line", Static).visual
        assert URL in str(status)
        links = [getattr(span.style, "link", None) for span in status.spans]  # type: ignore[union-attr]
        assert URL in links  # drawn as an OSC 8 hyperlink


# -- e: the editor ----------------------------------------------------------------------------


@pytest.fixture
def editor(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, ...]]:
    """Editor runs recorded instead of started; the headless app 'suspends' as a no-op."""
    monkeypatch.setenv("EDITOR", "vim")
    monkeypatch.delenv("VISUAL", raising=False)
    runs: list[tuple[str, ...]] = []

    def run(argv: tuple[str, ...]) -> int:
        runs.append(tuple(argv))
        return 0

    monkeypatch.setattr(local_source, "run_editor", run)
    monkeypatch.setattr(StackdeckApp, "suspend", lambda self: contextlib.nullcontext())
    return runs


def mapped_profile(tmp_path: Path, files: dict[str, str]) -> Profile:
    """A profile mapping the events' `/srv/app` to a checkout under `tmp_path`."""
    checkout = tmp_path / "checkout"
    for name, text in files.items():
        (checkout / name).parent.mkdir(parents=True, exist_ok=True)
        (checkout / name).write_text(text)
    mapping = CodeMapping(stack_root="/srv/app", source_root=checkout)
    return Profile(name="test", backend="sentry", url="https://x", code_mappings=(mapping,))


async def test_e_opens_the_mapped_file_at_the_frame_line(
    editor: list[tuple[str, ...]], tmp_path: Path
) -> None:
    profile = mapped_profile(tmp_path, {"services/billing.py": "x = 1\n"})
    app = app_with(FakeBackend(), profile)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        await press(app, pilot, "e")
        path = tmp_path / "checkout" / "services" / "billing.py"
        assert editor == [("vim", "+42", str(path))]
        assert f"Edited {path}:42 with vim" in toasts(app)


async def test_e_without_a_local_file_says_what_it_tried(editor: list[tuple[str, ...]]) -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        await press(app, pilot, "e")
        assert editor == []
        [toast] = toasts(app)
        assert toast.startswith("no local file: tried ")
        assert "/srv/app/services/billing.py" not in toast  # outside home and cwd: never opened
        assert f"{Path.cwd()}/app/services/billing.py" in toast


async def test_e_off_the_trace_tab_explains(editor: list[tuple[str, ...]]) -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        await press(app, pilot, "b", "e")
        assert editor == []
        assert "it opens the frame under the cursor: go to the stack trace (t)" in toasts(app)


# -- local source lines -----------------------------------------------------------------------


def without_context(event: Event) -> Event:
    def bare(frame: Frame) -> Frame:
        return dataclasses.replace(frame, pre_context=(), context_line=None, post_context=())

    exceptions = tuple(
        dataclasses.replace(exc, stacktrace=Stacktrace(tuple(map(bare, exc.stacktrace.frames))))
        for exc in event.exceptions
        if exc.stacktrace is not None
    )
    return dataclasses.replace(event, exceptions=exceptions)


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_frames_without_lines_show_the_local_file_marked(
    tmp_path: Path, size: tuple[int, int]
) -> None:
    source = "".join(f"line_{n} = {n}\n" for n in range(1, 60))
    profile = mapped_profile(tmp_path, {"services/billing.py": source})
    backend = FakeBackend()
    backend.events["latest"] = without_context(python_event("4829301773"))
    app = app_with(backend, profile)
    async with app.run_test(size=size) as pilot:
        await open_first_issue(app, pilot)
        text = visible_text(trace_view(app))
        assert "billing.py:42 in charge" in text and "local file" in text
        assert "› 42 │ line_42 = 42" in text
        assert "  41 │ line_41 = 41" in text  # the crashing frame opens with its lines around
        frame = trace_view(app).cursor_frame
        assert frame is not None and frame.context_source == "local"
        # The frame under /srv/app/api/ has no file in the checkout: it stays without lines.
        charges = [f for f in trace_view(app).frames if f.function == "create_charge"]
        assert charges[0].context_line is None


async def test_without_a_mapping_no_local_file_is_read(tmp_path: Path) -> None:
    backend = FakeBackend()
    backend.events["latest"] = without_context(python_event("4829301773"))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        assert "local file" not in visible_text(trace_view(app))
        assert all(frame.context_line is None for frame in trace_view(app).frames)


# -- long lines -------------------------------------------------------------------------------


def long_line_event(line: str, colno: int | None) -> Event:
    event = python_event("4829301773")
    raised = event.exceptions[0]
    assert raised.stacktrace is not None
    *callers, crashed = raised.stacktrace.frames
    crashed = dataclasses.replace(
        crashed, pre_context=(), context_line=line, post_context=(), colno=colno
    )
    stacktrace = Stacktrace((*callers, crashed))
    return dataclasses.replace(
        event, exceptions=(dataclasses.replace(raised, stacktrace=stacktrace),)
    )


async def scroll_until(app: StackdeckApp, pilot: Pilot[None], key: str, wanted: str) -> bool:
    for _ in range(40):
        if wanted in visible_text(trace_view(app)):
            return True
        await press(app, pilot, key)
    return wanted in visible_text(trace_view(app))


@pytest.mark.parametrize("size", [SIZE, (80, 24)])
async def test_long_lines_scroll_sideways_and_back(size: tuple[int, int]) -> None:
    line = "start = 1; " + "a" * 150 + "MIDDLE" + "b" * 200 + "END"
    backend = FakeBackend()
    backend.events["latest"] = long_line_event(line, None)
    app = make_app(backend)
    async with app.run_test(size=size) as pilot:
        await open_first_issue(app, pilot)
        assert "› 42 │ start = 1; aaa" in visible_text(trace_view(app))
        assert "MIDDLE" not in visible_text(trace_view(app))
        assert await scroll_until(app, pilot, "l", "MIDDLE")
        assert await scroll_until(app, pilot, "right", "END")
        assert trace_view(app).x_offset > 0
        assert await scroll_until(app, pilot, "h", "› 42 │ start")
        assert trace_view(app).x_offset == 0


async def test_a_minified_line_opens_at_its_column_and_scrolls_to_the_rest() -> None:
    line = "a" * 1000 + "CRASH" + "b" * 300 + "TAIL" + "c" * 100
    backend = FakeBackend()
    backend.events["latest"] = long_line_event(line, 1001)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        text = visible_text(trace_view(app))
        assert "› 42 │ …aaaa" in text and "CRASH" in text and "TAIL" not in text
        assert await scroll_until(app, pilot, "l", "TAIL")
        assert "cccc" in visible_text(trace_view(app))


async def test_a_minified_line_scrolls_left_to_what_precedes_its_column() -> None:
    line = "a" * 900 + "HEAD" + "a" * 96 + "CRASH" + "b" * 300
    backend = FakeBackend()
    backend.events["latest"] = long_line_event(line, 1001)
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await open_first_issue(app, pilot)
        assert "HEAD" not in visible_text(trace_view(app))
        assert await scroll_until(app, pilot, "h", "HEAD")
        # Only the long line's window moved: the frame titles stay where they were.
        assert "▌  app/services/billing.py:42:1001 in charge" in visible_text(trace_view(app))
        assert await scroll_until(app, pilot, "l", "CRASH")


@pytest.mark.parametrize("size", [SIZE, (80, 24), (60, 20)])
async def test_the_issue_url_is_on_screen_at_every_size(size: tuple[int, int]) -> None:
    app = make_app(FakeBackend())
    async with app.run_test(size=size) as pilot:
        await open_first_issue(app, pilot)
        assert URL in app.export_screenshot()
