"""PostHog wire formats -> the model, on payloads from the real posthog-python and posthog-js SDKs
(tests/recorders/record_posthog.py), and the symbol-set blob format."""

from __future__ import annotations

import json
import struct
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import FIXTURES
from tui.backends import posthog_symbols
from tui.backends.posthog_parse import (
    parse_event,
    parse_exception_list,
    parse_frame_contexts,
    parse_issue,
    platform_of,
    resolved_frame,
    resolved_raw_ids,
    short_id,
)
from tui.backends.posthog_symbols import (
    MAGIC,
    PostHogSymbolSource,
    SymbolSetError,
    build_symbol_set,
    parse_symbol_set,
)
from tui.demo.posthog_data import demo_symbol_set, load_demo_data
from tui.model import IssueStatus
from tui.symbols import FoundBy, LookupFailed, MapRequest, SymbolCache, Symbolicator

POSTHOG = FIXTURES / "posthog"


def load(name: str) -> Any:
    return json.loads((POSTHOG / name).read_text(encoding="utf-8"))


PY_EVENTS = load("python_sdk_events.json")
JS_EVENTS = load("js_sdk_events.json")
RESOLVED = load("reference_resolved_properties.json")


def py_event(raised: str) -> dict[str, Any]:
    return next(e for e in PY_EVENTS if e["properties"]["$exception_list"][0]["type"] == raised)


def row(properties: Any, **extra: Any) -> dict[str, Any]:
    return {"uuid": "0193c1de-0000-7000-8000-00000000abcd", "timestamp": "2026-11-20T10:00:00Z",
            "distinct_id": "u_1", "properties": properties, **extra}  # fmt: skip


# Issues


def test_issue_from_an_error_tracking_query_result() -> None:
    issue = parse_issue(
        {
            "id": "01981c4e-7b2a-7c3d-9e4f-5a6b7c8d9e0f",
            "name": "TypeError",
            "description": "Cannot read properties of undefined",
            "status": "active",
            "first_seen": "2026-11-01T08:00:00Z",
            "last_seen": "2026-11-20T09:30:00.123Z",
            "library": "web",
            "function": "lineTotal",
            "source": "src/lib/cart.ts",
            "aggregations": {"occurrences": 42, "users": 7, "sessions": 9, "volumeRange": []},
        },
        base_url="https://eu.posthog.com",
        project="1234",
    )
    assert issue.short_id == "7C8D9E0F"
    assert (issue.count, issue.user_count) == (42, 7)
    assert issue.title == "TypeError: Cannot read properties of undefined"
    assert (issue.type, issue.value) == ("TypeError", "Cannot read properties of undefined")
    assert issue.culprit == "src/lib/cart.ts in lineTotal"
    assert issue.platform == "javascript"
    assert issue.status is IssueStatus.UNRESOLVED and issue.raw_status == "active"
    assert issue.permalink == (
        "https://eu.posthog.com/project/1234/error_tracking/01981c4e-7b2a-7c3d-9e4f-5a6b7c8d9e0f"
    )
    assert issue.last_seen is not None and issue.last_seen.microsecond == 123000


def test_short_id_is_the_random_tail_of_the_uuid7() -> None:
    # Two uuid7s minted in the same minute share their leading digits, never their tail.
    assert short_id("01981c4e-7b2a-7c3d-9e4f-5a6b7c8d9e0f") == "7C8D9E0F"
    assert short_id("01981c4e-7b2b-7111-8222-000000000001") == "00000001"


@pytest.mark.parametrize(
    ("raw", "status"),
    [
        ("active", IssueStatus.UNRESOLVED),
        ("resolved", IssueStatus.RESOLVED),
        ("pending_release", IssueStatus.RESOLVED),
        ("suppressed", IssueStatus.IGNORED),
        ("archived", IssueStatus.IGNORED),
        ("something_new", IssueStatus.UNRESOLVED),
    ],
)
def test_statuses_map_and_keep_the_original(raw: str, status: IssueStatus) -> None:
    issue = parse_issue({"id": "01981c4e-7b2a-7c3d-9e4f-5a6b7c8d9e0f", "status": raw})
    assert issue.status is status
    assert issue.raw_status == raw


