"""Original names for V8's constructor, static method and getter frames.

The stacks were thrown by real esbuild and terser bundles run under node, and the expected name
of each frame is what V8 reported running the original modules (`generate/generate.mjs`).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.symbols.conftest import FIXTURES, fixture_bytes
from tui.model import Frame
from tui.symbols import names
from tui.symbols.decode import decode_map
from tui.symbols.mapview import MapView
from tui.symbols.resolve import resolve_frame

STACKS: list[dict[str, Any]] = json.loads((FIXTURES / "expected" / "ctor-stacks.json").read_text())


def _view(bundle: str) -> MapView:
    decoded = decode_map(fixture_bytes(f"ctor/{bundle}.map"))
    return MapView.from_decoded(decoded, fixture_bytes(f"ctor/{bundle}").decode())


def _resolved(bundle: str, reported: dict[str, Any]) -> str:
    frame = Frame(function=reported["function"], lineno=reported["lineno"], colno=reported["colno"])
    return resolve_frame(frame, _view(bundle))[0].function


def _frames(*functions: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (stack["bundle"], frame)
        for stack in STACKS
        for frame in stack["frames"]
        if frame["original"] in functions
    ]


@pytest.mark.parametrize(
    ("bundle", "frame"), _frames("new DateTime", "new Amount", "new Money", "new Ledger")
)
def test_constructor_frames_get_the_original_class_name(bundle: str, frame: dict[str, Any]) -> None:
    # V8 said `new c` (esbuild's `var c=class c`, mapped to `_DateTime`), `new s` (`var s=class{`),
    # `new r` (terser's `class r`) or `new a` (a `function` used as a constructor).
    assert frame["function"] != frame["original"]
    assert _resolved(bundle, frame) == frame["original"]


@pytest.mark.parametrize(("bundle", "frame"), _frames("DateTime.parse"))
def test_static_method_is_qualified_by_the_original_class(
    bundle: str, frame: dict[str, Any]
) -> None:
    # terser maps the method name on the `(` after `parse`, not on `parse` itself.
    assert _resolved(bundle, frame) == "DateTime.parse"


def test_bundler_renamed_class_reads_as_written_in_the_source() -> None:
    view = _view("ctor.esbuild.mjs")
    assert "_DateTime" in view.names  # esbuild's own name for the class binding
    frame = next(f for b, f in _frames("new DateTime") if b == "ctor.esbuild.mjs")
    assert _resolved("ctor.esbuild.mjs", frame) == "new DateTime"


def test_getter_frames_keep_v8_s_name() -> None:
    for bundle, frame in _frames("get year [as year]"):
        assert _resolved(bundle, frame) == "get year [as year]"


def test_a_constructor_name_not_defined_around_the_frame_is_kept() -> None:
    bundle, frame = _frames("new Amount")[0]
    assert _resolved(bundle, {**frame, "function": "new zz"}) == "new zz"


@pytest.mark.parametrize(
    ("name", "written", "decorated"),
    [
        ("_DateTime", "DateTime", True),
        ("DateTime2", "DateTime", True),
        ("DateTime", "DateTime", False),
        ("getDateTime", "DateTime", False),
        ("DateTimeX", "DateTime", False),
        ("n", "export", False),
    ],
)
def test_only_a_bundler_s_renames_give_way_to_the_source_identifier(
    name: str, written: str, decorated: bool
) -> None:
    assert names._decorated(name, written) is decorated
