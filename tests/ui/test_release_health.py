"""Release health in the issue list: the priority sort, badges, the release filter, the
trend and release columns at 80, 120 and 160 columns, releases fetched from the detail."""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input

from tests.ui.driver import make_app, settle, static_text, status_cell
from tests.ui.fakes import FakeBackend, fixed_clock, make_issues
from tui.app import StackdeckApp
from tui.backends.search import without_key
from tui.demo import demo_config
from tui.model import Issue
from tui.priority import PRIORITY_SORT
from tui.screens.issue_health import ReleasePicker, release_term
from tui.session import open_session
from tui.widgets.issue_table import IssueTable


def health_issues() -> list[Issue]:
    """The quietest issue first in the server's order: the priority sort must move it."""
    first, second, third = make_issues(3)
    return [
        replace(first, count=3, user_count=1, trend=(0, 0, 1, 0, 2, 0, 0)),
        replace(
            second,
            count=5000,
            user_count=400,
            substatus="regressed",
            first_release="billing-api@2.13.0",
            last_release="billing-api@2.14.1",
            trend=(5, 0, 0, 0, 0, 9, 40),
        ),
        replace(third, count=40, user_count=12, substatus="ongoing"),
    ]


def columns(app: object) -> dict[str, int]:
    table = app.screen.query_one(IssueTable)  # type: ignore[attr-defined]
    return {str(key.value): column.width for key, column in table.columns.items()}


async def press_sort_until(app: object, pilot: object, sort: str) -> None:
    for _ in range(8):
        if app.screen.issue_query.sort == sort:  # type: ignore[attr-defined]
            return
        await pilot.press("s")  # type: ignore[attr-defined]
        await settle(app, pilot)  # type: ignore[arg-type]
    raise AssertionError(f"s never reached {sort}")


async def test_s_reaches_priority_which_ranks_client_side_over_the_servers_order() -> None:
    backend = FakeBackend(health_issues())
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await press_sort_until(app, pilot, PRIORITY_SORT)
        # The server is asked for its own default order; stackdeck ranks what came back.
        assert backend.queries[-1][0].sort == "date"
        table = app.screen.query_one(IssueTable)
        ranked = [i.short_id for i in table.issues]
        assert ranked == ["BILLING-API-2", "BILLING-API-3", "BILLING-API-1"]
        assert "sort priority" in static_text(app, "#title-bar")
        assert "priority over the 3 issues fetched" in static_text(app, "#status-line")
        assert "more on the server" not in static_text(app, "#status-line")


async def test_a_paged_priority_list_says_only_the_fetched_issues_were_scored() -> None:
    backend = FakeBackend(make_issues(60), page_size=50)
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await press_sort_until(app, pilot, PRIORITY_SORT)
        status = static_text(app, "#status-line")
        assert "priority over the 50 issues fetched; more on the server" in status
        # The next page is scored with the rows already shown.
        await pilot.press("G")
        await settle(app, pilot)
        assert "priority over the 60 issues fetched" in static_text(app, "#status-line")
        table = app.screen.query_one(IssueTable)
        counts = [i.count for i in table.issues]
        assert counts == sorted(counts, reverse=True)


async def test_badges_are_words_in_the_status_column() -> None:
    app = make_app(FakeBackend(health_issues()))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        first, second, third = (i.id for i in health_issues())
        assert status_cell(app, second) == "REGRESSED"
        # Sentry says ongoing: no badge, the plain status.
        assert status_cell(app, third) == "unresolved"
    async with make_app(FakeBackend(health_issues())).run_test(size=(80, 24)) as pilot:
        await settle(pilot.app, pilot)  # type: ignore[arg-type]
        assert status_cell(pilot.app, second) == "regr"  # type: ignore[arg-type]


async def test_columns_at_80_120_and_160() -> None:
    for size, expected, absent in (
        ((80, 24), {"trend": 5}, {"last_release", "first_release", "culprit"}),
        ((120, 36), {"trend": 7, "last_release": 8}, {"first_release", "culprit"}),
        ((160, 40), {"trend": 14, "last_release": 8, "first_release": 8}, set()),
    ):
        app = make_app(FakeBackend(health_issues()))
        async with app.run_test(size=size) as pilot:
            await settle(app, pilot)
            found = columns(app)
            assert {k: found.get(k) for k in expected} == expected, size
            assert not absent & set(found), size
            table = app.screen.query_one(IssueTable)
            # Nothing runs off the right edge.
            assert table.virtual_size.width <= size[0], size
            loud = health_issues()[1].id
            assert table.get_cell(loud, "trend").plain.endswith("█")


async def test_without_trend_or_releases_the_columns_stay_as_they_were() -> None:
    app = make_app(FakeBackend(make_issues(3)))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        found = columns(app)
        assert "culprit" in found
        assert not {"trend", "last_release", "first_release"} & set(found)


async def test_v_picks_a_release_seen_and_puts_it_in_the_query() -> None:
    backend = FakeBackend(health_issues())
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("slash", "ctrl+u", *"Card", "enter")
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, ReleasePicker)
        assert picker.releases == ["billing-api@2.14.1", "billing-api@2.13.0"]
        await pilot.press("down", "down", "enter")
        await settle(app, pilot)
        assert backend.queries[-1][0].query == "Card release:billing-api@2.13.0"
        # Picking again opens on the release in force; "every release" takes it out.
        await pilot.press("v")
        await settle(app, pilot)
        assert app.screen.options.highlighted == 2
        await pilot.press("k", "k", "enter")
        await settle(app, pilot)
        assert backend.queries[-1][0].query == "Card"


