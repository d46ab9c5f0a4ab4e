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


def save_fixtures(name: str, answer: bytes, *, platform: str) -> None:
    (ROOT / "tests/fixtures/bugsink" / f"{name}_event.json").write_bytes(answer)
    event: dict[str, Any] = json.loads(answer)["data"]
    event.setdefault("platform", platform)
    project, issue_id = PROJECTS[name]
    issues, events = convert([(project, event)])
    issue, details = issues[0], events[issues[0]["id"]]
    issue["id"] = issue_id
    issue["permalink"] = issue["permalink"].replace(issues[0]["id"], issue_id)
    for detail in details:
        detail["groupID"] = issue_id
    _write(ROOT / "tests/fixtures/sentry" / f"sentry_event_{name}.json", details[-1])
    demo = ROOT / "tui/demo/data/sentry"
    _write(demo / f"issues-{name}.json", [issue])
    _write(demo / "events" / f"{issue_id}.json", details)


def _write(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
