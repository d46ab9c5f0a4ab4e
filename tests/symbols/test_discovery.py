"""Magic comments, headers, URL joining and the URL keys the cache is indexed by."""

from __future__ import annotations

import pytest

from tui.symbols.discovery import (
    join_url,
    magic_comments,
    map_reference,
    normalize_url,
)


def test_last_comment_wins_and_deprecated_at_form_is_read() -> None:
    code = b"//# sourceMappingURL=first.map\nx()\n//@ sourceMappingURL=second.map\n"
    assert map_reference(code) == "second.map"


def test_comment_value_is_cut_at_whitespace_query_and_fragment() -> None:
    code = "f()\n//# sourceMappingURL=app.js.map?v=3#x trailing\n//# debugId=ABC-1\n"
    assert map_reference(code) == "app.js.map"
    assert magic_comments(code)["debugId"] == "ABC-1"


def test_comment_inside_a_string_on_the_same_line_is_not_a_comment() -> None:
    code = b'var s="//# sourceMappingURL=nope.map";\n'
    assert map_reference(code) is None


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"SourceMap": "a.map"}, "a.map"),
        ({"x-sourcemap": "b.map"}, "b.map"),
        ({"SourceMap": "a.map", "X-SourceMap": "b.map"}, "a.map"),
    ],
)
def test_headers_win_over_comments(headers: dict[str, str], expected: str) -> None:
    assert map_reference(b"//# sourceMappingURL=c.map\n", headers) == expected


@pytest.mark.parametrize(
    ("base", "reference", "joined"),
    [
        ("https://h.com/assets/app.js", "app.js.map", "https://h.com/assets/app.js.map"),
        ("https://h.com/assets/app.js", "/maps/app.map", "https://h.com/maps/app.map"),
        ("https://h.com/a/app.js", "../m/app.map", "https://h.com/m/app.map"),
        ("~/assets/app.js", "app.js.map", "~/assets/app.js.map"),
        ("https://h.com/app.js", "https://cdn.com/app.map", "https://cdn.com/app.map"),
        ("https://h.com/app.js", "webpack:///app.map", "webpack:///app.map"),
    ],
)
def test_join_url(base: str, reference: str, joined: str) -> None:
    assert join_url(base, reference) == joined


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://shop.example.com/assets/index-4f2a.js?v=1#x", "~/assets/index-4f2a.js"),
        ("http://localhost:3000/static/js/main.js", "~/static/js/main.js"),
        ("~/assets/a.js", "~/assets/a.js"),
        ("app:///dist/server.js", "~/dist/server.js"),
        ("/srv/app/dist/server.js", "~/srv/app/dist/server.js"),
    ],
)
def test_normalize_url(url: str, key: str) -> None:
    assert normalize_url(url) == key
