"""The Symbol sets screen (`S`): cached, on the server, missing; `a` adds, `U` uploads."""

from __future__ import annotations

from pathlib import Path

from tests.ui.driver import SIZE, notices, settle
from tests.ui.fakes import FakeBackend
from tui.app import StackdeckApp
from tui.backends.posthog import PostHogBackend
from tui.config import app_dirs
from tui.demo.posthog_data import DATA_DIR
from tui.demo.posthog_server import DemoPostHogServer
from tui.demo.posthog_symbol_store import FAILED_SETS
from tui.screens.symbol_sets import PathPrompt, SymbolRows, SymbolSetsScreen
from tui.symbols.cache import SymbolCache
from tui.symbols.missing import Attempt, Need, NeedingFrame

BUNDLE = next((DATA_DIR / "symbols").glob("index-*.js"))


def posthog_app(read_only: bool = False) -> tuple[StackdeckApp, DemoPostHogServer]:
    server = DemoPostHogServer.from_package()
    backend = PostHogBackend.connect(
        "https://posthog.example.com", "phx_test", "73091", transport=server.transport()
    )
    return StackdeckApp(backend, profile_name="web", read_only=read_only), server


def rows_text(app: StackdeckApp) -> list[str]:
    return [row.text for row in app.screen.query_one(SymbolRows).rows]


def remember_missing(profile: str, chunk: str = "c-gone") -> None:
    cache = SymbolCache(app_dirs().cache / "symbols")
    frame = NeedingFrame(
        "https://shop.example.com/assets/admin-7Q2MZ1XA.js:1:77", "n", "WEB-3", "e3"
    )
    looked = (
        Attempt("local cache", "cache miss", "no map for chunk id " + chunk),
        Attempt("posthog project 73091", "not found"),
    )
    cache.missing.record(profile, [Need((f"chunk_id:{chunk}",), (frame,), looked)])


async def test_S_shows_the_three_sections_and_the_failed_set() -> None:
    remember_missing("web")
    app, _ = posthog_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        assert isinstance(app.screen, SymbolSetsScreen)
        text = "\n".join(rows_text(app))
        [failed] = FAILED_SETS
        assert "Cached here (0 maps, 0B)" in text
        assert "On the server (2 sets)" in text and f"FAILED  {failed}" in text
        assert "Invalid source map: bad json" in text
        assert "Missing (1 map that frames needed and did not get)" in text
        assert "needed by https://shop.example.com/assets/admin-7Q2MZ1XA.js:1:77 in n" in text
        assert "looked in posthog project 73091: not found" in text
        await pilot.press("escape")
        assert not isinstance(app.screen, SymbolSetsScreen)


async def test_S_is_in_the_palette() -> None:
    app, _ = posthog_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        titles = [c.title for c in app.get_system_commands(app.screen)]
        assert "Symbol sets" in titles


async def test_the_cursor_walks_items_and_U_uploads_for_the_selected_chunk(tmp_path: Path) -> None:
    remember_missing("web", "c-admin")
    script = tmp_path / "admin-7Q2MZ1XA.js"
    script.write_bytes(BUNDLE.read_bytes())
    (tmp_path / (script.name + ".map")).write_bytes(
        BUNDLE.with_name(BUNDLE.name + ".map").read_bytes()
    )
    app, server = posthog_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        rows = app.screen.query_one(SymbolRows)
        for _ in range(5):
            await pilot.press("j")
        assert rows.selected is not None and rows.selected.text.startswith("  chunk_id:c-admin")
        await pilot.press("U")
        await pilot.pause()
        await pilot.press(*str(script), "enter")
        await pilot.pause()
        await pilot.press("y")
        await settle(app, pilot)
        assert "c-admin" in server.symbol_store.sets
        assert server.symbol_store.sets["c-admin"].blob is not None
        assert any("lists symbol set c-admin as ok" in n for n in notices(app))
        assert any(r.startswith("  OK      c-admin") for r in rows_text(app))


async def test_U_on_a_read_only_profile_says_why_and_sends_nothing() -> None:
    app, server = posthog_app(read_only=True)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        before = len(server.requests)
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, SymbolSetsScreen)  # no prompt opened
        assert any("profile web is read-only" in n for n in notices(app))
        assert all(r.method == "GET" for r in server.requests[before:])


