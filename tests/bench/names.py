"""Benchmark: how many real V8 frames get their original function name, ours against Sentry's.

Not a test (pytest only collects `test_*.py`). Run it by hand:

    .venv/bin/python tests/bench/names.py [--cache-dir DIR]

The frames are `tests/symbols/fixtures/expected/ctor-stacks.json`: constructors, a static method
and a getter thrown by esbuild and terser bundles under node, each with the name V8 gave the same
frame running the original modules (the truth). Sentry's engine is `symbolic` (rust-sourcemap's
`get_original_function_name`, its fallback when it has no scopes), installed into a throwaway
venv in the cache dir by `tests/bench/symbols.py`'s helper; Sentry shows the reported name when
that finds nothing.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.symbols import symbolic_python  # noqa: E402

FIXTURES = ROOT / "tests" / "symbols" / "fixtures"
STACKS = FIXTURES / "expected" / "ctor-stacks.json"

SYMBOLIC_SCRIPT = """
import json, sys
from symbolic.sourcemap import SourceMapView, SourceView
stacks, fixtures = json.load(open(sys.argv[1])), sys.argv[2]
names = []
for stack in stacks:
    bundle = f"{fixtures}/ctor/{stack['bundle']}"
    view = SourceMapView.from_json_bytes(open(bundle + ".map", "rb").read())
    source = SourceView.from_bytes(open(bundle, "rb").read())
    for frame in stack["frames"]:
        token = view.lookup(frame["lineno"] - 1, frame["colno"] - 1, frame["function"], source)
        names.append((token and token.function_name) or frame["function"])
print(json.dumps(names))
"""


def ours(stacks: list[dict[str, Any]]) -> list[str]:
    from tui.model import Frame
    from tui.symbols.decode import decode_map
    from tui.symbols.mapview import MapView
    from tui.symbols.resolve import resolve_frame

    names = []
    for stack in stacks:
        bundle = FIXTURES / "ctor" / stack["bundle"]
        decoded = decode_map(bundle.with_name(bundle.name + ".map").read_bytes())
        view = MapView.from_decoded(decoded, bundle.read_text("utf-8"))
        for f in stack["frames"]:
            frame = Frame(function=f["function"], lineno=f["lineno"], colno=f["colno"])
            names.append(resolve_frame(frame, view)[0].function)
    return names


def sentry(python: str) -> list[str]:
    args = [python, "-c", SYMBOLIC_SCRIPT, str(STACKS), str(FIXTURES)]
    return json.loads(subprocess.run(args, check=True, capture_output=True, text=True).stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--cache-dir", type=Path, default=Path.home() / ".cache" / "stackdeck-bench"
    )
    args = parser.parse_args()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    stacks = json.loads(STACKS.read_text())
    frames = [(s["bundle"], f) for s in stacks for f in s["frames"]]
    columns = {"stackdeck": ours(stacks)}
    python = symbolic_python(args.cache_dir)
    if python:
        columns["symbolic 13.9"] = sentry(python)
    print(
        f"{'bundle':<17} {'V8 reported':<20} {'original (truth)':<26} "
        + " ".join(f"{name:<26}" for name in columns)
    )
    for i, (bundle, frame) in enumerate(frames):
        marks = [("ok " if c[i] == frame["original"] else "-- ") + c[i] for c in columns.values()]
        cells = " ".join(f"{mark:<26}" for mark in marks)
        print(f"{bundle:<17} {frame['function']:<20} {frame['original']:<26} {cells}")
    for name, column in columns.items():
        right = sum(got == f["original"] for got, (_, f) in zip(column, frames, strict=True))
        changed = [f for _, f in frames if f["function"] != f["original"]]
        fixed = sum(
            got == f["original"]
            for got, (_, f) in zip(column, frames, strict=True)
            if f["function"] != f["original"]
        )
        print(
            f"{name}: {right}/{len(frames)} frames named as in the original "
            f"({fixed}/{len(changed)} of those the bundler renamed)"
        )


if __name__ == "__main__":
    main()
