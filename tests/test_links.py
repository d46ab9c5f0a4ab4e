"""Sentry <-> PostHog links: parsed from both sides as the integration writes them, the profile
each leads to, and the lookups behind `X` (a PostHog person's issues, a Sentry event id)."""

from __future__ import annotations

import json

import pytest

from tui.backends.errors import NotFound, Unsupported
from tui.backends.posthog_parse import parse_event as parse_posthog_event
from tui.backends.posthog_query import hogql_string
from tui.backends.sentry_parse import parse_event as parse_sentry_event
from tui.cli import main
from tui.config import Profile
from tui.demo import DEMO_POSTHOG_PROFILE, DEMO_PROFILE, demo_server, open_demo_backend
from tui.demo.posthog_server import DEMO_POSTHOG_URL
from tui.links import LinkTarget, link_target, links_from_properties, links_from_tags
from tui.model import EventLinks, IssueQuery
from tui.offline import CachingBackend, OfflineBackend
from tui.store import Store

LINKED_ISSUE = "4868186334"
"""BILLING-PORTAL-1: the Sentry half of the recorded pair (`record_linked.py`)."""
PERSON_URL = "https://us.i.posthog.com/project/phc_x/person/c_8812"
SENTRY_URL = "https://sentry.io/organizations/acme/issues/?project=42&query=" + "ab" * 16


def test_a_sentry_event_links_to_its_person_by_tag_or_by_the_older_url_tag() -> None:
    modern = links_from_tags(
        [("posthog_distinct_id", "c_8812"), ("PostHog Person URL", PERSON_URL)]
    )
    assert modern == EventLinks(posthog_distinct_id="c_8812", posthog_person_url=PERSON_URL)
    # posthog-python 3.x wrote only `PostHog URL`, its path ending in the distinct id.
    older = links_from_tags([("PostHog URL", "https://eu.posthog.com/person/a%40b.example")])
    assert older.posthog_distinct_id == "a@b.example"
    assert not links_from_tags([("browser", "Chrome")])


def test_a_posthog_event_links_to_its_sentry_event_by_id_or_by_url() -> None:
    event_id = "8f9c6a4a-3e0e-4423-a3dd-4d581041762e"
    assert links_from_properties({"$sentry_event_id": event_id}).sentry_event_id == (
        event_id.replace("-", "")
    )
    by_url = links_from_properties({"$sentry_url": SENTRY_URL})
    assert by_url == EventLinks(sentry_event_id="ab" * 16, sentry_url=SENTRY_URL)
    assert not links_from_properties({"$sentry_event_id": 42, "$lib": "posthog-python"})


def test_both_parsers_fill_the_links() -> None:
    sentry = parse_sentry_event(
        {"eventID": "1" * 32, "tags": [{"key": "posthog_distinct_id", "value": "c_1"}]}
    )
    assert sentry.links.posthog_distinct_id == "c_1"
    row = {"uuid": "0" * 32, "properties": json.dumps({"$sentry_event_id": "f" * 32})}
    assert parse_posthog_event(row).links.sentry_event_id == "f" * 32


def _profile(name: str, backend: str, url: str, org: str = "") -> Profile:
    return Profile(name=name, backend=backend, url=url, org=org)


EU = _profile("eu", "posthog", "https://eu.posthog.com")
US = _profile("us", "posthog", "https://us.posthog.com")
ACME = _profile("acme", "sentry", "https://us.sentry.io", org="acme")
OTHER = _profile("other", "sentry", "https://sentry.io", org="other")
PERSON = EventLinks(posthog_distinct_id="c_8812", posthog_person_url=PERSON_URL)
EVENT = EventLinks(sentry_event_id="ab" * 16, sentry_url=SENTRY_URL)


def test_the_profile_whose_host_the_link_names_wins() -> None:
    # The ingestion host `us.i.posthog.com` is the app host `us.posthog.com`.
    assert link_target(PERSON, [EU, US, ACME], "acme") == LinkTarget("us", person="c_8812")
    # Region hosts are sentry.io; of two Sentry profiles there, the link's organisation.
    assert link_target(EVENT, [OTHER, ACME, EU], "eu") == LinkTarget("acme", event_id="ab" * 16)


def test_the_only_profile_of_its_kind_else_why_not() -> None:
    bare = EventLinks(posthog_distinct_id="c_1")
    assert link_target(bare, [EU, ACME], "acme") == LinkTarget("eu", person="c_1")
    assert "none of the posthog profiles (eu, us)" in str(link_target(bare, [EU, US], "x"))
    assert "no posthog profile is configured" in str(link_target(PERSON, [ACME], "acme"))
    assert "no sentry profile" in str(link_target(EVENT, [EU], "eu"))
    assert "no Sentry <-> PostHog link" in str(link_target(EventLinks(), [EU, ACME], "eu"))


