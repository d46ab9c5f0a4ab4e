"""The skeleton parse: long strings stay spans over the map's bytes, and nothing changes."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.symbols.conftest import fixture_bytes
from tui.symbols import errors, jsonscan
from tui.symbols.decode import decode_map
from tui.symbols.jsonscan import Span, load_skeleton

MAPS = ["esbuild/app.min.js.map", "terser/app.terser.js.map", "index/bundle.js.map"]
COLUMNS = ("line_starts", "gen_col", "source", "src_line", "src_col", "name", "flags")


def _resolved(value: Any) -> Any:
    if isinstance(value, Span):
        return value.text()
    if isinstance(value, list):
        return [_resolved(v) for v in value]
    if isinstance(value, dict):
        return {k: _resolved(v) for k, v in value.items()}
    return value


@pytest.fixture
def every_string_a_span(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jsonscan, "BIG", 0)


TRICKY = (
    b'{"a": "ends in a backslash \\\\",'
    b' "b": ["\\"quoted\\" \\\\\\" x", "\\u00e9t\\u00e9 \xc3\xa9"],'
    b' "\\u0000key": "\\u0000 real nul first", "n": [1, 2.5, null, true], "e": ""}'
)


@pytest.mark.parametrize("data", [TRICKY, *(fixture_bytes(m) for m in MAPS)])
def test_skeleton_parses_like_json_loads(data: bytes, every_string_a_span: None) -> None:
    parsed = load_skeleton(data)
    assert _resolved(parsed) == json.loads(data)


def test_only_long_strings_become_spans() -> None:
    parsed = load_skeleton(fixture_bytes(MAPS[0]))
    assert isinstance(parsed["mappings"], Span)
    assert all(isinstance(name, str) for name in parsed["names"])


@pytest.mark.parametrize("relative", MAPS)
def test_decoding_from_spans_equals_decoding_from_strings(
    relative: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = fixture_bytes(relative)
    monkeypatch.setattr(jsonscan, "BIG", 1 << 30)
    whole = decode_map(data)
    monkeypatch.setattr(jsonscan, "BIG", 0)
    spans = decode_map(data)
    for column in COLUMNS:
        assert list(getattr(spans, column)) == list(getattr(whole, column)), column
    assert (spans.sources, spans.names, list(spans.contents)) == (
        whole.sources,
        whole.names,
        list(whole.contents),
    )
    assert any(text for text in spans.contents)


def test_escaped_mappings_span_is_decoded_as_text(every_string_a_span: None) -> None:
    # `\u002C` is a comma: legal JSON, so the span cannot be cut from the raw bytes.
    raw = b'{"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA\\u002CCAAC"}'
    plain = b'{"version": 3, "sources": ["a.js"], "names": [], "mappings": "AAAA,CAAC"}'
    assert list(decode_map(raw).gen_col) == list(decode_map(plain).gen_col) == [0, 1]


@pytest.mark.parametrize(
    "bad",
    [
        b'{"version": 3, "mappings": "AAAA\\qCAAC"}',  # not an escape
        b'{"version": 3, "mappings": "AAAA\nCAAC"}',  # a raw control character
        b'{"version": 3, "mappings": "AAAA',  # unterminated
    ],
)
def test_invalid_long_strings_are_invalid_json(bad: bytes, every_string_a_span: None) -> None:
    with pytest.raises(errors.InvalidJSON):
        decode_map(bad)


def test_a_real_string_starting_with_nul_is_not_taken_for_a_placeholder() -> None:
    assert _resolved(load_skeleton(TRICKY)) == json.loads(TRICKY)


@pytest.mark.parametrize("big", [0, 1 << 30])
def test_invalid_utf8_reads_as_replacement_characters(
    big: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(jsonscan, "BIG", big)
    raw = (
        b'{"version": 3, "sources": ["a\xff.js"], "names": [], "mappings": "AAAA",'
        b' "sourcesContent": ["caf\xc3 x"]}'
    )
    decoded = decode_map(raw)
    assert decoded.sources == ["a\ufffd.js"]
    assert decoded.contents[0] == "caf\ufffd x"
