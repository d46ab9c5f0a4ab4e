"""Write screenshots/*.svg from the real app on the bundled demo data.

Run: .venv/bin/python screenshots/make.py   (headless; no terminal, network or user cache)
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from textual.pilot import Pilot  # noqa: E402

from tui.app import StackdeckApp  # noqa: E402
from tui.demo import open_demo_backend  # noqa: E402
from tui.model import Event  # noqa: E402
from tui.screens.issue_detail import Symbolicate  # noqa: E402
from tui.symbols import LocalDirSource, SymbolCache, Symbolicator  # noqa: E402
from tui.widgets.issue_table import IssueTable  # noqa: E402

SIZE = (120, 36)
DEMO_SYMBOLS = ROOT.parent / "tui" / "demo" / "data" / "symbols"


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


def local_symbolicate(cache_dir: Path) -> Symbolicate:
    symbolicator = Symbolicator(SymbolCache(cache_dir), [LocalDirSource(DEMO_SYMBOLS)])

    async def symbolicate(event: Event) -> Event:
        return (await symbolicator.symbolicate(event)).apply(event)

    return symbolicate


async def open_issue(pilot: Pilot[None], short_id: str) -> None:
    table = pilot.app.screen.query_one(IssueTable)
    table.move_cursor(row=[issue.short_id for issue in table.issues].index(short_id))
    await pilot.press("enter")
    await settle(pilot)
    # Symbolication starts when the event has loaded: wait for that worker too.
    await settle(pilot)


async def make() -> None:
    now = datetime.now(UTC)
    with tempfile.TemporaryDirectory() as cache:
        app = StackdeckApp(
            open_demo_backend(now=now),
            profile_name="demo",
            clock=lambda: now,
            symbolicate=local_symbolicate(Path(cache)),
        )
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot)
            app.save_screenshot("issue-list.svg", path=str(ROOT))
            await open_issue(pilot, "BILLING-API-1")
            app.save_screenshot("issue-detail.svg", path=str(ROOT))
            await pilot.press("question_mark")
            await pilot.pause()
            app.save_screenshot("help.svg", path=str(ROOT))
            await pilot.press("escape", "escape")
            await open_issue(pilot, "SHOP-WEB-1")
            app.save_screenshot("issue-detail-js.svg", path=str(ROOT))


if __name__ == "__main__":
    asyncio.run(make())
