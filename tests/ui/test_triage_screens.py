"""The triage screens on top of the real app: bulk confirmation, pickers, activity, the report."""

from __future__ import annotations

from dataclasses import replace

from textual.screen import Screen
from textual.widgets import Input, OptionList, Static

from tests.ui.driver import SIZE, make_app, settle
from tests.ui.fakes import HOSTILE, ME, MEMBERS, NOW, FakeBackend, make_issues
from tui.backends.bugsink import CAPABILITIES as BUGSINK
from tui.backends.errors import ServerError
from tui.backends.posthog_triage import CAPABILITIES as POSTHOG
from tui.backends.sentry_triage import GLITCHTIP_CAPABILITIES
from tui.model import Activity, AssignChange, Change, IgnoreUntil, StatusAction, StatusChange
from tui.render.change import change_report
from tui.screens.activity import ActivityScreen
from tui.screens.confirm import SHOWN_TITLES, ConfirmChangeScreen
from tui.screens.pickers import AssignPicker, ChangePicker, ignore_choices, resolve_choices
from tui.triage import apply_change


def _text(screen: Screen[object], selector: str) -> str:
    return screen.query_one(selector, Static).render().plain


def _options(screen: Screen[object]) -> list[tuple[str, bool]]:
    options = screen.query_one(OptionList)
    return [
        (str(options.get_option_at_index(n).prompt), options.get_option_at_index(n).disabled)
        for n in range(options.option_count)
    ]


async def test_confirmation_names_every_issue_and_y_confirms() -> None:
    issues = make_issues(3)
    issues[1] = replace(issues[1], title=HOSTILE)
    app = make_app(FakeBackend())
    answers: list[bool | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ConfirmChangeScreen(issues, "resolve"), callback=answers.append)
        await pilot.pause()
        screen = app.screen
        assert _text(screen, "#confirm-question") == "resolve 3 issues?"
        titles = screen.query_one("#confirm-titles Static", Static).render()
        assert "BILLING-API-3" in titles.plain
        assert "[bold red]pwned[/]" in titles.plain  # markup shown literally
        assert "\x1b" not in titles.plain
        await pilot.press("y")
        await pilot.pause()
    assert answers == [True]


async def test_confirmation_caps_the_titles_and_n_cancels() -> None:
    issues = make_issues(SHOWN_TITLES + 5)
    app = make_app(FakeBackend())
    answers: list[bool | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ConfirmChangeScreen(issues, "ignore"), callback=answers.append)
        await pilot.pause()
        titles = app.screen.query_one("#confirm-titles Static", Static).render().plain
        assert titles.count("\n") == SHOWN_TITLES
        assert titles.endswith("… and 5 more")
        await pilot.press("escape")
        await pilot.pause()
    assert answers == [False]