async def test_the_release_picker_moves_with_j_k_and_filters_by_typing_like_the_others() -> None:
    backend = FakeBackend(health_issues())
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press("j", "enter")  # j moves while nothing is typed
        await settle(app, pilot)
        assert backend.queries[-1][0].query.endswith("release:billing-api@2.14.1")
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press(*"13", "enter")  # typing filters, as in the triage pickers
        await settle(app, pilot)
        assert backend.queries[-1][0].query.endswith("release:billing-api@2.13.0")
        await pilot.press("v")
        await settle(app, pilot)
        await pilot.press("a", "j", "k")  # once something is typed, j and k are letters
        assert app.screen.query_one("#picker-input", Input).value == "ajk"


class DetailReleasesBackend(FakeBackend):
    """Like Sentry: the list names no releases, each issue's detail does."""

    releases_on_detail = True

    def __init__(self) -> None:
        super().__init__(make_issues(3))
        self.details = {
            i.id: replace(i, first_release="api@1.0", last_release=f"api@1.{n}")
            for n, i in enumerate(self.issues.values())
        }

    async def get_issue(self, issue_id: str) -> Issue:
        self.issue_calls.append(issue_id)
        return self.details[issue_id]


async def test_releases_named_only_on_the_detail_are_fetched_for_the_rows_on_screen() -> None:
    backend = DetailReleasesBackend()
    app = make_app(backend)
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await settle(app, pilot)
        assert sorted(backend.issue_calls) == sorted(backend.issues)
        table = app.screen.query_one(IssueTable)
        assert [table.get_cell(i, "last_release").plain for i in backend.issues] == [
            "1.0",
            "1.1",
            "1.2",
        ]
        # A reload keeps what was fetched: no second round of requests.
        await pilot.press("ctrl+r")
        await settle(app, pilot)
        assert len(backend.issue_calls) == 3
        assert table.get_cell(next(iter(backend.issues)), "last_release").plain == "1.0"


async def test_a_hostile_release_name_shows_inert() -> None:
    hostile = "[bold]2[/]\x1b[31m.0\x07"
    issues = [replace(make_issues(1)[0], first_release=hostile, last_release=hostile)]
    app = make_app(FakeBackend(issues))
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(app, pilot)
        cell = app.screen.query_one(IssueTable).get_cell(issues[0].id, "last_release").plain
        assert cell.startswith("[bold]2")  # cut to the column, markup shown as text
        assert "\x1b" not in cell and "\x07" not in cell
        await pilot.press("v")
        await settle(app, pilot)
        assert isinstance(app.screen, ReleasePicker)
        await pilot.press("down", "enter")
        await settle(app, pilot)
        # The release goes into the query as the server named it.
        query = app.screen.issue_query.query  # type: ignore[attr-defined]
        assert without_key(query, "release")[0] == (hostile,)


async def test_releases_with_odd_digits_sort_as_numbers_without_crashing_the_picker() -> None:
    # `²` is a digit to str.isdigit() but not to int(); 5000 digits exceed int()'s limit.
    huge = "api@" + "9" * 5000
    names = ["api@1²", "api@9", huge, "api@10"]
    issues = [
        replace(issue, first_release=name, last_release=name)
        for issue, name in zip(make_issues(len(names)), names, strict=True)
    ]
    assert await releases_offered(issues) == [huge, "api@10", "api@9", "api@1²"]


def test_release_terms_survive_spaces_and_quotes() -> None:
    for release in ("api@2.14.1", 'odd "name" v1', "it's 2"):
        assert without_key(f"is:unresolved {release_term(release)}", "release") == (
            (release,),
            "is:unresolved",
        )


async def test_the_picker_lists_the_highest_version_first_by_number() -> None:
    first, second, third = make_issues(3)
    issues = [
        replace(first, first_release="api@2.9.0", last_release="api@2.14.1"),
        replace(second, last_release="api@2.10.0"),
        third,
    ]
    assert await releases_offered(issues) == ["api@2.14.1", "api@2.10.0", "api@2.9.0"]


async def releases_offered(issues: list[Issue]) -> list[str]:
    """What `v`'s picker lists over `issues`."""
    app = make_app(FakeBackend(issues))
    async with app.run_test(size=(120, 36)) as pilot:
        await settle(app, pilot)
        await pilot.press("v")
        await settle(app, pilot)
        picker = app.screen
        assert isinstance(picker, ReleasePicker)
        return picker.releases


def demo_app() -> StackdeckApp:
    """The demo through its whole session (store, prefetch), as `stackdeck --demo` runs."""
    session = open_session(demo_config().profile("demo"), demo=True)
    return StackdeckApp(session.backend, clock=fixed_clock)


async def settled_demo_list(app: StackdeckApp, pilot: object) -> IssueTable:
    for _ in range(4):
        await settle(app, pilot)  # type: ignore[arg-type]
    return app.screen.query_one(IssueTable)


async def test_the_demo_fills_every_row_on_screen_though_the_first_release_adds_a_column() -> None:
    # The first release to arrive rebuilds the table for its new column, which once ended the
    # round after one row.
    app = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        table = await settled_demo_list(app, pilot)
        shown = [table.get_cell(issue.id, "last_release").plain for issue in table.issues]
        assert len(shown) > 5 and all(shown), shown


async def test_a_status_change_keeps_the_rows_trend_and_release() -> None:
    # The change's answer is the issue's own page: hourly stats of a day and no releases.
    app = demo_app()
    async with app.run_test(size=(120, 36)) as pilot:
        table = await settled_demo_list(app, pilot)
        issue = table.issues[3]
        table.move_cursor(row=3)
        before = [table.get_cell(issue.id, key).plain for key in ("trend", "last_release")]
        await pilot.press("r")
        await settle(app, pilot)
        assert status_cell(app, issue.id) == "resolved"
        assert [table.get_cell(issue.id, key).plain for key in ("trend", "last_release")] == before
