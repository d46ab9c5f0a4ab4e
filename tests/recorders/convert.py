"""Save a feature recording: Bugsink's answer byte for byte, the Sentry web-API shape of the
same event (to_sentry_api.py), and the demo's issue and event files for it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from to_sentry_api import Project, convert

ROOT = Path(__file__).resolve().parents[2]
PROJECTS = {
    "native": (Project("4504590", "crashdemo", "crashdemo", "native"), "4900000001"),
    "jvm": (Project("4504591", "ledger-jvm", "ledger-jvm", "java"), "4900000002"),
}
"""Recording -> its demo project and issue id (49xxxxxxxx: clear of the main recording's)."""
DEMO_MOMENT = {"native": "2026-11-21T22:21:30.000000Z", "jvm": "2026-11-21T22:21:31.000000Z"}
"""When the demo says these happened: just before the main recording, whose newest issue
stays the one the demo opens on (the demo replays events in their recorded order)."""


def save_fixtures(name: str, answer: bytes, *, platform: str) -> None:
    (ROOT / "tests/fixtures/bugsink" / f"{name}_event.json").write_bytes(answer)
    event: dict[str, Any] = json.loads(answer)["data"]
    event.setdefault("platform", platform)
    project, issue_id = PROJECTS[name]
    issues, events = convert([(project, event)])
    issue = issues[0]
    details = events[issue["id"]]
    issue["permalink"] = issue["permalink"].replace(issue["id"], issue_id)
    issue["id"] = issue_id
    for detail in details:
        detail["groupID"] = issue_id
    _write(ROOT / "tests/fixtures/sentry" / f"sentry_event_{name}.json", details[-1], indent=1)
    for detail in details:
        detail["dateCreated"] = detail["dateReceived"] = DEMO_MOMENT[name]
    issue["firstSeen"] = issue["lastSeen"] = issue["lifetime"]["firstSeen"] = DEMO_MOMENT[name]
    issue["lifetime"]["lastSeen"] = DEMO_MOMENT[name]
    demo = ROOT / "tui/demo/data/sentry"
    _write(demo / f"issues-{name}.json", [issue])
    _write(demo / "events" / f"{issue_id}.json", details)


def _write(path: Path, data: Any, indent: int | None = None) -> None:
    """The demo's files compact (the package ships them), test fixtures readable."""
    separators = None if indent else (",", ":")
    text = json.dumps(data, indent=indent, separators=separators, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
