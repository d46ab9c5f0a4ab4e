"""Record a real native crash: build crash.c, run it under gdb, and turn what gdb saw into the
event a symbolicated sentry-native crash becomes; then send it through sentry-sdk into Bugsink.

    python tests/recorders/native/record.py   (from the repository root; see README.md)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bugsink_record import record  # noqa: E402
from convert import save_fixtures  # noqa: E402

BUILD_DIR = "/srv/crashdemo"
"""Where the binary is said to live: the temporary build folder is this machine's own."""
SIGNALS = {11: ("SIGSEGV", "Segfault"), 6: ("SIGABRT", "Abort"), 7: ("SIGBUS", "Bus error")}
SEGV_CODES = {1: "SEGV_MAPERR", 2: "SEGV_ACCERR"}


def build_and_crash(workdir: Path) -> dict[str, Any]:
    binary = workdir / "crashdemo"
    # Built beside a copy of the source, so the debug info names `crash.c`, not this machine's path.
    shutil.copy(HERE / "crash.c", workdir / "crash.c")
    subprocess.run(
        ["gcc", "-g", "-O1", "-fno-omit-frame-pointer", "-pthread", "-Wl,--build-id"]
        + ["-o", "crashdemo", "crash.c"],
        check=True,
        cwd=workdir,
    )
    dump = workdir / "dump.json"
    subprocess.run(
        ["gdb", "-q", "-batch", "-x", str(HERE / "gdb_dump.py"), str(binary)],
        env={**os.environ, "DUMP_JSON": str(dump)},
        check=True,
        capture_output=True,
        timeout=120,
    )
    return json.loads(dump.read_text())


def build_id(path: str) -> str:
    notes = subprocess.run(["readelf", "-n", path], capture_output=True, text=True).stdout
    match = re.search(r"Build ID: ([0-9a-f]+)", notes)
    return match.group(1) if match else ""


def debug_id(code_id: str) -> str:
    """Sentry's rule for ELF: the build id's first 16 bytes as a little-endian GUID."""
    raw = bytes.fromhex(code_id)[:16].ljust(16, b"\0")
    return str(uuid.UUID(bytes_le=raw))


def images(mappings: str, binary: str) -> dict[str, dict[str, Any]]:
    """Each mapped file's lowest and highest address, from `info proc mappings`."""
    spans: dict[str, list[int]] = {}
    for line in mappings.splitlines():
        parts = line.split()
        if len(parts) == 6 and parts[0].startswith("0x") and parts[5].startswith("/"):
            start, end = int(parts[0], 16), int(parts[1], 16)
            span = spans.setdefault(parts[5], [start, end])
            span[0], span[1] = min(span[0], start), max(span[1], end)
    out = {}
    for path, (start, end) in spans.items():
        code_id = build_id(path)
        shown = f"{BUILD_DIR}/crashdemo" if path == binary else path
        out[path] = {
            "type": "elf",
            "code_file": shown,
            "code_id": code_id,
            "debug_id": debug_id(code_id),
            "debug_file": shown,
            "image_addr": hex(start),
            "image_size": end - start,
            "arch": "x86_64",
        }
    return out


def image_for(pc: int, found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    for image in found.values():
        start = int(image["image_addr"], 16)
        if start <= pc < start + image["image_size"]:
            return image
    return {}


def frame(info: dict[str, Any], index: int, found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    image = image_for(info["pc"], found)
    out: dict[str, Any] = {
        "instruction_addr": hex(info["pc"]),
        "function": info["function"],
        "package": image.get("code_file", ""),
        "image_addr": image.get("image_addr"),
        # gdb unwinds the crashing frame from the registers, the rest with DWARF CFI.
        "trust": "context" if index == 0 else "cfi",
        "in_app": image.get("code_file", "").startswith(BUILD_DIR),
    }
    if info["symbol_addr"] is not None:
        out["symbol_addr"] = hex(info["symbol_addr"])
        out["symbol"] = info["function"]
    if info["file"]:
        out["filename"] = info["file"]
        out["abs_path"] = f"{BUILD_DIR}/{info['file']}" if out["in_app"] else info["file"]
        out["lineno"] = info["line"]
    return {k: v for k, v in out.items() if v is not None}


def stacktrace(thread: dict[str, Any], found: dict[str, dict[str, Any]]) -> dict[str, Any]:
    # gdb lists the newest frame first; Sentry wants the oldest first.
    frames = [frame(f, i, found) for i, f in enumerate(thread["frames"])]
    return {"frames": frames[::-1]}


def native_event(dump: dict[str, Any], binary: str) -> dict[str, Any]:
    found = images(dump["mappings"], binary)
    signal = dump["signal"]
    name, words = SIGNALS.get(signal["number"], (f"signal {signal['number']}", "Signal"))
    crashed = next(t for t in dump["threads"] if t["num"] == dump["crashed_thread"])
    owner = dump["lock_owner_lwp"]
    trace = stacktrace(crashed, found)
    trace["registers"] = {name: f"0x{value:016x}" for name, value in dump["registers"].items()}
    threads = []
    for thread in dump["threads"]:
        entry: dict[str, Any] = {
            "id": thread["lwp"],
            "name": thread["name"],
            "crashed": thread is crashed,
            "current": thread is crashed,
            "state": "RUNNABLE" if thread is crashed else "TIMED_WAITING",
        }
        if thread is not crashed:
            entry["stacktrace"] = stacktrace(thread, found)
        if thread["lwp"] == owner:
            address = hex(dump["lock_address"])
            entry["held_locks"] = {
                address: {
                    "type": 1,
                    "address": address,
                    "class_name": "pthread_mutex_t cache_lock",
                    "package_name": "",
                    "thread_id": owner,
                }
            }
        threads.append(entry)
    return {
        "platform": "native",
        "level": "fatal",
        "release": "crashdemo@1.4.0",
        "environment": "production",
        "contexts": {"os": {"name": "Linux", "type": "os"}, "device": {"arch": "x86_64"}},
        "exception": {
            "values": [
                {
                    "type": name,
                    "value": f"{words} at address 0x{signal['address']:x}",
                    "thread_id": crashed["lwp"],
                    "mechanism": {
                        "type": "signalhandler",
                        "handled": False,
                        "synthetic": True,
                        "meta": {
                            "signal": {
                                "number": signal["number"],
                                "code": signal["code"],
                                "name": name,
                                "code_name": SEGV_CODES.get(signal["code"], ""),
                            }
                        },
                    },
                    "stacktrace": trace,
                }
            ]
        },
        "threads": {"values": threads},
        "debug_meta": {"images": list(found.values())},
    }


def main() -> None:
    with tempfile.TemporaryDirectory() as workdir:
        dump = build_and_crash(Path(workdir))
        event = native_event(dump, str(Path(workdir) / "crashdemo"))
    answers = record({"native": event})
    save_fixtures("native", answers["native"], platform="native")


if __name__ == "__main__":
    if not shutil.which("gdb"):
        sys.exit("gdb is needed to record the crash")
    main()
