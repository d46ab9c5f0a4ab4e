"""Write screenshots/*.svg from the real app on the bundled demo data.

Run: .venv/bin/python screenshots/make.py   (headless; no terminal or network needed)
"""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent))

from textual.pilot import Pilot  # noqa: E402

from tui.app import StackdeckApp  # noqa: E402
from tui.demo import open_demo_backend  # noqa: E402

SIZE = (120, 36)


async def settle(app: StackdeckApp, pilot: Pilot[None]) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()


async def make(short_id: str) -> None:
    now = datetime.now(UTC)
    app = StackdeckApp(open_demo_backend(now=now), profile_name="demo", clock=lambda: now)
    async with app.run_test(size=SIZE) as pilot:
        await settle(app, pilot)
        app.save_screenshot("issue-list.svg", path=str(ROOT))
        # Open the requested issue: a Python chain shows highlighted context best.
        table = app.screen.query_one("#issues")
        ids = [issue.short_id for issue in table.issues]  # type: ignore[attr-defined]
        if short_id in ids:
            table.move_cursor(row=ids.index(short_id))  # type: ignore[attr-defined]
        await pilot.press("enter")
        await settle(app, pilot)
        app.save_screenshot("issue-detail.svg", path=str(ROOT))
        await pilot.press("question_mark")
        await pilot.pause()
        app.save_screenshot("help.svg", path=str(ROOT))


if __name__ == "__main__":
    asyncio.run(make(sys.argv[1] if len(sys.argv) > 1 else "BILLING-API-1"))
