"""The raw view: each platform's own printed form of a trace, sanitised plain text."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tui.backends.sentry_parse import parse_event
from tui.cli import main
from tui.model import Event, ExceptionValue, Frame, Mechanism, Stacktrace
from tui.render.raw import raw_trace


def fixture_event(*parts: str) -> Event:
    data = json.loads(FIXTURES.joinpath(*parts).read_text())
    return parse_event(data["data"] if parts[0] == "bugsink" else data)


def test_python_prints_the_root_cause_first_and_links_with_pythons_words() -> None:
    text = raw_trace(fixture_event("sentry", "sentry_event_python_chained.json"))
    cause, raised = text.split(
        "\nThe above exception was the direct cause of the following exception:\n\n"
    )
    assert cause.startswith("Traceback (most recent call last):\n  File ")
    assert cause.rstrip().endswith("stripe._error.CardError: Your card has insufficient funds.")
    assert '  File "/srv/app/app/services/billing.py", line 42, in charge\n' in raised
    assert '    raise ValueError(f"card declined: {exc.code}")\n' in raised
    assert raised.endswith("ValueError: card declined: insufficient_funds\n")


def test_python_context_chain_says_during_handling() -> None:
    frame = Frame(filename="a.py", abs_path="/a.py", function="f", lineno=3, context_line="  x()")
    event = Event(
        id="e",
        platform="python",
        exceptions=(
            ExceptionValue("KeyError", "'b'", stacktrace=Stacktrace((frame,))),
            ExceptionValue(
                "ValueError",
                "a",
                mechanism=Mechanism(source="__context__"),
                stacktrace=Stacktrace((frame,)),
            ),
        ),
    )
    text = raw_trace(event)
    assert (
        "ValueError: a\n\nDuring handling of the above exception, another exception occurred:"
        in text
    )
    assert text.endswith("  File \"/a.py\", line 3, in f\n    x()\nKeyError: 'b'\n")


def test_javascript_prints_error_stack_newest_first() -> None:
    text = raw_trace(fixture_event("sentry", "sentry_event_js_minified.json"))
    assert text.splitlines()[:3] == [
        "TypeError: Cannot read properties of undefined (reading 'price')",
        "    at n (https://shop.example.com/assets/index-4f2a9c1b.js:1:15322)",
        "    at Object.onClick (https://shop.example.com/assets/vendor-8b1e77d0.js:2:41877)",
    ]


@pytest.mark.parametrize("source", ["bugsink", "sentry"])
def test_jvm_prints_caused_by_and_folds_shared_frames(source: str) -> None:
    name = "jvm_event.json" if source == "bugsink" else "sentry_event_jvm.json"
    lines = raw_trace(fixture_event(source, name)).splitlines()
    assert lines[:3] == [
        "java.lang.IllegalStateException: could not close period 2026-11",
        "\tat com.example.billing.LedgerJob$PeriodCloser.close(LedgerJob.java:62)",
        "\tat com.example.billing.LedgerJob.main(LedgerJob.java:32)",
    ]
    assert lines[3] == 'Caused by: java.lang.NumberFormatException: For input string: "12,50"'
    assert lines[4] == (
        "\tat java.lang.NumberFormatException.forInputString(NumberFormatException.java:67)"
    )
    # `main` at line 32 is shared with the enclosing trace: Java prints "... 1 more".
    assert lines[-2:] == [
        "\tat com.example.billing.LedgerJob$PeriodCloser.close(LedgerJob.java:59)",
        "\t... 1 more",
    ]


@pytest.mark.parametrize("source", ["bugsink", "sentry"])
def test_native_prints_a_crash_log_of_every_thread(source: str) -> None:
    name = "native_event.json" if source == "bugsink" else "sentry_event_native.json"
    event = fixture_event(source, name)
    lines = raw_trace(event).splitlines()
    crash = event.exceptions[0].stacktrace.frames[-1]
    distance = int(crash.instruction_addr, 16) - int(crash.symbol_addr, 16)
    crashed, worker = event.threads
    assert lines[:4] == [
        "SIGSEGV: Segfault at address 0x0",
        "",
        f'Thread {crashed.id} "crashdemo" crashed:',
        f"#0  0x{crash.instruction_addr[2:]:0>16} in read_limit+{distance:#x} (crashdemo)"
        " at crash.c:28",
    ]
    assert lines[6].startswith("#3  ") and " in main+0x" in lines[6]
    assert lines[8] == f'Thread {worker.id} "cache-worker":'
    assert " in __GI___clock_nanosleep+0x65 (libc.so.6) at " in lines[9]


def test_sdk_omitted_frames_and_hostile_text_stay_plain() -> None:
    frames = tuple(
        Frame(function=f"f{i}\x1b[31m", filename="[bold]x.js", lineno=i) for i in range(3)
    )
    event = Event(
        id="e",
        platform="node",
        exceptions=(
            ExceptionValue(
                "Error", "boom\x07", stacktrace=Stacktrace(frames, frames_omitted=(2, 9))
            ),
        ),
    )
    text = raw_trace(event)
    assert "\x1b" not in text and "\x07" not in text
    assert text.splitlines()[1:] == [
        "    at f2␛[31m ([bold]x.js:2)",
        "    at f1␛[31m ([bold]x.js:1)",
        "    ... 7 frames omitted by the SDK ...",
        "    at f0␛[31m ([bold]x.js:0)",
    ]


def test_issues_show_raw_prints_the_same_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--demo", "issues", "show", "LEDGER-JVM-1", "--raw"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("java.lang.IllegalStateException: could not close period 2026-11\n")
    assert "Caused by: java.lang.NumberFormatException" in out and "\t... 1 more\n" in out


def test_raw_and_json_cannot_be_combined(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--demo", "issues", "show", "LEDGER-JVM-1", "--raw", "--json"])
    assert "not allowed with" in capsys.readouterr().err


def test_issues_show_names_native_frames_by_address_and_image(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["--demo", "issues", "show", "CRASHDEMO-1"]) == 0
    out = capsys.readouterr().out
    # The demo's copy of the recording (addresses change with every recording).
    demo = FIXTURES.parents[1] / "tui/demo/data/sentry/events/4900000001.json"
    crash = parse_event(json.loads(demo.read_text())[-1]).exceptions[0].stacktrace.frames[-1]
    address = f"0x{crash.instruction_addr[2:]:0>16}"
    assert f"  {address} crashdemo  crash.c:{crash.lineno} in read_limit+0x" in out
    assert "  <- crashed here" in out and " in main+0x" in out
