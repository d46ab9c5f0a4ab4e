"""Finding a minified file's map: magic comments, headers, `data:` URLs and URL normalisation.

Follows getsentry/symbolicator `crates/symbolicator-js`: the `SourceMap` header, then
`X-SourceMap`, then the LAST `//# sourceMappingURL=` comment searched from the end of the file.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from urllib.parse import unquote_to_bytes, urljoin, urlsplit

from tui.symbols.errors import DataURLError, InvalidURL

_COMMENT = re.compile(rb"^[ \t]*//[#@][ \t]+(sourceMappingURL|debugId|chunkId)=(\S*)", re.M)
_TAIL = 1 << 16
"""Bytes read from the end of a file when looking for its magic comments."""


def magic_comments(source: bytes | str) -> dict[str, str]:
    """The last `sourceMappingURL`, `debugId` and `chunkId` comment values of a file."""
    data = source.encode("utf-8", errors="replace") if isinstance(source, str) else source
    found: dict[str, str] = {}
    for match in _COMMENT.finditer(data[-_TAIL:]):
        found[match.group(1).decode()] = match.group(2).decode("utf-8", errors="replace")
    return found


def map_reference(source: bytes | str, headers: Mapping[str, str] | None = None) -> str | None:
    """The map URL a minified file points at: headers first, then its last comment."""
    for header in ("SourceMap", "X-SourceMap"):
        value = _header(headers, header)
        if value:
            return _clean(value)
    comment = magic_comments(source).get("sourceMappingURL")
    return _clean(comment) if comment else None


def _header(headers: Mapping[str, str] | None, name: str) -> str:
    if not headers:
        return ""
    for key, value in headers.items():
        if key.lower() == name.lower():
            return value.strip()
    return ""


def _clean(value: str) -> str:
    value = value.split()[0] if value.split() else ""
    if value.startswith("data:"):
        return value
    return value.split("#", 1)[0].split("?", 1)[0]


def decode_data_url(url: str) -> bytes:
    """The bytes of a `data:` URL, base64 or percent-encoded."""
    head, sep, payload = url.partition(",")
    if not head.startswith("data:") or not sep:
        raise DataURLError("not a data: URL")
    if head.endswith(";base64"):
        try:
            return base64.b64decode(payload + "=" * (-len(payload) % 4), validate=False)
        except ValueError as exc:
            raise DataURLError(f"bad base64 in data: URL: {exc}") from None
    return unquote_to_bytes(payload)


def join_url(base: str, reference: str) -> str:
    """Resolve a map reference against the minified file's URL or path."""
    if reference.startswith(("data:", "webpack:")) or "://" in reference:
        return reference
    if base.startswith("~/"):
        # `~/` means "any host": keep it host-absolute by joining as a path.
        return "~" + urljoin(base[1:], reference)
    return urljoin(base, reference)


def normalize_url(url: str) -> str:
    """The cache key for a URL: `~/path` (any host), without query or fragment.

    Raises `InvalidURL` for what `urlsplit` rejects, such as an unclosed `[` IPv6 host.
    """
    url = url.split("#", 1)[0].split("?", 1)[0]
    if url.startswith("~/"):
        return url
    try:
        parts = urlsplit(url)
    except ValueError as exc:
        raise InvalidURL(f"not a valid URL ({exc}): {url}") from None
    if parts.scheme in ("http", "https") or parts.netloc:
        return "~" + (parts.path or "/")
    if parts.scheme and parts.scheme not in ("file",):
        # app:///dist/x.js, webpack://ns/x.js and friends: the path after the scheme
        return "~/" + (parts.netloc + parts.path).lstrip("/")
    return "~/" + parts.path.lstrip("/")


def url_path(abs_path: str) -> str:
    """The path part of a frame's URL or file name, for suffix matching against a directory."""
    return normalize_url(abs_path)[1:]
