"""The committed demo data (recorded by tests/recorders/record_demo.py) is consistent."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import sourcemap

DATA = Path(__file__).resolve().parents[1] / "tui" / "demo" / "data"
SENTRY = DATA / "sentry"
SYMBOLS = DATA / "symbols"


def load(path: Path) -> Any:
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def issues() -> list[dict[str, Any]]:
    return load(SENTRY / "issues.json")


@pytest.fixture(scope="module")
def events(issues: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    return {issue["id"]: load(SENTRY / "events" / f"{issue['id']}.json") for issue in issues}


def exceptions(event: dict[str, Any]) -> list[dict[str, Any]]:
    entry = next(entry for entry in event["entries"] if entry["type"] == "exception")
    return entry["data"]["values"]


def all_frames(event: dict[str, Any]) -> list[dict[str, Any]]:
    return [f for value in exceptions(event) for f in (value["stacktrace"] or {})["frames"]]


def issue_titled(issues: list[dict[str, Any]], prefix: str) -> dict[str, Any]:
    return next(issue for issue in issues if issue["title"].startswith(prefix))


def test_every_issue_has_its_events_and_no_file_is_orphaned(issues, events) -> None:
    files = {path.stem for path in (SENTRY / "events").glob("*.json")}
    # Feature recordings (`issues-<topic>.json`) bring their own events.
    feature = {issue["id"] for path in SENTRY.glob("issues-*.json") for issue in load(path)}
    assert files == {issue["id"] for issue in issues} | feature
    for issue in issues:
        assert re.fullmatch(r"\d+", issue["id"])
        assert isinstance(issue["count"], str) and isinstance(issue["userCount"], int)
        assert int(issue["count"]) == len(events[issue["id"]]) >= 2
        assert {event["groupID"] for event in events[issue["id"]]} == {issue["id"]}


def test_issue_list_is_newest_first_and_matches_its_events(issues, events) -> None:
    assert [i["lastSeen"] for i in issues] == sorted((i["lastSeen"] for i in issues), reverse=True)
    assert len({issue["shortId"] for issue in issues}) == len(issues)
    assert {issue["project"]["slug"] for issue in issues} == {"billing-api", "shop-web"}
    for issue in issues:
        details = events[issue["id"]]
        dates = [event["dateCreated"] for event in details]
        assert dates == sorted(dates), "events are stored oldest first"
        assert (issue["firstSeen"], issue["lastSeen"]) == (dates[0], dates[-1])
        users = {tag["value"] for e in details for tag in e["tags"] if tag["key"] == "user"}
        assert issue["userCount"] == len(users)
        assert issue["title"] == details[-1]["title"]


def test_previous_and_next_event_ids_chain_each_issue(events) -> None:
    for details in events.values():
        ids = [event["eventID"] for event in details]
        assert [event["previousEventID"] for event in details] == [None, *ids[:-1]]
        assert [event["nextEventID"] for event in details] == [*ids[1:], None]


def test_exception_values_run_root_cause_first(issues, events) -> None:
    for details in events.values():
        for event in details:
            values = exceptions(event)
            assert values[-1]["type"] == event["metadata"]["type"]
            position = {
                v["mechanism"]["exception_id"]: i
                for i, v in enumerate(values)
                if "exception_id" in (v["mechanism"] or {})
            }
            for index, value in enumerate(values):
                parent = (value["mechanism"] or {}).get("parent_id")
                if parent is not None:
                    assert index < position[parent], "a cause comes before what it caused"
    declined = issue_titled(issues, "ValueError: card declined")
    for event in events[declined["id"]]:
        assert [v["type"] for v in exceptions(event)] == ["CardDeclined", "ValueError"]
    context_chain = issue_titled(issues, "AttributeError")
    for event in events[context_chain["id"]]:
        assert [v["type"] for v in exceptions(event)] == ["KeyError", "AttributeError"]


def test_exception_group_keeps_the_sdk_mechanism_links(issues, events) -> None:
    group = issue_titled(issues, "ExceptionGroup")
    for event in events[group["id"]]:
        values = exceptions(event)
        assert values[-1]["mechanism"]["is_exception_group"] is True
        assert values[-1]["mechanism"]["exception_id"] == 0
        assert len(values) >= 3
        assert all(v["mechanism"]["parent_id"] == 0 for v in values[:-1])


def test_frames_are_camel_case_with_numbered_context(events) -> None:
    for details in events.values():
        for frame in all_frames(details[0]):
            assert {"absPath", "lineNo", "colNo", "inApp", "context", "vars"} <= frame.keys()
            for number, line in frame["context"]:
                assert isinstance(number, int) and isinstance(line, str)
            if frame["context"]:
                assert [n for n, _ in frame["context"]].count(frame["lineNo"]) == 1


def test_in_app_and_library_frames_both_appear(issues, events) -> None:
    refund = issue_titled(issues, "TypeError: Object of type Decimal")
    frames = all_frames(events[refund["id"]][0])
    library = [frame["absPath"] for frame in frames if not frame["inApp"]]
    assert any("/site-packages/httpx/" in path for path in library)
    assert any(path.endswith("/json/encoder.py") for path in library)
    assert frames[-1]["function"] == "default" and not frames[-1]["inApp"]
    assert any(frame["inApp"] for frame in frames)


def test_long_stack_is_trimmed_like_relay_does(issues, events) -> None:
    deep = issue_titled(issues, "BundleCycleError")
    frames = all_frames(events[deep["id"]][0])
    assert len(frames) > 50
    slim = [i for i, frame in enumerate(frames) if frame["vars"] is None]
    assert slim and min(slim) > 0 and max(slim) < len(frames) - 1, "only middle frames slimmed"
    assert all(len(frames[i]["context"]) == 1 for i in slim)
    assert frames[-1]["vars"] and len(frames[-1]["context"]) > 1


def test_hostile_strings_are_kept_verbatim(issues) -> None:
    hostile = issue_titled(issues, "PurchaseOrderError")
    assert "[bold red]x[/]" in hostile["title"]
    assert "\x1b[31m" in hostile["title"] and "\x07" in hostile["title"]


def js_event(issues, events, prefix: str) -> dict[str, Any]:
    return events[issue_titled(issues, prefix)["id"]][0]


def test_minified_frames_map_to_the_original_source(issues, events) -> None:
    event = js_event(issues, events, "TypeError: Cannot read properties")
    image = next(e for e in event["entries"] if e["type"] == "debugmeta")["data"]["images"][0]
    bundle = SYMBOLS / image["code_file"].rsplit("/", 1)[-1]
    map_json = load(bundle.with_name(bundle.name + ".map"))
    assert image["type"] == "sourcemap"
    assert map_json["debug_id"] == map_json["debugId"] == image["debug_id"]
    assert f"//# debugId={image['debug_id']}" in bundle.read_text().splitlines()

    crash = all_frames(event)[-1]
    assert crash["absPath"] == image["code_file"]
    index = sourcemap.loads(json.dumps(map_json))
    token = index.lookup(crash["lineNo"] - 1, crash["colNo"] - 1)
    assert token.src.endswith("src/lib/cart.js")
    source = map_json["sourcesContent"][map_json["sources"].index(token.src)]
    assert "line.product.price" in source.splitlines()[token.src_line]


def test_minified_function_names_differ_from_the_original(issues, events) -> None:
    event = js_event(issues, events, "TypeError: Cannot read properties")
    crash = all_frames(event)[-1]
    bundle = SYMBOLS / crash["absPath"].rsplit("/", 1)[-1]
    code = bundle.read_text().splitlines()
    declaration = f"function {crash['function']}("
    line = next(i for i, text in enumerate(code) if declaration in text)
    column = code[line].index(declaration) + len("function ")
    index = sourcemap.loads(bundle.with_name(bundle.name + ".map").read_text())
    assert index.lookup(line, column).name == "lineTotal" != crash["function"]


def test_raw_ingest_events_are_the_same_events_in_snake_case(events) -> None:
    raw = [load(path) for path in sorted((DATA / "ingest").glob("*/*.json"))]
    assert {event["event_id"] for event in raw} == {
        event["eventID"] for details in events.values() for event in details
    }
    python = [event for event in raw if event["platform"] == "python"]
    assert python and all(event["sdk"]["name"] == "sentry.python" for event in python)
    frame = python[0]["exception"]["values"][-1]["stacktrace"]["frames"][-1]
    assert {"abs_path", "lineno", "context_line", "in_app"} <= frame.keys()


def test_demo_data_stays_small() -> None:
    total = sum(path.stat().st_size for path in DATA.rglob("*") if path.is_file())
    # Sentry recordings ~490 KB, native and JVM crashes ~24 KB, PostHog ~11 KB (xz), the
    # cross-linked Sentry/PostHog pair ~33 KB.
    assert total < 580_000