async def test_a_adds_a_folder_to_the_cache_and_clears_what_it_provides() -> None:
    app, _ = posthog_app()
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        await pilot.press(*str(BUNDLE.parent), "enter")
        await settle(app, pilot)
        text = "\n".join(rows_text(app))
        assert "Cached here (1 map," in text
        assert any("1 map added" in n for n in notices(app))


async def test_a_server_without_symbol_sets_says_why() -> None:
    backend = FakeBackend()
    from tui.model import Capabilities, Feature

    backend.capabilities = Capabilities({Feature.SYMBOL_SETS: "Bugsink cannot list them"})
    app = StackdeckApp(backend, profile_name="b")
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        assert "  Bugsink cannot list them" in rows_text(app)


async def test_huge_and_hostile_lists_render_only_what_is_on_screen() -> None:
    app, server = posthog_app()
    for n in range(3000):
        server.symbol_store.add(f"c-{n:05}", None, failure="[b]x[/b]\x1b[31m" * 3)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        text = rows_text(app)
        assert any("the server has more; the newest 2000 are listed" in t for t in text)
        assert not any("\x1b" in t for t in text)
        assert any("[b]x[/b]" in t for t in text)


async def test_the_demo_admin_crash_shows_up_as_missing_after_viewing_it() -> None:
    from tui.demo import DEMO_POSTHOG_PROFILE
    from tui.session import open_session
    from tui.widgets.issue_table import IssueTable

    session = open_session(DEMO_POSTHOG_PROFILE, demo=True)
    app = StackdeckApp(
        session.backend,
        profile_name=DEMO_POSTHOG_PROFILE.name,
        symbolicate=session.symbolicate,
        close=session.aclose,
        symbols_profile=session.symbols_profile,
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        table = app.screen.query_one(IssueTable)
        admin = next(i for i in table.issues if "(reading 'map')" in i.title)
        table.move_cursor(row=table.get_row_index(admin.id))
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        text = "\n".join(rows_text(app))
        assert "Missing (1 map that frames needed and did not get)" in text
        assert f"in e ({admin.short_id}, event " in text
        assert "looked in posthog project 73091: not found" in text


def test_snapshot_symbol_sets_at_80x24(snap_compare) -> None:  # type: ignore[no-untyped-def]
    from datetime import UTC, datetime

    from tui.symbols.missing import MissingMaps

    now = datetime(2026, 11, 21, 12, 0, tzinfo=UTC)
    server = DemoPostHogServer.from_package(now=now)
    backend = PostHogBackend.connect(
        "https://posthog.example.com", "phx_test", "73091", transport=server.transport()
    )
    missing = MissingMaps(app_dirs().cache / "symbols", clock=now.timestamp)
    frame = NeedingFrame(
        "https://shop.example.com/assets/admin-7Q2MZ1XA.js:2:211", "e", "WEB-3", "e3"
    )
    looked = (Attempt("local cache", "cache miss"), Attempt("posthog project 73091", "not found"))
    missing.record("web", [Need(("chunk_id:b875263c",), (frame,), looked)])
    app = StackdeckApp(backend, profile_name="web")

    async def open_screen(pilot) -> None:  # type: ignore[no-untyped-def]
        await settle(pilot.app, pilot)
        await pilot.press("S")
        await settle(pilot.app, pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=open_screen)


async def test_a_with_a_bad_path_says_so_plainly_and_U_asks_at_the_bottom(tmp_path: Path) -> None:
    app, _ = posthog_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("S")
        await settle(app, pilot)
        await pilot.press("a")
        await pilot.pause()
        gone = tmp_path / "gone.map"
        await pilot.press(*str(gone), "enter")
        await settle(app, pilot)
        assert notices(app)[-1] == f"no such file or folder: {gone}"
        await pilot.press("U")
        await pilot.pause()
        assert isinstance(app.screen, PathPrompt)
        panel = app.screen.query_one(".modal-panel").region
        assert panel.y > 1 and panel.bottom >= 24 - 2  # below the title, down by the keys
