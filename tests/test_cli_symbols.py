"""`stackdeck sourcemap resolve` and `stackdeck symbols ...` through the real entry point."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sourcemap

from tui.cli import main

SYMBOLS = Path(__file__).parents[1] / "tui" / "demo" / "data" / "symbols"
MAP = next(SYMBOLS.glob("*.js.map"))


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_resolve_agrees_with_the_sourcemap_package(capsys: pytest.CaptureFixture[str]) -> None:
    reference = sourcemap.loads(MAP.read_text())
    positions = ["2:355", "2:418", "2:694"]
    code, out, _ = run(capsys, "sourcemap", "resolve", str(MAP), *positions, "--json")
    assert code == 0
    for result, position in zip(json.loads(out), positions, strict=True):
        line, col = (int(n) for n in position.split(":"))
        token = reference.lookup(line - 1, col - 1)
        assert result["source"].endswith(token.src.lstrip("./"))
        assert (result["line"], result["column"]) == (token.src_line + 1, token.src_col + 1)
        assert result["context_line"] is not None


def test_resolve_text_output_and_bad_input(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "sourcemap", "resolve", str(MAP), "2:355")
    assert code == 0
    assert out.splitlines()[0] == "2:355 -> src/lib/cart.js:4:34"
    assert out.splitlines()[1].strip() == "const unitPrice = line.product.price;"
    code, _, err = run(capsys, "sourcemap", "resolve", str(MAP), "0:5")
    assert code == 2 and "LINE:COL" in err
    corrupt = tmp_path / "bad.map"
    corrupt.write_text('{"version": 3, "sources": ["a.js"], "names": [], "mappings": "A$$"}')
    code, _, err = run(capsys, "sourcemap", "resolve", str(corrupt), "1:1")
    assert code == 2 and err.startswith("stackdeck: ") and "Traceback" not in err


def test_resolve_names_the_file_that_is_not_a_map(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("# not a map\n")
    code, _, err = run(capsys, "sourcemap", "resolve", str(readme), "1:1")
    assert code == 2 and err.startswith(f"stackdeck: {readme}: not valid JSON")
    code, _, err = run(capsys, "sourcemap", "resolve", str(tmp_path / "nope.map"), "1:1")
    assert (code, err) == (2, f"stackdeck: {tmp_path / 'nope.map'}: No such file or directory\n")


def test_symbols_add_list_prune(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "symbols", "add", str(SYMBOLS), "--json")
    [result] = json.loads(out)
    assert code == 0 and result["added"] and "debug_id:" in " ".join(result["added"][0]["keys"])
    code, out, _ = run(capsys, "symbols", "list", "--json")
    listed = json.loads(out)
    [entry] = listed["cached"]
    assert entry["digest"] == result["added"][0]["digest"]
    # No config: the cache alone, and why the server is not asked.
    assert listed["server"]["unavailable"].startswith("no profile")
    code, out, _ = run(capsys, "symbols", "prune", "--max-size", "0")
    assert out == "removed 1 map\n"
    _, out, _ = run(capsys, "symbols", "list")
    assert "  the symbol cache is empty\n" in out


def test_symbols_add_reports_a_missing_path(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "symbols", "add", "/nonexistent/dist")
    assert code == 1 and "/nonexistent/dist" in err
