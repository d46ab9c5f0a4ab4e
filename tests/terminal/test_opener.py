"""Opening a URL: only http(s), a browser only where one can be reached, $BROWSER honoured."""

from __future__ import annotations

import pytest
from rich.console import Console

from tests.terminal.fakes import FakeRunner
from tui.terminal.opener import check_url, link_text, open_url, osc8_link

URL = "https://sentry.io/organizations/acme/issues/42/"
SSH = {"SSH_CONNECTION": "10.0.0.2 5 10.0.0.1 22"}


@pytest.mark.parametrize(
    ("env", "platform", "argv"),
    [
        ({"DISPLAY": ":0"}, "linux", ("xdg-open", URL)),
        ({"WAYLAND_DISPLAY": "wayland-0", **SSH}, "linux", ("xdg-open", URL)),
        ({}, "darwin", ("open", URL)),
        ({"BROWSER": "firefox --new-tab"}, "linux", ("firefox", "--new-tab", URL)),
        ({"BROWSER": "my-browser '%s' --x", **SSH}, "linux", ("my-browser", URL, "--x")),
    ],
)
def test_a_browser_is_started_without_waiting(
    env: dict[str, str], platform: str, argv: tuple[str, ...]
) -> None:
    runner = FakeRunner()
    result = open_url(URL, env, platform=platform, runner=runner)
    assert runner.calls == [(argv, None, False)]
    assert result.opened and result.how == argv[0]


def test_browser_list_falls_through_to_the_next_and_then_the_display() -> None:
    runner = FakeRunner(missing=frozenset({"nope", "chromium"}))
    env = {"BROWSER": "nope:chromium", "DISPLAY": ":0"}
    result = open_url(URL, env, platform="linux", runner=runner)
    assert runner.programs == ["xdg-open"] and result.how == "xdg-open"


@pytest.mark.parametrize(("env", "platform"), [(SSH, "linux"), (SSH, "darwin"), ({}, "linux")])
def test_no_display_reports_that_it_cannot(env: dict[str, str], platform: str) -> None:
    runner = FakeRunner()
    result = open_url(URL, env, platform=platform, runner=runner)
    assert runner.calls == [] and not result.opened
    assert result.message == "No browser can be opened from here (no display)."


def test_all_browsers_missing_is_reported() -> None:
    runner = FakeRunner(missing=frozenset({"xdg-open"}))
    result = open_url(URL, {"DISPLAY": ":0"}, platform="linux", runner=runner)
    assert not result.opened and result.message.endswith("(tried xdg-open).")


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://",
        "https://x.example/\x1b]8;;evil\x1b\\",
        "https://x.example/a b",
        "--help",
        "https://x.example/" + "a" * 9000,
    ],
)
def test_only_plain_http_urls_are_opened_or_linked(url: str) -> None:
    runner = FakeRunner()
    result = open_url(url, {"DISPLAY": ":0", "BROWSER": "firefox"}, platform="linux", runner=runner)
    assert runner.calls == [] and not result.opened and result.message.startswith("Not opened:")
    assert check_url(url)
    with pytest.raises(ValueError):
        osc8_link(url)
    with pytest.raises(ValueError):
        link_text(url)


def test_osc8_link_bytes_with_the_label_sanitised() -> None:
    assert osc8_link(URL, "BILLING-1") == f"\x1b]8;;{URL}\x1b\\BILLING-1\x1b]8;;\x1b\\"
    assert "\x1b[31m" not in osc8_link(URL, "red\x1b[31m")


def test_link_text_renders_as_an_osc8_hyperlink() -> None:
    console = Console(force_terminal=True, color_system="truecolor", width=200)
    with console.capture() as capture:
        console.print(link_text(URL))
    out = capture.get()
    assert "\x1b]8;id=" in out and f";{URL}\x1b\\{URL}" in out
