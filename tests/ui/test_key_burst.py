"""Keys typed fast or pasted right after `/` are text for the query, never list commands."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from tests.ui.driver import make_app, settle
from tests.ui.fakes import FakeBackend, make_issues


async def test_a_burst_after_slash_lands_in_the_query_and_enter_submits_it() -> None:
    backend = FakeBackend(make_issues(3))
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        # All at once, as a terminal delivers a paste: Textual forwards each key to the
        # widget focused when it arrives, the list, before `/` has moved the focus.
        for key, char in [("slash", "/"), ("space", " "), ("y", "y"), ("r", "r")]:
            app.post_message(events.Key(key, char))
        app.post_message(events.Key("enter", "\r"))
        await settle(app, pilot)
        await settle(app, pilot)
        assert app.screen.issue_query.query.endswith(" yr")  # type: ignore[attr-defined]
        assert backend.status_calls == [] and backend.applied == []  # `r` resolved nothing
        assert not [n for n in app._notifications if "copied" in n.message.lower()]  # no `y`
        assert not isinstance(app.focused, Input)