def test_rest_issue_without_aggregations_has_zero_counts() -> None:
    issue = parse_issue({"id": "x" * 36, "status": "resolved", "name": "KeyError",
                         "description": None, "first_seen": None, "assignee": None})  # fmt: skip
    assert (issue.count, issue.user_count, issue.title) == (0, 0, "KeyError")


@pytest.mark.parametrize(
    ("library", "platform"),
    [("posthog-python", "python"), ("web", "javascript"), ("posthog-node", "node"),
     ("web:javascript", "javascript"), ("posthog-ruby", "posthog-ruby")],
)  # fmt: skip
def test_platform_from_the_library(library: str, platform: str) -> None:
    assert platform_of(library) == platform


# Exceptions: PostHog's order is already reader order


def test_python_chain_keeps_posthog_order_raised_first() -> None:
    exceptions = parse_exception_list(py_event("ValueError")["properties"]["$exception_list"])
    assert [e.type for e in exceptions] == ["ValueError", "CardDeclined"]
    assert exceptions[0].value == "card declined: insufficient_funds"
    cause = exceptions[1].mechanism
    assert cause is not None and (cause.source, cause.parent_id) == ("cause", 0)


def test_exception_group_keeps_the_group_first_with_its_tree_links() -> None:
    exceptions = parse_exception_list(py_event("ExceptionGroup")["properties"]["$exception_list"])
    assert exceptions[0].type == "ExceptionGroup"
    assert exceptions[0].mechanism is not None and exceptions[0].mechanism.is_exception_group
    children = [e.mechanism.parent_id for e in exceptions[1:] if e.mechanism]
    assert children and all(parent is not None for parent in children)


def test_python_raw_frames_carry_context_and_run_oldest_first() -> None:
    exceptions = parse_exception_list(py_event("ValueError")["properties"]["$exception_list"])
    frames = exceptions[0].stacktrace.frames if exceptions[0].stacktrace else ()
    crash = frames[-1]
    assert crash.function == "charge" and crash.in_app
    assert crash.abs_path == "/srv/billing-api/billing_app/services/billing.py"
    assert crash.context_line is not None and "card declined" in crash.context_line
    assert len(crash.pre_context) == 5 and crash.platform == "python"
    assert crash.context[5].lineno == crash.lineno


def test_javascript_raw_frames_have_chunk_id_and_url_as_abs_path() -> None:
    exceptions = parse_exception_list(JS_EVENTS[0]["properties"]["$exception_list"])
    crash = exceptions[0].stacktrace.frames[-1] if exceptions[0].stacktrace else None
    assert crash is not None
    assert crash.abs_path == crash.filename == "https://shop.example.com/assets/index-JQOZBG7F.js"
    assert crash.chunk_id == load_demo_data()["chunk_id"]
    assert crash.platform == "web:javascript" and crash.lineno == 2 and crash.colno


def test_exception_list_may_be_a_json_string() -> None:
    properties = JS_EVENTS[0]["properties"]
    as_list = parse_event(row(properties))
    as_string = parse_event(
        row({**properties, "$exception_list": json.dumps(properties["$exception_list"])})
    )
    whole_string = parse_event(row(json.dumps(properties)))
    assert as_list.exceptions == as_string.exceptions == whole_string.exceptions
    assert as_list.exceptions[0].type == "TypeError"


def test_garbage_exception_list_gives_no_exceptions() -> None:
    assert parse_event(row({"$exception_list": "{not json"})).exceptions == ()
    assert parse_exception_list([None, 3, "x"]) == ()


def test_event_fields_from_properties() -> None:
    event = parse_event(row(JS_EVENTS[0]["properties"]), previous_id="a", next_id=None)
    assert event.title == "TypeError: Cannot read properties of undefined (reading 'price')"
    assert event.platform == "javascript" and event.sdk.startswith("web 1.")
    assert event.user == {"id": "u_1", "email": "ada@example.com"}
    assert event.request == {"url": "https://shop.example.com/checkout"}
    assert ("browser", "Chrome") in event.tags
    assert (event.previous_event_id, event.next_event_id) == ("a", None)


# Resolved frames (PostHog's processing) and their context from batch_get