async def _pick(picker: ChangePicker, *keys: str) -> list[Change | None]:
    app = make_app(FakeBackend())
    chosen: list[Change | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(picker, callback=chosen.append)
        await settle(app, pilot)
        await pilot.press(*keys)
        await settle(app, pilot)
    return chosen


async def test_ignore_picker_builds_the_condition_typed_in() -> None:
    picker = ChangePicker("Ignore", ignore_choices(FakeBackend().capabilities))
    chosen = await _pick(picker, *"events", "enter", "abc", "enter", "ctrl+u", "5", "0", "enter")
    assert chosen == [StatusChange(StatusAction.IGNORE, until=IgnoreUntil(events=50))]


async def test_ignore_picker_rejects_a_bad_duration_and_takes_a_good_one() -> None:
    picker = ChangePicker("Ignore", ignore_choices(FakeBackend().capabilities))
    chosen = await _pick(picker, *"type", "enter", *"soon", "enter", "ctrl+u", *"3d", "enter")
    assert chosen == [StatusChange(StatusAction.IGNORE, until=IgnoreUntil(minutes=3 * 1440))]


async def test_ignore_picker_moves_with_arrows_to_a_duration() -> None:
    picker = ChangePicker("Ignore", ignore_choices(FakeBackend().capabilities))
    chosen = await _pick(picker, "down", "down", "enter")
    assert chosen == [StatusChange(StatusAction.IGNORE, until=IgnoreUntil(minutes=60))]


async def test_unsupported_conditions_are_greyed_with_the_backends_reason() -> None:
    app = make_app(FakeBackend())
    chosen: list[Change | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ChangePicker("Ignore", ignore_choices(BUGSINK)), callback=chosen.append)
        await pilot.pause()
        options = dict(_options(app.screen))
        assert options["until escalating  Bugsink has no escalation; mute until N events instead"]
        assert not options["for 1 day"]
        await pilot.press(*"escalat", "enter")
        await pilot.pause()
        assert chosen == []  # a greyed choice cannot be taken
        await pilot.press("escape")
        await pilot.pause()
    assert chosen == [None]


async def test_glitchtip_offers_only_plain_ignore() -> None:
    choices = ignore_choices(GLITCHTIP_CAPABILITIES)
    assert [c.label for c in choices if not c.why_not] == ["ignore, no condition"]
    assert {c.why_not for c in choices if c.why_not} == {"GlitchTip ignores without a condition"}


async def test_resolve_picker_in_a_named_release() -> None:
    picker = ChangePicker("Resolve", resolve_choices(FakeBackend().capabilities))
    chosen = await _pick(picker, *"name", "enter", *"billing-api@2.15.0", "enter")
    assert chosen == [StatusChange(StatusAction.RESOLVE, release="billing-api@2.15.0")]


async def test_resolve_picker_escape_returns_from_the_question_to_the_list() -> None:
    picker = ChangePicker("Resolve", resolve_choices(FakeBackend().capabilities))
    chosen = await _pick(picker, *"name", "enter", "escape", "enter")
    assert chosen == [StatusChange(StatusAction.RESOLVE)]


async def test_resolve_picker_on_posthog_greys_both_releases() -> None:
    choices = resolve_choices(POSTHOG)
    assert [c.label for c in choices if not c.why_not] == ["resolve now"]


async def test_assign_picker_puts_me_first_and_filters_by_typing() -> None:
    backend = FakeBackend()
    app = make_app(backend)
    chosen: list[Change | None] = []
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(AssignPicker(backend, "Assign"), callback=chosen.append)
        await settle(app, pilot)
        labels = [label for label, _ in _options(app.screen)]
        assert labels == ["me (Jane Doe)", "Omar Haddad", "team:payments", "unassign"]
        await pilot.press(*"pay", "enter")
        await settle(app, pilot)
    assert chosen == [AssignChange(MEMBERS[2])]


async def test_assign_picker_says_why_the_backend_cannot_assign() -> None:
    backend = FakeBackend()
    backend.capabilities = BUGSINK
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(AssignPicker(backend, "Assign"))
        await settle(app, pilot)
        assert _text(app.screen, "#picker-hint") == "Bugsink issues have no assignee"
        assert _options(app.screen) == []


async def test_activity_shows_newest_first_and_adds_a_comment() -> None:
    backend = FakeBackend()
    issue = next(iter(backend.issues.values()))
    older = Activity(NOW.replace(hour=9), "Omar", "set_resolved")
    newer = Activity(NOW.replace(hour=12), "Omar", "note", HOSTILE)
    backend.activities[issue.id] = [older, newer]
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ActivityScreen(backend, issue))
        await settle(app, pilot)
        shown = [label for label, _ in _options(app.screen)]
        assert shown[0].startswith("2026-08-21 12:00:00 UTC  Omar  note\n  [bold red]pwned[/]")
        assert shown[1] == "2026-08-21 09:00:00 UTC  Omar  set_resolved"
        await pilot.press("c", *"looking into it", "enter")
        await settle(app, pilot)
        assert backend.comments == [(issue.id, "looking into it")]
        shown = [label for label, _ in _options(app.screen)]
        assert shown[0] == f"2026-08-21 18:00:00 UTC  {ME.name}  note\n  looking into it"
        assert app.screen.query_one(Input).value == ""
        assert _text(app.screen, "#activity-status") == "comment added"


async def test_activity_says_why_it_cannot_read_or_comment() -> None:
    backend = FakeBackend()
    backend.capabilities = POSTHOG
    issue = next(iter(backend.issues.values()))
    app = make_app(backend)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.push_screen(ActivityScreen(backend, issue))
        await settle(app, pilot)
        await pilot.press("c")
        await pilot.pause()
        assert _text(app.screen, "#activity-status") == (
            "PostHog's error-tracking API takes no comments"
        )
        assert backend.comments == []
        backend.capabilities = BUGSINK
        app.pop_screen()
        app.push_screen(ActivityScreen(backend, issue))
        await settle(app, pilot)
        assert _text(app.screen, "#activity-status").startswith("Bugsink's API can add a comment")


async def test_report_names_each_failure() -> None:
    backend = FakeBackend()
    ids = list(backend.issues)
    backend.fail_apply[ids[1]] = ServerError(f"HTTP 502 {HOSTILE}")
    record = await apply_change(backend, ids, StatusChange(StatusAction.RESOLVE))
    toast, status = change_report(record, "resolve")
    assert toast.splitlines()[0] == "resolve: 2 of 3 done, 1 failed"
    assert "BILLING-API-2: HTTP 502 [bold red]pwned[/]" in toast
    assert "\x1b" not in toast and "\x00" not in toast
    assert status.plain.startswith("resolve: 2 of 3 done, 1 failed (BILLING-API-2: HTTP 502")
    assert record.failed == (ids[1],)
