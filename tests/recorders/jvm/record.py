"""Record a real JVM failure: compile and run LedgerJob.java, turn its report into the event
sentry-java sends for an uncaught exception, then send it through sentry-sdk into Bugsink.

    python tests/recorders/jvm/record.py   (from the repository root; see README.md)
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bugsink_record import record  # noqa: E402
from convert import save_fixtures  # noqa: E402

IN_APP = ("com.example.",)
"""sentry-java's `in-app-includes` for the application."""
LOCKED, BLOCKED = 1, 8
"""Sentry's lock reasons (`LockReason` bit flags: locked, waiting, sleeping, blocked)."""


def run_program(workdir: Path) -> dict[str, Any]:
    source = HERE / "src/com/example/billing/LedgerJob.java"
    subprocess.run(["javac", "-g", "-d", str(workdir), str(source)], check=True)
    done = subprocess.run(
        ["java", "-cp", str(workdir), "com.example.billing.LedgerJob"],
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(done.stdout)


def split_class(name: str) -> tuple[str, str]:
    package, _, simple = name.rpartition(".")
    return package, simple


def frame(element: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {
        "filename": element["file"],
        "module": element["class"],
        "function": element["method"],
        "in_app": element["class"].startswith(IN_APP),
    }
    if element["line"] >= 0:
        out["lineno"] = element["line"]
    if element["native"]:
        out["native"] = True
    return {k: v for k, v in out.items() if v is not None}


def stacktrace(elements: list[dict[str, Any]]) -> dict[str, Any]:
    # Java lists the newest frame first; Sentry wants the oldest first.
    return {"frames": [frame(e) for e in reversed(elements)]}


def held_locks(thread: dict[str, Any]) -> dict[str, Any]:
    locks: dict[str, Any] = {}
    entries = [(m, LOCKED, thread["id"]) for m in thread["locked_monitors"]]
    if thread["waiting_on"] and thread["state"] == "BLOCKED":
        entries.append((thread["waiting_on"], BLOCKED, thread["lock_owner_id"]))
    for monitor, kind, owner in entries:
        package, simple = split_class(monitor["class"])
        address = f"0x{monitor['identity']:08x}"
        locks[address] = {
            "type": kind,
            "address": address,
            "package_name": package,
            "class_name": simple,
            "thread_id": owner,
        }
    return locks


def thread_entry(thread: dict[str, Any], crashed: int) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "id": thread["id"],
        "name": thread["name"],
        "state": thread["state"],
        "crashed": thread["id"] == crashed,
        "current": thread["current"],
        "daemon": thread["daemon"],
        "main": thread["name"] == "main",
    }
    if thread["id"] != crashed:  # the crashed thread's stack is the exception's
        entry["stacktrace"] = stacktrace(thread["frames"])
    if locks := held_locks(thread):
        entry["held_locks"] = locks
    return entry


def exception_value(data: dict[str, Any], thread: int, raised: bool) -> dict[str, Any]:
    package, simple = split_class(data["class"])
    value: dict[str, Any] = {
        "type": simple,
        "value": data["message"],
        "module": package,
        "thread_id": thread,
        "stacktrace": stacktrace(data["frames"]),
    }
    if raised:
        value["mechanism"] = {"type": "UncaughtExceptionHandler", "handled": False}
    return value


def java_event(report: dict[str, Any]) -> dict[str, Any]:
    crashed = int(report["current_thread"])
    chain = report["exceptions"]
    # sentry-java sends the root cause first and the raised exception last.
    values = [exception_value(e, crashed, e is chain[0]) for e in reversed(chain)]
    return {
        "platform": "java",
        "level": "fatal",
        "release": "ledger@2.3.1",
        "environment": "production",
        "contexts": {"runtime": {"name": "OpenJDK", "version": report["java_version"]}},
        "exception": {"values": values},
        "threads": {"values": [thread_entry(t, crashed) for t in report["threads"]]},
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        report = run_program(Path(workdir))
    answers = record({"jvm": java_event(report)})
    save_fixtures("jvm", answers["jvm"], platform="java")


if __name__ == "__main__":
    if not shutil.which("javac"):
        sys.exit("a JDK (javac) is needed to record the program")
    main()
