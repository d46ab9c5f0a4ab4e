"""The config's `[keys]` applied to the real app: keys remapped by binding id, help and palette
showing the effective keys, and a binding id Textual does not know reported."""

from __future__ import annotations

from textual.widgets import Static

from tests.ui.driver import SIZE, notices, settle
from tests.ui.fakes import FakeBackend, fixed_clock
from tui.app import StackdeckApp
from tui.model import StatusAction
from tui.screens.help import HelpScreen, all_bindings, unknown_binding_ids


def keyed_app(backend: FakeBackend, keys: dict[str, str]) -> StackdeckApp:
    return StackdeckApp(backend, profile_name="test", clock=fixed_clock, keys=keys)


async def test_a_remapped_key_resolves_and_the_default_no_longer_does() -> None:
    backend = FakeBackend()
    app = keyed_app(backend, {"issues.resolve": "x"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("r")
        await settle(app, pilot)
        assert backend.status_calls == []
        await pilot.press("x")
        await settle(app, pilot)
        assert backend.status_calls == [("4829301773", StatusAction.RESOLVE)]
        assert not any("names no binding" in n for n in notices(app))


async def test_help_and_palette_show_the_effective_key_and_the_binding_id() -> None:
    app = keyed_app(FakeBackend(), {"issues.resolve": "x", "issues.mark": "ctrl+t"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = app.screen.query_one("#help-text", Static).render().plain.splitlines()
        resolve = next(line for line in lines if "issues.resolve " in line)
        assert resolve.split() == ["x", "issues.resolve", "Resolve"]
        mark = next(line for line in lines if "issues.mark " in line)
        assert mark.split()[0] == "^t"
        await pilot.press("escape")
        await pilot.pause()
        commands = {c.title: c.help for c in app.get_system_commands(app.screen)}
        assert commands["Resolve"] == "key: x · issues.resolve"


async def test_an_unknown_binding_id_is_reported() -> None:
    app = keyed_app(FakeBackend(), {"issues.resolv": "x", "issues.reopen": "U"})
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        warnings = [n for n in notices(app) if "names no binding" in n]
        assert warnings == ["[keys] names no binding issues.resolv: see ? for the binding ids"]


def test_every_binding_id_is_known_and_unique() -> None:
    ids = [binding.id for _, binding in all_bindings()]
    assert len(ids) == len(set(ids))
    assert {"issues.resolve", "detail.resolve", "trace.next_frame", "app.help"} <= set(ids)
    assert unknown_binding_ids({"issues.watch": "w", "nope.nope": "n"}) == ["nope.nope"]
