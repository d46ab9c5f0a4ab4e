"""Hostile server text for the tests: terminal escapes, C1 controls, bidi overrides, markup and
lone surrogates, a Sentry web API that serves them, and the byte-level check of output."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

import httpx
import pytest

from tui import demo
from tui.backends.sentry import SentryBackend
from tui.cli import main
from tui.demo.server import DEMO_ORG, DEMO_URL, DemoSentryServer

OSC52 = "\x1b]52;c;cHduZWQ=\x07"
"""A clipboard write: what reached the terminal through a toast before."""
HOSTILE = (
    f"{OSC52}\x1b[2J\x1b[31mred\x9b31m\x9d0;title\x9c\u202eevil\u202c\u2066x\u2069"
    "[bold]markup[/bold]\ud800\x7f\u2028\r\x00\x08\u200bhid\U000e0069\U000e0067den\ufeffend"
)
FIVE_THOUSAND_DIGITS = "9" * 5000
"""Past Python's str-to-int limit: `json.loads` raises ValueError on such a number."""
_RAW_CONTROL = re.compile(
    "[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff"
    "\u200b\u200e\u200f\u061c\u180e\u2060-\u2064\u206a-\u206f\ufeff\U000e0000-\U000e007f]"
)
_SUBDIVISION_FLAG = re.compile(
    "\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{2,7}\U000e007f"
)
"""The one place tag characters belong: a flag such as Scotland's."""


def raw_controls(text: str | bytes) -> list[str]:
    """Every control, bidi override or surrogate in `text` (newlines are allowed); bytes must
    be valid UTF-8, so a lone surrogate cannot hide in them either."""
    if isinstance(text, bytes):
        text = text.decode("utf-8")
    return _RAW_CONTROL.findall(_SUBDIVISION_FLAG.sub("", text))


def nested(levels: int, leaf: object = "bottom") -> object:
    """`{"a": {"a": ... leaf}}`, `levels` deep, built without recursion."""
    value = leaf
    for _ in range(levels):
        value = {"a": value}
    return value


def _poisoned(value: str) -> str:
    return f"{value}{HOSTILE}"


def hostile_issue_and_event() -> tuple[dict[str, Any], dict[str, Any]]:
    """The demo's Python issue and latest event, every displayed string carrying `HOSTILE`."""
    demo = DemoSentryServer.from_package()
    issue = copy.deepcopy(next(i for i in demo.issues.values() if i["shortId"] == "BILLING-API-1"))
    event = copy.deepcopy(demo.events[issue["id"]][-1])
    for key in ("shortId", "title", "culprit", "level", "permalink", "substatus"):
        issue[key] = _poisoned(issue[key])
    for key in ("eventID", "title", "message", "release", "dist"):
        event[key] = _poisoned(event[key] or "")
    event["tags"] = [
        {"key": _poisoned(t["key"]), "value": _poisoned(t["value"])} for t in event["tags"]
    ]
    for entry in event["entries"]:
        if entry["type"] == "exception":
            for exc in entry["data"]["values"]:
                exc["type"], exc["value"] = _poisoned(exc["type"]), _poisoned(exc["value"] or "")
                exc["mechanism"]["type"] = _poisoned(exc["mechanism"]["type"])
                for frame in exc["stacktrace"]["frames"]:
                    for key in ("filename", "absPath", "function", "module"):
                        frame[key] = _poisoned(frame[key] or "")
                    frame["context"] = [[n, _poisoned(line)] for n, line in frame["context"]]
                    frame["vars"] = {HOSTILE: HOSTILE}
        if entry["type"] == "breadcrumbs":
            for crumb in entry["data"]["values"]:
                crumb["category"] = _poisoned(crumb.get("category") or "")
                crumb["message"] = _poisoned(crumb.get("message") or "")
    return issue, event


def _json(data: Any, status: int = 200) -> httpx.Response:
    # Not `Response(json=...)`: httpx refuses lone surrogates and NaN, which a server may send.
    return httpx.Response(
        status, content=json.dumps(data).encode(), headers={"Content-Type": "application/json"}
    )


class HostileSentry:
    """A Sentry web API answering with hostile data: one issue (listed, read, changed) and its
    latest event; every other path is an error whose `detail` is hostile too."""

    def __init__(self) -> None:
        self.issue, self.event = hostile_issue_and_event()
        self.orgs: list[dict[str, Any]] = [{"id": "1", "slug": DEMO_ORG}]
        self.error_status = 404
        """The answer to every other path, its `detail` hostile."""
        self.raw: dict[str, bytes] = {}
        """Bodies by path, served as they are: what `json.dumps` cannot write (5,000 digits)."""

    @property
    def issue_path(self) -> str:
        return f"/api/0/organizations/{DEMO_ORG}/issues/{self.issue['id']}/"

    def transport(self) -> httpx.MockTransport:
        return httpx.MockTransport(self.handle)

    def handle(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path in self.raw:
            return httpx.Response(200, content=self.raw[path])
        issue_path = self.issue_path
        if path == "/api/0/organizations/":
            return _json(self.orgs)
        if path == f"/api/0/organizations/{DEMO_ORG}/issues/":
            return _json([self.issue])
        if path == f"/api/0/organizations/{DEMO_ORG}/projects/":
            return _json([])
        if path == issue_path + "events/latest/":
            return _json(self.event)
        if path == issue_path and request.method == "PUT":
            return _json({**self.issue, "status": json.loads(request.content)["status"]})
        if path == issue_path:
            return _json(self.issue)
        return _json({"detail": HOSTILE}, self.error_status)


def serve_as_demo(monkeypatch: pytest.MonkeyPatch) -> HostileSentry:
    """A `HostileSentry` behind `stackdeck --demo`: the real CLI, session and parser on it."""
    hostile = HostileSentry()
    monkeypatch.setattr(
        demo,
        "open_demo_backend",
        lambda *_args, **_kw: SentryBackend.connect(
            DEMO_URL, "token", DEMO_ORG, transport=hostile.transport()
        ),
    )
    return hostile


def run(capsysbinary: pytest.CaptureFixture[bytes], *argv: str) -> tuple[int, bytes, bytes]:
    """`stackdeck --demo ARGV...`: exit code and the exact bytes of stdout and stderr."""
    code = main(["--demo", *argv])
    out, err = capsysbinary.readouterr()
    return code, out, err
