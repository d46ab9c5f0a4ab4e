"""Native and JVM events -> model: every Stacktrace field, threads, locks and debug images, from
Bugsink's answers (the SDK's snake_case) and their Sentry web-API shape (camelCase)."""

from __future__ import annotations

import json

import pytest

from tests.conftest import FIXTURES
from tui.backends.posthog_parse import raw_frame
from tui.backends.sentry_parse import address, parse_event, parse_frame
from tui.model import Event, to_jsonable
from tui.store_codec import from_jsonable


def load(*parts: str) -> dict:
    return json.loads(FIXTURES.joinpath(*parts).read_text())


def native_events() -> list[Event]:
    return [
        parse_event(load("bugsink", "native_event.json")["data"]),
        parse_event(load("sentry", "sentry_event_native.json")),
    ]


def jvm_events() -> list[Event]:
    return [
        parse_event(load("bugsink", "jvm_event.json")["data"]),
        parse_event(load("sentry", "sentry_event_jvm.json")),
    ]


@pytest.mark.parametrize("event", native_events(), ids=["bugsink", "sentry"])
def test_native_frames_keep_their_addresses_image_and_trust(event: Event) -> None:
    raised = event.exceptions[0]
    assert raised.type == "SIGSEGV" and raised.mechanism and raised.mechanism.handled is False
    assert raised.stacktrace is not None
    crash = raised.stacktrace.frames[-1]
    assert crash.function == "read_limit" and crash.filename == "crash.c"
    assert crash.package.endswith("/crashdemo") and crash.trust == "context"
    assert crash.instruction_addr.startswith("0x5555") and crash.symbol_addr.startswith("0x5555")
    assert int(crash.instruction_addr, 16) > int(crash.symbol_addr, 16)
    assert crash.image_addr == "0x555555554000"
    assert [f.trust for f in raised.stacktrace.frames[:-1]] == ["cfi"] * 3
    registers = raised.stacktrace.registers
    assert registers["rip"] == crash.instruction_addr and "rsp" in registers


@pytest.mark.parametrize("event", native_events(), ids=["bugsink", "sentry"])
def test_native_threads_and_the_mutex_the_worker_holds(event: Event) -> None:
    crashed, worker = event.threads
    assert crashed.crashed and crashed.current and crashed.stacktrace is None
    assert worker.name == "cache-worker" and not worker.crashed
    assert worker.stacktrace is not None
    assert [f.function for f in worker.stacktrace.frames][-2:] == [
        "__GI___nanosleep",
        "__GI___clock_nanosleep",
    ]
    (lock,) = worker.held_locks
    assert lock.kind == "locked" and lock.thread_id == worker.id
    assert "cache_lock" in lock.class_name


@pytest.mark.parametrize("event", native_events(), ids=["bugsink", "sentry"])
def test_native_debug_images_carry_their_range_and_ids(event: Event) -> None:
    images = {image.code_file.rsplit("/", 1)[-1]: image for image in event.debug_images}
    app = images["crashdemo"]
    assert app.type == "elf" and app.arch == "x86_64" and app.image_addr == "0x555555554000"
    assert app.image_size and app.image_size > 0
    # The debug id is the build id's first 16 bytes as a little-endian GUID.
    code = bytes.fromhex(app.code_id)
    assert (
        app.debug_id.replace("-", "")
        == (code[3::-1] + code[5:3:-1] + code[7:5:-1] + code[8:16]).hex()
    )
    assert "libc.so.6" in images


def test_sentry_says_which_debug_files_it_used() -> None:
    sentry = native_events()[1]
    statuses = {i.code_file.rsplit("/", 1)[-1]: i.debug_status for i in sentry.debug_images}
    assert statuses["crashdemo"] == "found"
    assert "unused" in statuses.values()  # the loader: no frame points into it
    assert all(not i.debug_status for i in native_events()[0].debug_images)  # Bugsink: none


