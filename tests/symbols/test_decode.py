"""The decoder against Mozilla's `source-map` 0.7.4 and the `sourcemap` package, and bad maps."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest
import sourcemap

from tests.symbols.conftest import expected, fixture_bytes
from tui.symbols import errors, mappings
from tui.symbols.decode import decode_map
from tui.symbols.discovery import decode_data_url, map_reference
from tui.symbols.mapview import MapView

MAPS = {
    "esbuild": "esbuild/app.min.js.map",
    "terser": "terser/app.terser.js.map",
    "index": "index/bundle.js.map",
}


def _view(relative: str) -> MapView:
    return MapView.from_decoded(decode_map(fixture_bytes(relative)))


def _answer(view: MapView, line: int, column: int) -> list[Any]:
    """Our lookup in Mozilla's terms: 1-based line in and out, 0-based columns."""
    token = view.lookup(line - 1, column)
    if token is None or token.source is None:
        return [line, column, None, None, None, None]
    return [
        line,
        column,
        view.sources[token.source],
        token.src_line + 1,
        token.src_col,
        view.name_of(token),
    ]


def _section_starts(name: str) -> set[tuple[int, int]]:
    raw = json.loads(fixture_bytes(MAPS[name]))
    return {(s["offset"]["line"] + 1, s["offset"]["column"]) for s in raw.get("sections", ())}


@pytest.mark.parametrize("name", sorted(MAPS))
def test_agrees_with_mozilla_source_map_on_every_sampled_position(name: str) -> None:
    view = _view(MAPS[name])
    answers = expected(name)
    assert len(answers) > 300
    # At a section's exact start column, source-map 0.7.4 still searches the previous section
    # (it compares the 0-based column with offset + 1); we follow the spec there, see below.
    starts = _section_starts(name)
    mismatches = [
        a for a in answers if _answer(view, a[0], a[1]) != a and (a[0], a[1]) not in starts
    ]
    assert mismatches == []
    assert sum(1 for a in answers if a[2] is None) > 0, "unmapped positions are sampled too"


@pytest.mark.parametrize("name", ["esbuild", "terser"])
def test_agrees_with_the_sourcemap_package(name: str) -> None:
    view = _view(MAPS[name])
    index = sourcemap.loads(fixture_bytes(MAPS[name]).decode())
    for line, column, *_ in expected(name):
        try:
            token = index.lookup(line - 1, column)
        except IndexError:
            token = None
        ours = view.lookup(line - 1, column)
        if token is None or token.src is None:
            assert ours is None or ours.source is None
            continue
        assert ours is not None
        assert (view.source_of(ours), ours.src_line, ours.src_col, view.name_of(ours)) == (
            token.src,
            token.src_line,
            token.src_col,
            token.name,
        )


def test_index_map_offsets_second_section_by_line_and_column() -> None:
    view = _view(MAPS["index"])
    offset = json.loads(fixture_bytes(MAPS["index"]))["sections"][1]["offset"]
    assert offset["column"] > 0, "the fixture puts the second section mid-line"
    # The section start itself is unmapped (esbuild's first token comes later on the line);
    # it must not fall back into the first section's tokens.
    start = view.lookup(offset["line"], offset["column"])
    assert start is not None and start.source is None
    inside = view.lookup(offset["line"], offset["column"] + 40)
    assert inside is not None and view.source_of(inside).endswith("generate/src/cart.js")
    before = view.lookup(offset["line"], offset["column"] - 1)
    assert before is not None and view.source_of(before).startswith("/app/src/")


def test_index_map_token_at_section_start_column_belongs_to_that_section() -> None:
    first = {"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA"}
    second = {"version": 3, "sources": ["b.js"], "names": [], "mappings": "AAEA"}
    raw = {
        "version": 3,
        "sections": [
            {"offset": {"line": 0, "column": 0}, "map": first},
            {"offset": {"line": 0, "column": 10}, "map": second},
        ],
    }
    view = MapView.from_decoded(decode_map(json.dumps(raw)))
    assert view.source_of(view.lookup(0, 9)) == "a.js"
    token = view.lookup(0, 10)
    assert (view.source_of(token), token.src_line) == ("b.js", 2)


def test_index_map_sections_must_be_ordered() -> None:
    part = {"version": 3, "sources": [], "names": [], "mappings": ""}
    raw = {
        "version": 3,
        "sections": [
            {"offset": {"line": 1, "column": 0}, "map": part},
            {"offset": {"line": 0, "column": 0}, "map": part},
        ],
    }
    with pytest.raises(errors.MalformedMap, match="ordered"):
        decode_map(json.dumps(raw))


def test_source_root_is_joined() -> None:
    assert _view(MAPS["terser"]).sources[0] == "/app/src/cart.js"


def test_debug_id_from_map_and_debug_id_wins_over_debugId() -> None:
    assert decode_map(fixture_bytes(MAPS["esbuild"])).debug_id.startswith("c0ffee00")
    raw = {
        "version": 3,
        "sources": [],
        "names": [],
        "mappings": "",
        "debugId": "b",
        "debug_id": "a",
    }
    assert decode_map(json.dumps(raw)).debug_id == "a"


@pytest.mark.parametrize("key", ["ignoreList", "x_google_ignoreList"])
def test_ignore_list(key: str) -> None:
    raw = json.loads(fixture_bytes(MAPS["terser"]))
    raw[key] = [2]
    view = MapView.from_decoded(decode_map(json.dumps(raw)))
    assert view.is_ignored(2) and not view.is_ignored(0)


