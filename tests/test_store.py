"""The offline store on disk: model round trip, LRU pruning, private files, bad files ignored."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from tui.demo import open_demo_backend
from tui.model import Event, Issue, IssueQuery
from tui.store import Store
from tui.store_codec import from_jsonable


async def demo_data() -> tuple[list[Issue], list[Event]]:
    backend = open_demo_backend()
    try:
        issues = list((await backend.list_issues(IssueQuery(limit=100))).issues)
        events = [await backend.get_event(issue.id) for issue in issues]
    finally:
        await backend.aclose()
    return issues, events


async def test_every_demo_issue_and_event_comes_back_equal(tmp_path: Path) -> None:
    issues, events = await demo_data()
    store = Store(tmp_path / "store", clock=lambda: 1_000.0)
    store.save_issues(issues, listing=True)
    for issue, event in zip(issues, events, strict=True):
        store.save_event(issue.id, "latest", event)
    listed = store.listed_issues()
    assert listed is not None and listed.saved == 1_000.0
    assert listed.value == issues
    for issue, event in zip(issues, events, strict=True):
        assert store.event(issue.id, "latest") == store.event(issue.id, event.id)
        stored = store.event(issue.id, event.id)
        assert stored is not None and stored.value == event
        assert store.issue(issue.short_id.lower()) == store.issue(issue.id)


async def test_least_recently_used_events_are_pruned_first(tmp_path: Path) -> None:
    _, events = await demo_data()
    first, second, third = events[:3]
    store = Store(tmp_path / "store")
    for event in (first, second, third):
        store.save_event(event.issue_id, event.id, event)
    files = {e.id: store._event_path(e.issue_id, e.id) for e in (first, second, third)}
    assert sorted(files.values()) == sorted(store.directory.glob("events/*"))
    for age, event in enumerate((first, second, third)):
        os.utime(files[event.id], (1_000 + age, 1_000 + age))
    assert store.event(first.issue_id, first.id) is not None  # used now: the newest
    store.max_bytes = files[first.id].stat().st_size + files[third.id].stat().st_size
    store.prune()
    assert store.event(second.issue_id, second.id) is None
    assert store.event(first.issue_id, first.id) is not None
    assert store.event(third.issue_id, third.id) is not None


async def test_the_store_is_private_to_the_user(tmp_path: Path) -> None:
    issues, events = await demo_data()
    store = Store(tmp_path / "store")
    store.save_issues(issues[:1], listing=True)
    store.save_event(issues[0].id, "latest", events[0])
    for path in [store.directory, *store.directory.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path
    assert not list(store.directory.rglob("*.tmp"))


def test_files_that_do_not_decode_read_as_missing(tmp_path: Path) -> None:
    store = Store(tmp_path / "store")
    store.directory.mkdir()
    (store.directory / "issues.json").write_text('{"format": 1, "items": {"1": {}}, "listed": []}')
    assert store.issue("1") is None and store.listed_issues() is None
    (store.directory / "issues.json").write_text("not json")
    assert store.synced is None


@pytest.mark.parametrize(
    "data",
    [
        {"id": 1, "short_id": "A-1", "title": "t"},  # an int where the model has a str
        {"id": "1", "short_id": "A-1"},  # a field missing
        ["1"],
    ],
)
def test_the_codec_refuses_what_does_not_fit_the_model(data: object) -> None:
    with pytest.raises(ValueError, match="not a stored Issue"):
        from_jsonable(Issue, data)