def test_resolved_and_unresolved_frames() -> None:
    exceptions = parse_exception_list(RESOLVED["$exception_list"])
    unresolved, resolved = exceptions[0].stacktrace.frames if exceptions[0].stacktrace else ()
    assert unresolved.function == "Object.onClick"
    assert unresolved.server_failure == "<free-form reason string, illustrative>"
    assert (unresolved.lineno, unresolved.colno) == (2, 41877)
    assert resolved.function == "cartTotal" and resolved.filename == "src/lib/cart.ts"
    assert resolved.server_failure == "" and resolved.in_app


def test_unresolved_javascript_frame_without_a_reason_still_says_so() -> None:
    frame = resolved_frame({"raw_id": "r", "mangled_name": "n", "lang": "javascript",
                            "resolved": False, "in_app": True})  # fmt: skip
    assert frame.server_failure == "PostHog could not resolve this frame"


def test_batch_get_context_fills_resolved_frames() -> None:
    raw_ids = resolved_raw_ids(RESOLVED["$exception_list"])
    assert raw_ids == [f["raw_id"] for f in RESOLVED["$exception_list"][0]["stacktrace"]["frames"]]
    answer = {"results": [{"id": 9, "raw_id": raw_ids[1], "resolved": True, "contents": {},
        "context": {"before": [{"number": 12, "line": "export function cartTotal(cart) {"},
                               {"number": 13, "line": "  let total = 0;"}],
                    "line": {"number": 14, "line": "  total += line.product.price;"},
                    "after": [{"number": 15, "line": "  return total;"}]}},
        {"raw_id": "no-context", "context": None}]}  # fmt: skip
    contexts = parse_frame_contexts(answer)
    assert set(contexts) == {raw_ids[1]}
    exceptions = parse_exception_list(RESOLVED["$exception_list"], contexts)
    frame = exceptions[0].stacktrace.frames[1] if exceptions[0].stacktrace else None
    assert frame is not None and frame.context_line == "  total += line.product.price;"
    assert [c.lineno for c in frame.context] == [12, 13, 14, 15]
    assert frame.post_context == ("  return total;",)


# Symbol sets


MINIFIED = b"function a(){throw new Error('x')}\n//# chunkId=abc\n"
MAP = b'{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA"}'


def test_symbol_set_versions_1_and_2() -> None:
    for version in (1, 2):
        parsed = parse_symbol_set(build_symbol_set(MINIFIED, MAP, version=version))
        assert (parsed.minified, parsed.source_map) == (MINIFIED, MAP)


def zstd_blob(payload: bytes) -> bytes:
    import zstandard  # in the test extra: an optional runtime dependency, always tested

    head = MAGIC + struct.pack("<II", 2, 2) + bytes([1])
    return head + zstandard.ZstdCompressor(level=3).compress(payload)


def payload_of(blob: bytes) -> bytes:
    return blob[len(MAGIC) + 9 :]


def test_symbol_set_v2_zstd() -> None:
    blob = zstd_blob(payload_of(build_symbol_set(MINIFIED, MAP)))
    assert parse_symbol_set(blob).source_map == MAP