def test_inline_base64_data_url_from_esbuild() -> None:
    script = fixture_bytes("inline/app.inline.js")
    reference = map_reference(script)
    assert reference is not None and reference.startswith("data:application/json;base64,")
    inline = decode_map(decode_data_url(reference))
    external = decode_map(fixture_bytes(MAPS["esbuild"]))
    assert inline.sources[-1].endswith("main.js")
    assert list(inline.gen_col) == list(external.gen_col)


def test_percent_encoded_data_url() -> None:
    text = '{"version":3,"sources":["a.js"],"names":[],"mappings":"AAAA"}'
    from urllib.parse import quote

    data = decode_data_url("data:application/json," + quote(text))
    assert decode_map(data).sources == ["a.js"]
    b64 = "data:application/json;charset=utf-8;base64," + base64.b64encode(text.encode()).decode()
    assert decode_map(decode_data_url(b64)).sources == ["a.js"]


def _map(**overrides: Any) -> str:
    raw = {"version": 3, "sources": ["a.js"], "names": ["x"], "mappings": "AAAAA"}
    raw.update(overrides)
    return json.dumps(raw)


@pytest.mark.parametrize(
    ("text", "error", "words"),
    [
        ("{not json", errors.InvalidJSON, "JSON"),
        ("[1, 2]", errors.InvalidJSON, "object"),
        (_map(version=2), errors.UnsupportedVersion, "version 2"),
        (_map(mappings="AA!A"), errors.InvalidVLQ, "'!'"),
        (_map(mappings="AAAg"), errors.InvalidVLQ, "unterminated"),
        (_map(mappings="AA"), errors.InvalidVLQ, "2 fields"),
        (_map(mappings="ACAA"), errors.IndexOutOfRange, "source 1"),
        (_map(mappings="AAAAC"), errors.IndexOutOfRange, "name 1"),
        (_map(mappings="AAAA,CADA"), errors.NegativeValue, "below zero"),
        (_map(mappings="D"), errors.NegativeValue, "below zero"),
        (_map(mappings=5), errors.MalformedMap, "mappings"),
        (_map(sources="a.js"), errors.MalformedMap, "sources"),
        (_map(ignoreList=[3]), errors.IndexOutOfRange, "ignoreList"),
        (
            json.dumps({"version": 3, "sections": [{"offset": {"line": 0}, "map": {}}]}),
            errors.MalformedMap,
            "offset",
        ),
        (
            json.dumps(
                {"version": 3, "sections": [{"offset": {"line": 0, "column": 0}, "url": "x"}]}
            ),
            errors.MalformedMap,
            "url",
        ),
    ],
)
def test_corrupt_maps_raise_a_clear_source_map_error(
    text: str, error: type[errors.SourceMapError], words: str
) -> None:
    with pytest.raises(error, match=None) as caught:
        decode_map(text)
    assert isinstance(caught.value, errors.SourceMapError)
    assert words in str(caught.value)


def test_unsorted_segments_on_a_line_are_ordered_like_mozilla() -> None:
    # Generated columns 5 then 2: Mozilla sorts them before searching.
    view = MapView.from_decoded(decode_map(_map(mappings="KAAA,HAAC")))
    assert view.lookup(0, 3).src_col == 1
    assert view.lookup(0, 6).src_col == 0
    assert view.lookup(0, 1) is None


def test_duplicate_generated_positions_pick_the_last_like_mozilla() -> None:
    # Checked against source-map 0.7.4: originalPositionFor({line: 1, column: 0}) -> line 2.
    raw = {"version": 3, "sources": ["a.js"], "names": ["x", "y"], "mappings": "AAAAA,AACAC"}
    token = MapView.from_decoded(decode_map(json.dumps(raw))).lookup(0, 0)
    assert token is not None and (token.src_line, token.name) == (1, 1)


def test_one_field_segment_has_no_source() -> None:
    view = MapView.from_decoded(decode_map(_map(mappings="AAAA,E")))
    assert view.lookup(0, 1).source == 0
    assert view.lookup(0, 2).source is None


@pytest.mark.parametrize(
    "text",
    [
        fixture_bytes(MAPS["esbuild"]).decode(),
        fixture_bytes(MAPS["terser"]).decode(),
        fixture_bytes(MAPS["index"]).decode(),
        _map(mappings=";;AAAA,CAAC;;EACA,GAAG,IAAI;KAAK,HAAC,,GAAE;AACAA;;", names=["x", "y"]),
    ],
)
def test_small_batches_decode_exactly_like_one_batch(text: str, monkeypatch) -> None:
    # Small maps fit in one 16 KB batch; cutting every few characters exercises the joins
    # (at `,` and at `;`, mid-line column sums, unsorted lines, stray commas, empty lines).
    whole = decode_map(text)
    monkeypatch.setattr(mappings, "_BATCH", 3)
    cut = decode_map(text)
    for column in ("line_starts", "gen_col", "source", "src_line", "src_col", "name", "flags"):
        assert list(getattr(cut, column)) == list(getattr(whole, column)), column


def test_many_lines_map_line_starts() -> None:
    decoded = decode_map(_map(mappings=";;AAAA,CAAC;;EACA;"))
    assert list(decoded.line_starts) == [0, 0, 0, 2, 2, 3, 3]
    assert list(decoded.gen_col) == [0, 1, 2]
