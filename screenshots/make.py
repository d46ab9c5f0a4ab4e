"""Write screenshots/*.svg from the real app on the bundled demo data.

Run: .venv/bin/python screenshots/make.py   (headless; no terminal, network or user cache)
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from textual.pilot import Pilot  # noqa: E402

from tui.app import StackdeckApp  # noqa: E402
from tui.demo import demo_config  # noqa: E402
from tui.session import open_session  # noqa: E402
from tui.widgets.issue_table import IssueTable  # noqa: E402

SIZE = (120, 36)


async def settle(pilot: Pilot[None]) -> None:
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def open_issue(pilot: Pilot[None], short_id: str) -> None:
    table = pilot.app.screen.query_one(IssueTable)
    table.move_cursor(row=[issue.short_id for issue in table.issues].index(short_id))
    await pilot.press("enter")
    await settle(pilot)
    # Symbolication starts when the event has loaded: wait for that worker too.
    await settle(pilot)


async def make() -> None:
    """The app as `stackdeck --demo` builds it (cli.py), with a throwaway symbol cache."""
    config = demo_config()
    session = open_session(config.profile(), demo=True)
    app = StackdeckApp(
        session.backend,
        profile_name=session.profile.name,
        symbolicate=session.symbolicate,
        close=session.aclose,
        profiles=tuple(config.profiles),
        open_profile=lambda name: open_session(config.profile(name), demo=True),
    )
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        app.save_screenshot("issue-list.svg", path=str(ROOT))
        # Triage: three issues marked, one confirmation for all of them.
        await pilot.press("space", "j", "space", "j", "space", "r")
        await settle(pilot)
        app.save_screenshot("bulk-confirm.svg", path=str(ROOT))
        await pilot.press("n", "escape", "g")
        await settle(pilot)
        await open_issue(pilot, "BILLING-API-1")
        app.save_screenshot("issue-detail.svg", path=str(ROOT))
        await pilot.press("question_mark")
        await pilot.pause()
        app.save_screenshot("help.svg", path=str(ROOT))
        await pilot.press("escape", "escape")
        await open_issue(pilot, "SHOP-WEB-1")
        app.save_screenshot("issue-detail-js.svg", path=str(ROOT))
        await pilot.press("escape")
        await open_issue(pilot, "CRASHDEMO-1")
        app.save_screenshot("issue-detail-native.svg", path=str(ROOT))
        await pilot.press("R")
        await pilot.pause()
        app.save_screenshot("raw-view.svg", path=str(ROOT))
        await pilot.press("escape")
        await open_issue(pilot, "BILLING-PORTAL-1")
        await pilot.press("c", "asterisk")
        await settle(pilot)
        app.save_screenshot("linked-masked.svg", path=str(ROOT))
        await pilot.press("asterisk", "escape", "P", "j", "enter")
        await settle(pilot)
        await settle(pilot)
        app.save_screenshot("posthog-list.svg", path=str(ROOT))
        # The bundle whose chunk has no symbol set: viewing it records the missing map.
        await pilot.press("enter")
        await settle(pilot)
        await settle(pilot)
        await pilot.press("escape", "S")
        await settle(pilot)
        app.save_screenshot("symbol-sets.svg", path=str(ROOT))


if __name__ == "__main__":
    with tempfile.TemporaryDirectory() as home:
        # Symbol maps are cached under XDG_CACHE_HOME: keep the user's cache out of it.
        os.environ["XDG_CACHE_HOME"] = home
        asyncio.run(make())