def test_symbol_set_zstd_without_the_package_says_what_to_install(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def no_zstandard(name: str) -> Any:
        raise ImportError(name)

    monkeypatch.setattr(posthog_symbols.importlib, "import_module", no_zstandard)
    blob = MAGIC + struct.pack("<II", 2, 2) + bytes([1]) + b"\x28\xb5\x2f\xfd..."
    with pytest.raises(SymbolSetError, match=r"pip install .stackdeck\[zstd\]."):
        parse_symbol_set(blob)


GOOD = build_symbol_set(MINIFIED, MAP)


@pytest.mark.parametrize(
    ("blob", "reason"),
    [
        (b"PK\x03\x04 a zip file", "not a PostHog symbol set"),
        (MAGIC + b"\x02\x00", "truncated symbol set header"),
        (MAGIC + struct.pack("<II", 2, 4) + b"\x00", "a ProGuard mapping"),
        (MAGIC + struct.pack("<II", 3, 2) + b"\x00", "unknown symbol set version 3"),
        (MAGIC + struct.pack("<II", 2, 2) + b"\x07" + payload_of(GOOD), "compression 7"),
        (GOOD[:-5], "the source map is cut short"),
        (GOOD + b"junk", "followed by stray bytes"),
        (MAGIC + struct.pack("<II", 2, 2) + b"\x00" + struct.pack("<Q", 10**9), "cut short"),
    ],
)
def test_corrupt_symbol_sets_say_why(blob: bytes, reason: str) -> None:
    with pytest.raises(SymbolSetError, match=reason):
        parse_symbol_set(blob)


def test_corrupt_zstd_payload() -> None:
    blob = zstd_blob(b"")[: len(MAGIC) + 9] + b"\x28\xb5\x2f\xfd\x00garbage"
    with pytest.raises(SymbolSetError, match="corrupt zstd data"):
        parse_symbol_set(blob)


def js_crash_frame() -> Any:
    exceptions = parse_exception_list(JS_EVENTS[0]["properties"]["$exception_list"])
    return exceptions[0].stacktrace.frames[-1] if exceptions[0].stacktrace else None


@pytest.mark.parametrize("compressed", [False, True])
async def test_chunk_id_source_resolves_the_real_minified_frame(
    tmp_path: Path, compressed: bool
) -> None:
    chunk_id = load_demo_data()["chunk_id"]
    blob = demo_symbol_set(chunk_id)
    if compressed:
        blob = zstd_blob(payload_of(blob))
    asked: list[str] = []

    async def fetch(wanted: str) -> bytes | None:
        asked.append(wanted)
        return blob if wanted == chunk_id else None

    symbolicator = Symbolicator(SymbolCache(tmp_path), [PostHogSymbolSource(fetch)])
    resolution = await symbolicator.resolve(js_crash_frame())
    assert resolution.frame is not None, resolution.failure
    assert resolution.frame.function == "lineTotal"
    assert resolution.frame.filename.endswith("src/lib/cart.js") and resolution.frame.lineno == 4
    assert resolution.frame.context_line == "  const unitPrice = line.product.price;"
    assert resolution.provenance is not None and resolution.provenance.how is FoundBy.CHUNK_ID
    assert asked == [chunk_id]


async def test_chunk_id_source_reports_a_corrupt_blob_once() -> None:
    calls: list[str] = []

    async def fetch(wanted: str) -> bytes | None:
        calls.append(wanted)
        return b"posthog_error_tracking\x01"

    source = PostHogSymbolSource(fetch)
    request = MapRequest("https://x/a.js", chunk_id="c1")
    for _ in range(2):
        with pytest.raises(LookupFailed, match="symbol set c1: truncated"):
            await source.find(request)
    assert calls == ["c1"]
    assert await source.find(MapRequest("https://x/a.js")) is None


def test_volume_range_is_the_trend_with_the_bucket_the_query_asked_for() -> None:
    result = {"id": "01981c4e-7b2a-7c3d-9e4f-5a6b7c8d9e0f", "name": "TypeError"}
    volume = {"aggregations": {"occurrences": 6, "volumeRange": [0, 1, "2", -3, None, 3]}}
    issue = parse_issue({**result, **volume}, bucket_seconds=3600)
    assert (issue.trend, issue.trend_bucket) == ((0, 1, 2, 0, 0, 3), 3600)
    # Without a bucket size the counts cannot be placed in time: no trend.
    assert parse_issue({**result, **volume}).trend == ()
    assert parse_issue(result, bucket_seconds=3600).trend == ()


def test_first_release_comes_from_the_first_events_exception_releases() -> None:
    # `first_event` as ErrorTrackingQuery returns it: HogQL's properties are a JSON string;
    # `$exception_releases` maps a release id to the release's info.
    releases = {"0194": {"id": "0194", "version": "shop-web@1.9.0", "project": "shop-web"}}
    first_event = {
        "uuid": "0194d2c5-0000-7000-8000-000000000001",
        "properties": json.dumps({"$exception_releases": releases}),
    }
    result = {"id": "01981c4e-7b2a-7c3d-9e4f-5a6b7c8d9e0f", "name": "TypeError"}
    issue = parse_issue({**result, "first_event": first_event})
    assert (issue.first_release, issue.last_release) == ("shop-web@1.9.0", "")
    assert parse_issue({**result, "first_event": {"properties": "{}"}}).first_release == ""
    assert parse_issue({**result, "first_event": {"properties": "not json"}}).first_release == ""