@pytest.mark.parametrize("event", jvm_events(), ids=["bugsink", "sentry"])
def test_jvm_chain_modules_and_thread_locks(event: Event) -> None:
    assert [(e.module, e.type) for e in event.exceptions] == [
        ("java.lang", "IllegalStateException"),
        ("java.lang", "NumberFormatException"),
    ]
    root = event.exceptions[1].stacktrace
    assert root is not None
    assert root.frames[-1].module == "java.lang.NumberFormatException"
    assert root.frames[-1].function == "forInputString" and not root.frames[-1].in_app
    assert [f.in_app for f in root.frames if f.module.startswith("com.example")] == [True] * 3
    threads = {t.name: t for t in event.threads}
    assert threads["main"].crashed and threads["main"].state == "RUNNABLE"
    flusher, writer = threads["ledger-flusher"], threads["report-writer"]
    assert writer.state == "BLOCKED" and flusher.state == "TIMED_WAITING"
    assert [lock.kind for lock in flusher.held_locks] == ["locked"]
    (blocked,) = writer.held_locks
    assert blocked.kind == "blocked" and blocked.thread_id == flusher.id
    assert blocked.name == "java.lang.Object"
    assert blocked.address == flusher.held_locks[0].address


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("0x7FFF0010", "0x7fff0010"),
        (4096, "0x1000"),
        ("4096", "0x1000"),
        ("0x", ""),
        ("nowhere", ""),
        (-5, ""),
        (1.5, ""),
        (None, ""),
        ([1], ""),
        (True, ""),
        ("0x" + "f" * 500, ""),
    ],
)
def test_addresses_are_hex_or_nothing(value: object, shown: str) -> None:
    assert address(value) == shown


def test_odd_native_values_become_empty_not_errors() -> None:
    frame = parse_frame(
        {"instruction_addr": {"x": 1}, "trust": None, "addrMode": 3, "symbol": ["a"]}
    )
    assert (frame.instruction_addr, frame.trust, frame.addr_mode) == ("", "", "3")
    event = parse_event(
        {
            "threads": {
                "values": [{"id": 7, "held_locks": {"0x1": "x", "0x2": {"type": "odd"}}}, 3]
            },
            "exception": {
                "values": [{"type": "E", "stacktrace": {"frames": [], "registers": [1]}}]
            },
            "debug_meta": {"images": [{"type": "elf", "image_size": -3, "candidates": "many"}]},
        }
    )
    (thread,) = event.threads
    assert thread.id == "7" and [lock.kind for lock in thread.held_locks] == ["odd"]
    assert event.exceptions[0].stacktrace and event.exceptions[0].stacktrace.registers == {}
    assert event.debug_images[0].image_size is None and event.debug_images[0].candidates is None


def test_posthog_raw_frames_keep_native_fields() -> None:
    frame = raw_frame(
        {
            "filename": "libapp.so",
            "instruction_addr": "0x10",
            "symbol_addr": "0x8",
            "raw_function": "_Z1fv",
        }
    )
    assert (frame.instruction_addr, frame.symbol_addr, frame.raw_function) == (
        "0x10",
        "0x8",
        "_Z1fv",
    )


@pytest.mark.parametrize("event", [*native_events(), *jvm_events()])
def test_threads_and_images_survive_the_offline_store(event: Event) -> None:
    assert from_jsonable(Event, json.loads(json.dumps(to_jsonable(event)))) == event


def test_glitchtip_mix_of_camel_and_snake_case() -> None:
    """GlitchTip camelCases only `inApp, absPath, colNo, lineNo, context` and keeps the SDK's
    snake_case for the rest, inside the web API's `entries`."""
    frame = {
        "inApp": True,
        "absPath": "/srv/app/main.c",
        "lineNo": 9,
        "function": "main",
        "instruction_addr": "0x401a2f",
        "symbol_addr": "0x401a00",
        "image_addr": "0x400000",
        "addr_mode": "abs",
        "trust": "fp",
    }
    event = parse_event(
        {
            "eventID": "abc",
            "entries": [
                {"type": "exception", "data": {"values": [{"type": "SIGABRT"}]}},
                {
                    "type": "threads",
                    "data": {
                        "values": [
                            {
                                "id": 1,
                                "crashed": True,
                                "stacktrace": {"frames": [frame]},
                                "held_locks": {"0x9": {"type": 2, "thread_id": 4}},
                            }
                        ]
                    },
                },
            ],
        }
    )
    (thread,) = event.threads
    parsed = thread.stacktrace.frames[0] if thread.stacktrace else None
    assert parsed is not None and parsed.in_app and parsed.lineno == 9
    assert (parsed.instruction_addr, parsed.symbol_addr, parsed.image_addr) == (
        "0x401a2f",
        "0x401a00",
        "0x400000",
    )
    assert (parsed.addr_mode, parsed.trust) == ("abs", "fp")
    assert [(lock.address, lock.kind, lock.thread_id) for lock in thread.held_locks] == [
        ("0x9", "waiting", "4")
    ]
