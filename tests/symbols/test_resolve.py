"""Frame resolution on the real esbuild bundle: names, paths, context, in_app, UTF-16."""

from __future__ import annotations

import dataclasses
import json

import pytest

from tests.symbols.conftest import FIXTURES, SOURCES, fixture_bytes
from tui.model import Frame
from tui.symbols.decode import decode_map
from tui.symbols.mapview import MapView
from tui.symbols.resolve import Unresolved, is_in_app, resolve_frame, tidy_path, trim_line
from tui.symbols.utf16 import index_to_utf16, utf16_to_index

URL = "https://shop.example.com/assets/app.min.js"


def _esbuild_view(with_minified: bool = True) -> MapView:
    decoded = decode_map(fixture_bytes("esbuild/app.min.js.map"))
    minified = fixture_bytes("esbuild/app.min.js").decode() if with_minified else None
    return MapView.from_decoded(decoded, minified)


def _stack_frames() -> list[Frame]:
    stack = json.loads((FIXTURES / "expected" / "esbuild-stack.json").read_text())
    return [
        Frame(abs_path=URL, function=f["function"], lineno=f["lineno"], colno=f["colno"])
        for f in stack["frames"]
    ]


def test_real_v8_stack_resolves_to_enclosing_original_functions() -> None:
    view = _esbuild_view()
    resolved = [resolve_frame(frame, view)[0] for frame in _stack_frames()]
    # Oldest first, as node ran the minified bundle (the anonymous arrow keeps its empty name;
    # V8 reported the methods as `o.submit` and `o.checkAll`, `o` being the minified class).
    assert [f.function for f in resolved] == [
        "main",
        "runCheckout",
        "Checkout.submit",
        "Checkout.checkAll",
        "",
        "checkOne",
        "validatePrice",
    ]
    assert [f.filename.rsplit("/", 1)[-1] for f in resolved] == [
        "main.js",
        "main.js",
        "checkout.js",
        "checkout.js",
        "checkout.js",
        "checkout.js",
        "cart.js",
    ]


def test_name_is_enclosing_scope_not_the_callee_at_the_call_site() -> None:
    view = _esbuild_view()
    frame = next(f for f in _stack_frames() if f.function == "e")  # checkOne calling validatePrice
    token = view.lookup(frame.lineno - 1, frame.colno - 1)
    assert view.name_of(token) == "validatePrice", "the call-site token names the callee"
    assert resolve_frame(frame, view)[0].function == "checkOne"


@pytest.mark.parametrize(
    ("reported", "resolved"),
    [("i", "validatePrice"), ("Object.i", "Object.validatePrice"), ("zz.i", "validatePrice")],
)
def test_qualifiers_that_are_not_classes_in_the_bundle(reported: str, resolved: str) -> None:
    # Unminified V8 says `Object.onClick` for object-literal methods: a real word is kept, a
    # minified-looking qualifier that is no class in the bundle is dropped.
    frame = dataclasses.replace(_stack_frames()[-1], function=reported)
    assert resolve_frame(frame, _esbuild_view())[0].function == resolved


def test_without_the_minified_file_the_engine_name_is_kept() -> None:
    frame = _stack_frames()[-1]
    assert resolve_frame(frame, _esbuild_view(with_minified=False))[0].function == frame.function


def test_throw_site_line_column_and_context() -> None:
    resolved, note = resolve_frame(_stack_frames()[-1], _esbuild_view())
    original = (SOURCES / "cart.js").read_text().split("\n")
    assert note == ""
    assert resolved.lineno == 12
    assert original[11][resolved.colno - 1 :].startswith("new RangeError(")  # where V8 points
    assert resolved.context_line == original[11]
    assert resolved.pre_context == tuple(original[6:11])
    assert resolved.post_context == tuple(original[12:17])
    assert resolved.abs_path == "../../generate/src/cart.js"
    assert resolved.in_app


def test_context_at_the_top_of_a_file_is_short() -> None:
    view = _esbuild_view()
    frame = Frame(abs_path=URL, lineno=1, colno=7)  # `var h=` -> cart.js line 2
    resolved, _ = resolve_frame(frame, view)
    assert resolved.lineno == 2
    assert len(resolved.pre_context) == 1 and len(resolved.post_context) == 5


def test_unmapped_position_gives_a_reason() -> None:
    with pytest.raises(Unresolved, match="9:1 is not mapped"):
        resolve_frame(Frame(abs_path=URL, lineno=9, colno=1), _esbuild_view())


def test_map_without_sources_content_resolves_with_a_note() -> None:
    raw = json.loads(fixture_bytes("esbuild/app.min.js.map"))
    del raw["sourcesContent"]
    view = MapView.from_decoded(decode_map(json.dumps(raw)))
    resolved, note = resolve_frame(_stack_frames()[-1], view)
    assert resolved.lineno == 12 and resolved.context_line is None
    assert note == "the map has no sources content for this file"


def test_vendor_frames_are_not_in_app() -> None:
    view = _esbuild_view()
    code = fixture_bytes("esbuild/app.min.js").decode()
    column = code.index("r.push(") + 1  # inside chunkBy, from src/vendor/tinylib
    resolved, _ = resolve_frame(Frame(abs_path=URL, lineno=1, colno=column), view)
    assert resolved.filename.endswith("vendor/tinylib/index.js")
    assert not resolved.in_app


def test_ignore_listed_sources_are_not_in_app() -> None:
    raw = json.loads(fixture_bytes("esbuild/app.min.js.map"))
    raw["ignoreList"] = [raw["sources"].index("../../generate/src/cart.js")]
    view = MapView.from_decoded(decode_map(json.dumps(raw)))
    assert not resolve_frame(_stack_frames()[-1], view)[0].in_app


