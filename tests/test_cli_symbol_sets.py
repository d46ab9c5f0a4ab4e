"""`stackdeck symbols list` (cached, on the server, missing) and `symbols upload`, on the demo."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tui.cli import main
from tui.config import app_dirs
from tui.demo import demo_server
from tui.demo.posthog_data import DATA_DIR
from tui.demo.posthog_symbol_store import FAILED_SETS
from tui.symbols.cache import SymbolCache
from tui.symbols.missing import Attempt, Need, NeedingFrame

BUNDLE = next((DATA_DIR / "symbols").glob("index-*.js"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _remember(profile: str, reason: str = "not found") -> None:
    cache = SymbolCache(app_dirs().cache / "symbols")
    frame = NeedingFrame("https://shop.example.com/assets/admin.js:1:9", "x", "SHOP-9", "e9")
    looked = (Attempt("posthog project 73091", reason),)
    cache.missing.record(profile, [Need(("chunk_id:c-gone",), (frame,), looked)])


def test_list_shows_the_three_parts_for_the_posthog_demo(
    capsys: pytest.CaptureFixture[str],
) -> None:
    _remember("demo:demo-posthog")
    _remember("another")
    code, out, _ = run(capsys, "--demo", "--profile", "demo-posthog", "symbols", "list", "--json")
    listed = json.loads(out)
    assert code == 0 and listed["cached"] == []
    statuses = {s["ref"]: s["status"] for s in listed["server"]["sets"]}
    [failed] = FAILED_SETS
    assert statuses[failed] == "failed" and "ok" in statuses.values()
    [missing] = listed["missing"]  # this profile's only
    assert missing["key"] == "chunk_id:c-gone" and missing["frames"][0]["issue"] == "SHOP-9"
    code, text, _ = run(capsys, "--demo", "--profile", "demo-posthog", "symbols", "list")
    assert re.search(r"^On the server \(2 sets\)$", text, re.M)
    assert "  FAILED  " + failed in text and "Invalid source map: bad json" in text
    assert "      looked in posthog project 73091: not found" in text
    assert "needed by https://shop.example.com/assets/admin.js:1:9 in x (SHOP-9, event e9)" in text


def test_hostile_failure_reasons_print_inert(capsys: pytest.CaptureFixture[str]) -> None:
    store = demo_server("demo-posthog").symbol_store  # type: ignore[union-attr]
    store.add("c-evil", None, failure="[bold red]boom[/]\x1b[2J\nsecond line")
    _remember("demo:demo-posthog", reason="\x1b]8;;https://evil\x07click")
    _, out, _ = run(capsys, "--demo", "--profile", "demo-posthog", "symbols", "list")
    assert "\x1b" not in out and "\x07" not in out
    assert "[bold red]boom[/]" in out
    assert not any(line.startswith("second line") for line in out.splitlines())


def test_upload_from_a_file_lands_and_is_listed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    script = tmp_path / "admin-7Q2MZ1XA.js"
    script.write_text(BUNDLE.read_text() + "\n//# chunkId=c-admin\n")
    (tmp_path / (script.name + ".map")).write_bytes(
        BUNDLE.with_name(BUNDLE.name + ".map").read_bytes()
    )
    code, out, err = run(
        capsys, "--demo", "--profile", "demo-posthog", "symbols", "upload", str(script)
    )
    assert code == 0, err
    assert out == f"uploaded {script}: the server lists symbol set c-admin as stored\n"
    _, out, _ = run(capsys, "--demo", "--profile", "demo-posthog", "symbols", "list", "--json")
    assert {"ref": "c-admin", "status": "ok"}.items() <= next(
        s for s in json.loads(out)["server"]["sets"] if s["ref"] == "c-admin"
    ).items()


def test_upload_is_refused_read_only_and_without_a_chunk_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(
        capsys,
        "--demo",
        "--read-only",
        "--profile",
        "demo-posthog",
        "symbols",
        "upload",
        str(BUNDLE),
    )
    assert code == 2 and "read-only" in err
    bare = tmp_path / "bare.js"
    bare.write_text("function a(){}\n")
    (tmp_path / "bare.js.map").write_text('{"version":3,"sources":[],"names":[],"mappings":""}')
    code, _, err = run(
        capsys, "--demo", "--profile", "demo-posthog", "symbols", "upload", str(bare)
    )
    assert code == 2 and "no //# chunkId= comment" in err


def test_upload_to_sentry_says_to_use_sentry_cli(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "--demo", "symbols", "upload", str(BUNDLE), "--chunk-id", "c1")
    assert code == 1 and "sentry-cli" in err


def test_the_demo_admin_crash_needs_a_chunk_nobody_has(capsys: pytest.CaptureFixture[str]) -> None:
    demo = ("--demo", "--profile", "demo-posthog")
    _, out, _ = run(capsys, *demo, "issues", "list", "--json", "--query", "")
    issue = next(i for i in json.loads(out) if "(reading 'map')" in i["title"])
    code, out, _ = run(capsys, *demo, "issues", "show", issue["short_id"], "--json")
    frames = json.loads(out)["event"]["exceptions"][0]["stacktrace"]["frames"]
    assert code == 0 and frames[-1]["resolve_failure"].startswith(
        "no source map found for chunk id"
    )
    _, out, _ = run(capsys, *demo, "symbols", "list", "--json")
    [missing] = json.loads(out)["missing"]
    chunk = frames[-1]["chunk_id"]
    assert missing["key"] == f"chunk_id:{chunk}"
    assert {f["issue"] for f in missing["frames"]} == {issue["short_id"]}
    kinds = [(a["where"], a["kind"]) for a in missing["looked"]]
    assert kinds[0] == ("local cache", "cache miss")
    assert ("posthog project 73091", "not found") in kinds
    assert ("the demo's bundled symbols", "not found") in kinds


def test_the_sentry_demo_lists_the_shop_bundle(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--demo", "symbols", "list", "--json")
    [bundle] = json.loads(out)["server"]["sets"]
    map_file = next((DATA_DIR / "symbols").glob("*.js.map"))
    assert code == 0 and bundle["ref"] == json.loads(map_file.read_text())["debug_id"]
    assert (bundle["project"], bundle["release"], bundle["files"]) == (
        "shop-web",
        "shop-web@1.9.0",
        2,
    )


def test_cached_maps_say_when_they_were_last_used_as_iso_8601(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    folder = tmp_path / "maps"
    folder.mkdir()
    (folder / BUNDLE.name).write_text(BUNDLE.read_text())
    (folder / (BUNDLE.name + ".map")).write_bytes(
        BUNDLE.with_name(BUNDLE.name + ".map").read_bytes()
    )
    assert run(capsys, "symbols", "add", str(folder))[0] == 0
    _, out, _ = run(capsys, "--demo", "--profile", "demo-posthog", "symbols", "list", "--json")
    [cached] = json.loads(out)["cached"]
    used = datetime.fromisoformat(cached["last_used"])
    assert used.tzinfo is not None and abs(datetime.now(UTC) - used) < timedelta(hours=1)
