"""Hostile events through a real Bugsink's DSN: escapes, C1 controls, bidi overrides and markup
in every displayed field, an unparseable frame URL, vars nested 900 deep. The CLI shows them
(exit 0) and not one raw control byte reaches stdout, plain or `--json`."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from bugsink_server import Project
from sdk_events import js_event, send_envelope

from tests.hostile import OSC52, nested, raw_controls
from tui.cli import main
from tui.model import NESTED_TOO_DEEPLY

pytestmark = pytest.mark.e2e

BROKEN_URL = "http://[x/app.js"
# No lone surrogate: Bugsink answers 500 to an event holding one (fake servers cover that case).
HOSTILE = f"{OSC52}\x1b[2J\x9b31m\x9d0;t\x9c\u202eevil\u202c[bold]markup[/bold]\x7f\u2028\x00end"


def hostile_event() -> dict[str, Any]:
    frames = [
        {
            "filename": f"src/{HOSTILE}.js",
            "abs_path": f"http://localhost:3000/{HOSTILE}.js",
            "function": HOSTILE,
            "module": HOSTILE,
            "lineno": 7,
            "colno": 3,
            "in_app": True,
            "pre_context": [HOSTILE],
            "context_line": f"throw new Error('{HOSTILE}')",
            "post_context": [HOSTILE],
            "vars": {HOSTILE: HOSTILE, "deep": nested(900)},
        },
        {"filename": "app.js", "abs_path": BROKEN_URL, "function": "f", "lineno": 1, "colno": 5},
    ]
    event = js_event(release=HOSTILE)
    del event["debug_meta"]
    exception = event["exception"]["values"][0]  # type: ignore[index]
    exception.update(type=f"Error{HOSTILE}", value=HOSTILE, stacktrace={"frames": frames})
    exception["mechanism"]["type"] = HOSTILE
    event.update(
        message=HOSTILE,
        tags={HOSTILE: HOSTILE},
        breadcrumbs={"values": [{"category": HOSTILE, "message": HOSTILE}]},
    )
    return event


def test_hostile_event_shows_inert_in_plain_and_json(
    capsysbinary: pytest.CaptureFixture[bytes], config_file: Path, project: Project
) -> None:
    send_envelope(project.dsn, hostile_event())
    short_id = f"{project.slug.upper()}-1"
    outputs = {}
    for extra in ((), ("--json",)):
        code = main(["--config", str(config_file), "issues", "show", short_id, *extra])
        out, err = capsysbinary.readouterr()
        assert code == 0, err
        assert raw_controls(out) == [] and raw_controls(err) == []
        outputs[extra] = out
    assert "[bold]markup[/bold]" in outputs[()].decode()  # shown literally
    shown = json.loads(outputs[("--json",)])
    exception = shown["event"]["exceptions"][0]
    assert exception["value"] == HOSTILE  # scripts get the exact server text back
    hostile_frame, broken_frame = exception["stacktrace"]["frames"]
    assert NESTED_TOO_DEEPLY in json.dumps(hostile_frame["vars"]["deep"])
    assert broken_frame["resolve_failure"].startswith("no source map: not a valid URL")

    code = main(["--config", str(config_file), "issues", "list"])
    out, err = capsysbinary.readouterr()
    assert code == 0 and raw_controls(out) == [], err
