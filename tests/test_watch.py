"""Watch mode's bookkeeping: what counts as new, regressed or growing, and the back-off."""

from __future__ import annotations

from dataclasses import replace

from tests.ui.fakes import make_issues
from tui.backends.errors import RateLimited, ServerError
from tui.model import IssueStatus
from tui.watch import MAX_BACKOFF, Backoff, Change, changes


def test_changes_since_the_last_look() -> None:
    a, b, c, d = make_issues(4)
    before = {i.id: i for i in (a, b, replace(c, status=IssueStatus.IGNORED))}
    after = [replace(a, count=a.count + 1), b, c, d]
    assert changes(before, after) == {
        a.id: Change.GROWING,
        c.id: Change.REGRESSED,
        d.id: Change.NEW,
    }


def test_a_regressed_substatus_counts_even_while_still_unresolved() -> None:
    (a,) = make_issues(1)
    regressed = replace(a, substatus="regressed", count=a.count + 5)
    assert changes({a.id: a}, [regressed]) == {a.id: Change.REGRESSED}
    assert changes({a.id: regressed}, [regressed]) == {}


def test_only_new_and_regressed_alert() -> None:
    assert [c for c in Change if c.alerts] == [Change.NEW, Change.REGRESSED]


def test_backoff_takes_retry_after_doubles_otherwise_caps_and_resets() -> None:
    backoff = Backoff(60)
    assert backoff.failed(RateLimited("slow down", retry_after=300)) == 300
    assert backoff.failed(ServerError("502")) == 600
    assert backoff.failed(RateLimited("slow down")) == MAX_BACKOFF
    assert backoff.failed(ServerError("502")) == MAX_BACKOFF
    assert backoff.succeeded() == 60
    # A Retry-After shorter than the interval never makes watch mode poll faster.
    assert backoff.failed(RateLimited("slow down", retry_after=1)) == 60
    # Nor does an absurd one from a lying server stop it for good.
    assert backoff.failed(RateLimited("slow down", retry_after=1e308)) == MAX_BACKOFF
    assert backoff.failed(RateLimited("slow down", retry_after=float("inf"))) == MAX_BACKOFF