def test_utf16_columns_after_astral_characters() -> None:
    # emoji.js line 3 has astral characters before `shout(label)`; both the minified line
    # (esbuild --charset=utf8) and the original count columns in UTF-16 code units.
    view = _esbuild_view()
    code = fixture_bytes("esbuild/app.min.js").decode().split("\n")[0]
    call = code.index("return m(r)") + len("return ")
    colno = index_to_utf16(code, call) + 1
    assert colno > call + 1, "the minified line has astral characters before the call"
    resolved, _ = resolve_frame(Frame(abs_path=URL, lineno=1, colno=colno, function="a"), view)
    line = (SOURCES / "emoji.js").read_text().split("\n")[2]
    assert resolved.lineno == 3 and resolved.function == "greet"
    assert line[utf16_to_index(line, resolved.colno - 1) :].startswith("shout(label)")
    assert resolved.colno - 1 == index_to_utf16(line, line.index("shout(label)"))


def test_long_lines_are_trimmed_around_the_column() -> None:
    line = "x" * 100 + "TARGET" + "y" * 200
    trimmed = trim_line(line, 100)
    assert trimmed.startswith("{snip} ") and trimmed.endswith(" {snip}")
    assert "TARGET" in trimmed and len(trimmed) == 140 + 14
    assert trim_line("short", 3) == "short"
    assert trim_line("a" * 200, 0) == "a" * 140 + " {snip}"
    assert trim_line("a" * 200, 199) == "{snip} " + "a" * 140


def test_long_context_line_from_a_real_map_is_trimmed() -> None:
    view = MapView.from_decoded(decode_map(fixture_bytes("terser/app.terser.js.map")))
    code = fixture_bytes("terser/app.terser.js").decode()
    column = code.index("LONG_LINE=") + 1
    resolved, _ = resolve_frame(Frame(abs_path=URL, lineno=1, colno=column), view)
    assert resolved.filename == "/app/src/emoji.js"
    assert "{snip}" in (resolved.context_line or "")


@pytest.mark.parametrize(
    ("source", "tidy"),
    [
        ("webpack://my-app/./src/a.js", "./src/a.js"),
        ("webpack:///src/a.js", "src/a.js"),
        ("webpack-internal:///./src/a.js", "./src/a.js"),
        ("turbopack:///[project]/src/a.ts", "src/a.ts"),
        ("https://cdn.example.com/~/x/a.js", "~/x/a.js"),
        ("https://example.com/static/a.js", "/static/a.js"),
        ("../src/a.ts", "src/a.ts"),
        ("../../src/lib/cart.js", "src/lib/cart.js"),
    ],
)
def test_tidy_path(source: str, tidy: str) -> None:
    assert tidy_path(source) == tidy


@pytest.mark.parametrize(
    ("path", "in_app"),
    [
        ("./src/app.ts", True),
        ("webpack://app/./node_modules/react/index.js", False),
        ("../vendor/lib.js", False),
        ("https://unpkg.com/lodash@4/lodash.js", False),
        ("https://cdn.jsdelivr.net/npm/x.js", False),
        ("../node_modules/@babel/runtime/helpers/a.js", False),
        ("webpack:///core-js/modules/es.array.js", False),
        ("webpack:///regenerator-runtime/runtime.js", False),
        ("webpack:///tslib/tslib.es6.js", False),
    ],
)
def test_in_app_rules(path: str, in_app: bool) -> None:
    assert is_in_app(path) is in_app


def _vlq(value: int) -> str:
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    value = (-value << 1) | 1 if value < 0 else value << 1
    out = ""
    while True:
        digit, value = value & 31, value >> 5
        out += chars[digit | (32 if value else 0)]
        if not value:
            return out


def _mappings(rows: list[tuple[int, int, int, int, int | None]]) -> str:
    """One generated line of `(gen col, source, line, col, name)` rows, as VLQ deltas."""
    previous = [0, 0, 0, 0, 0]
    segments = []
    for row in rows:
        fields = [v for v in row if v is not None]
        segments.append("".join(_vlq(v - p) for v, p in zip(fields, previous, strict=False)))
        previous[: len(fields)] = fields
    return ",".join(segments)


def test_a_nested_function_reusing_the_minified_name_is_not_taken_for_the_enclosing_one() -> None:
    # Minifiers reuse short names in inner scopes: the inner `t` shadows the outer `t`. A frame
    # in the outer function after the inner one has closed belongs to `outer`, not `inner`.
    code = "function t(){function t(){return y()}return t()+x()}"
    outer, inner = code.index("t("), code.index("t(", code.index("{"))
    rows = [
        (outer, 0, 0, 9, 0),
        (inner, 0, 1, 11, 1),
        (code.index("y()"), 0, 1, 30, 3),
        (code.index("x()"), 0, 2, 20, 2),
    ]
    raw = {
        "version": 3,
        "sources": ["a.js"],
        "names": ["outer", "inner", "x", "y"],
        "mappings": _mappings(rows),
    }
    view = MapView.from_decoded(decode_map(json.dumps(raw)), code)
    in_outer = Frame(abs_path=URL, lineno=1, colno=code.index("x()") + 1, function="t")
    in_inner = Frame(abs_path=URL, lineno=1, colno=code.index("y()") + 1, function="t")
    assert resolve_frame(in_outer, view)[0].function == "outer"
    assert resolve_frame(in_inner, view)[0].function == "inner"