@pytest.mark.parametrize("event_id", ["\ud800" + "a" * 31, "../" + "a" * 29, "g" * 32, "ab" * 20])
def test_a_malformed_sentry_event_id_is_no_usable_link(event_id: str) -> None:
    links = links_from_properties({"$sentry_event_id": event_id})
    refused = link_target(links, [ACME, EU], "eu")
    assert refused == "this event links to a Sentry event, but its id is not 32 hex digits"
    by_url = links_from_properties({"$sentry_url": SENTRY_URL.replace("ab" * 16, "zz" * 16)})
    assert not by_url.sentry_event_id
    # The integration's URL names the event too: its well-formed id stands in.
    both = links_from_properties({"$sentry_event_id": event_id, "$sentry_url": SENTRY_URL})
    assert link_target(both, [ACME, EU], "eu") == LinkTarget("acme", event_id="ab" * 16)


def test_the_demo_links_lead_to_the_other_demo_profile() -> None:
    profiles = [DEMO_PROFILE, DEMO_POSTHOG_PROFILE]
    person = EventLinks(posthog_person_url=f"{DEMO_POSTHOG_URL}/person/c", posthog_distinct_id="c")
    assert link_target(person, profiles, "demo") == LinkTarget("demo-posthog", person="c")


def test_a_distinct_id_cannot_end_the_hogql_string() -> None:
    assert hogql_string("o'brien\\") == "'o\\'brien\\\\'"


async def test_the_recorded_pair_links_both_ways_in_the_demo() -> None:
    sentry = open_demo_backend("demo")
    posthog = open_demo_backend("demo-posthog")
    event = await sentry.get_event(LINKED_ISSUE, "latest")
    assert event.links.posthog_distinct_id == "c_1203"
    assert event.links.posthog_person_url.startswith(DEMO_POSTHOG_URL + "/project/phc_")
    page = await posthog.list_issues(IssueQuery(query="", person="c_1203"))
    expired = next(i for i in page.issues if i.value == "card declined: expired_card")
    back = await posthog.get_event(expired.id, "latest")
    assert back.links.sentry_event_id == event.id
    assert await sentry.find_event(back.links.sentry_event_id) == LINKED_ISSUE


async def test_a_persons_issues_are_only_those_they_hit() -> None:
    posthog = open_demo_backend("demo-posthog")
    server = demo_server("demo-posthog")
    page = await posthog.list_issues(IssueQuery(query="", person="c_8812"))
    hit = {
        e["properties"]["$exception_issue_id"]
        for e in server.events
        if e["distinct_id"] == "c_8812"
    }
    assert {i.id for i in page.issues} == hit and len(hit) >= 2
    assert not (await posthog.list_issues(IssueQuery(query="", person="nobody"))).issues


async def test_sentry_refuses_a_person_filter_and_an_unknown_event_id() -> None:
    sentry = open_demo_backend("demo")
    with pytest.raises(Unsupported):
        await sentry.list_issues(IssueQuery(person="c_8812"))
    with pytest.raises(NotFound):
        await sentry.find_event("0" * 32)


def test_issues_show_prints_the_links_and_json_names_the_profile(capsys) -> None:
    assert main(["--demo", "issues", "show", "BILLING-PORTAL-1"]) == 0
    text = capsys.readouterr().out
    assert "Linked" in text and "PostHog person: c_1203" in text
    assert main(["--demo", "issues", "show", "BILLING-PORTAL-1", "--json"]) == 0
    links = json.loads(capsys.readouterr().out)["links"]
    assert links["posthog_distinct_id"] == "c_1203"
    assert links["profile"] == "demo-posthog"


async def test_a_persons_issues_do_not_replace_the_stored_list(tmp_path) -> None:
    store = Store(tmp_path / "store")
    caching = CachingBackend(open_demo_backend("demo-posthog"), store)
    everything = await caching.list_issues(IssueQuery(query=""))
    await caching.list_issues(IssueQuery(query="", person="c_8812"))
    listed = store.listed_issues()
    assert listed is not None and len(listed.value) == len(everything.issues) > 2
    with pytest.raises(Unsupported, match="by person"):
        await OfflineBackend(store).list_issues(IssueQuery(query="", person="c_8812"))
