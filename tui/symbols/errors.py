"""Errors of the symbol engine: a corrupt map becomes a `SourceMapError`, never a crash."""

from __future__ import annotations


class SourceMapError(Exception):
    """A source map could not be used; the message says why in one line."""


class InvalidJSON(SourceMapError):
    """The map is not JSON, or not a JSON object."""


class UnsupportedVersion(SourceMapError):
    """The map's `version` is not 3."""


class MalformedMap(SourceMapError):
    """A required field is missing or has the wrong type."""


class InvalidVLQ(SourceMapError):
    """The `mappings` string holds a character or a segment that is not valid base64 VLQ."""


class IndexOutOfRange(SourceMapError):
    """A segment points past the end of `sources` or `names`, or `ignoreList` does."""


class NegativeValue(SourceMapError):
    """A running value (column, source, line, name) went below zero."""


class DataURLError(SourceMapError):
    """A `data:` URL could not be decoded."""


class InvalidURL(SourceMapError):
    """A frame's or an image's URL cannot be parsed (`http://[x/app.js`): no map can match it."""
