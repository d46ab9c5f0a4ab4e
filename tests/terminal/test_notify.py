"""Desktop notification bytes: OSC 9 and OSC 777, sanitised, wrapped for tmux."""

from __future__ import annotations

from tests.hostile import HOSTILE, raw_controls
from tui.terminal.notify import MAX_TEXT, notification


def test_both_sequences_carry_title_and_body() -> None:
    sequence = notification("stackdeck", "1 new: API-1 KeyError", {})
    assert sequence == (
        "\x1b]9;stackdeck: 1 new: API-1 KeyError\a\x1b]777;notify;stackdeck;1 new: API-1 KeyError\a"
    )


def test_server_text_cannot_end_the_sequence_or_add_fields() -> None:
    sequence = notification("a;b", "x\x1b]52;c;cHduZWQ=\a\x07y", {})
    # Exactly the two sequences' own ESCs and BELs; the title's `;` cannot split OSC 777.
    assert sequence.count("\x1b") == 2 and sequence.count("\a") == 2
    assert ";notify;a,b;x" in sequence


def test_long_text_is_cut() -> None:
    sequence = notification("t", "x" * 1000, {})
    assert sequence.count("x") == 2 * MAX_TEXT


def test_inside_tmux_the_sequence_goes_through_passthrough() -> None:
    sequence = notification("t", "b", {"TMUX": "/tmp/tmux-1/default,1,0"})
    assert sequence.startswith("\x1bPtmux;\x1b\x1b]9;t: b\a") and sequence.endswith("\x1b\\")


def test_hostile_text_stays_inert() -> None:
    # Only the sequences' own two ESC and two BEL reach the terminal.
    assert sorted(raw_controls(notification(HOSTILE, HOSTILE, {}))) == ["\x07"] * 2 + ["\x1b"] * 2
