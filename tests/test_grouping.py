"""Grouping information per backend: what each server's answers say about why an event landed
in its issue, parsed from recorded payloads and the demo servers."""

from __future__ import annotations

import json

from tests.conftest import FIXTURES
from tests.test_glitchtip_backend import GlitchTip
from tests.test_glitchtip_backend import backend as glitchtip_backend
from tui.backends.grouping import bugsink_issue_key, parse_fingerprints, parse_grouping_info
from tui.backends.sentry_parse import parse_event
from tui.cli import main
from tui.demo import demo_server, open_demo_backend
from tui.model import Grouping, GroupingVariant, Issue, IssueQuery
from tui.render.grouping import grouping_pairs

LINKED_ISSUE = "4868186334"
VARIANTS = {
    "system": {"key": "system", "description": "exception stack-trace", "hash": None,
               "contributes": False, "config": {"id": "newstyle:2023-01-11"}},
    "custom-fingerprint": {"key": "custom-fingerprint", "description": "custom fingerprint",
                           "hash": "c0ffee", "contributes": True,
                           "values": ["checkout", "{{ default }}"],
                           "config": {"id": "newstyle:2023-01-11"}},
}  # fmt: skip


def test_sentry_grouping_info_in_both_shapes_puts_the_grouping_variant_first() -> None:
    nested = {"grouping_config": "newstyle:2023-01-11", "variants": VARIANTS}
    for answer in (nested, VARIANTS):  # older servers answer the variants alone
        config, variants = parse_grouping_info(answer)
        assert config == "newstyle:2023-01-11"
        assert variants[0] == GroupingVariant(
            "custom-fingerprint",
            "custom fingerprint",
            "c0ffee",
            True,
            ("checkout", "{{ default }}"),
        )
        assert variants[1].name == "system" and not variants[1].hash
    assert parse_grouping_info(["not", "a", "dict"]) == ("", ())


def test_a_sentry_api_event_carries_its_hashes_and_a_raw_event_its_sdk_fingerprint() -> None:
    api = json.loads((FIXTURES / "sentry" / "sentry_event_python_chained.json").read_text())
    assert parse_event(api).grouping.hashes == tuple(api["fingerprints"])
    # Bugsink serves the raw SDK event: the `fingerprint` the app set is there.
    bugsink = json.loads((FIXTURES / "bugsink" / "py_event_detail.json").read_text())["data"]
    raw = parse_event({**bugsink, "fingerprint": ["{{ default }}", "tenant-7"]})
    assert raw.grouping.fingerprint == ("{{ default }}", "tenant-7")


async def test_sentry_fetches_grouping_info_once_per_event() -> None:
    backend = open_demo_backend("demo")
    server = demo_server("demo")
    issue = await backend.get_issue(LINKED_ISSUE)
    event = await backend.get_event(issue.id, "latest")
    grouping = await backend.grouping_details(issue, event)
    assert grouping.config == "newstyle:2023-01-11"
    assert (
        grouping.variants[0].contributes and grouping.variants[0].hash == event.grouping.hashes[0]
    )
    asked = [r for r in server.requests if r.url.path.endswith("/grouping-info/")]
    assert await backend.grouping_details(issue, event) == grouping
    assert [r for r in server.requests if r.url.path.endswith("/grouping-info/")] == asked
    assert (
        len(asked) == 1
        and f"/projects/demo/{issue.project}/events/{event.id}/" in asked[0].url.path
    )


async def test_glitchtip_says_nothing_and_is_not_asked() -> None:
    server = GlitchTip()
    backend = glitchtip_backend(server)
    issue = await backend.get_issue("1")
    event = await backend.get_event("1", "latest")
    before = len(server.requests)
    assert await backend.grouping_details(issue, event) == event.grouping == Grouping()
    assert len(server.requests) == before
    assert grouping_pairs(event.grouping) == []


async def test_posthog_event_and_issue_fingerprints() -> None:
    backend = open_demo_backend("demo-posthog")
    issue = (await backend.list_issues(IssueQuery(query=""))).issues[0]
    event = await backend.get_event(issue.id, "latest")
    assert len(event.grouping.hashes) == 1
    grouping = await backend.grouping_details(issue, event)
    assert grouping.issue_fingerprints == event.grouping.hashes
    assert ("issue fingerprint", event.grouping.hashes[0]) in grouping_pairs(grouping)


def test_posthog_fingerprint_lists_paginated_or_bare() -> None:
    page = {"count": 2, "next": None, "results": [{"fingerprint": "a"}, {"fingerprint": "b"}]}
    assert parse_fingerprints(page) == ("a", "b")
    assert parse_fingerprints([{"fingerprint": "a"}, {"fingerprint": None}, "junk"]) == ("a",)


def test_bugsink_issue_key_is_type_value_and_transaction() -> None:
    issue = Issue("u", "PY-1", "t", culprit="/charges", type="ValueError", value="declined\nmore")
    assert bugsink_issue_key(issue) == "ValueError: declined ⋄ /charges"
    assert bugsink_issue_key(Issue("u", "PY-1", "t", type="KeyError")) == (
        "KeyError ⋄ <no transaction>"
    )


def test_issues_show_prints_the_grouping_and_asks_the_server_only_with_grouping(capsys) -> None:
    assert main(["--demo", "issues", "show", "BILLING-PORTAL-1", "--json"]) == 0
    own = json.loads(capsys.readouterr().out)["grouping"]
    assert own["hashes"] and not own["config"]
    assert main(["--demo", "issues", "show", "BILLING-PORTAL-1", "--grouping", "--json"]) == 0
    asked = json.loads(capsys.readouterr().out)["grouping"]
    assert asked["config"] == "newstyle:2023-01-11" and asked["variants"][0]["contributes"]
    assert main(["--demo", "issues", "show", "BILLING-PORTAL-1", "--grouping"]) == 0
    text = capsys.readouterr().out
    assert "Grouping\n  event hash: " in text and "grouping config: newstyle:2023-01-11" in text
