"""Tolerant readers for JSON from servers: a wrong type becomes a default, never a crash."""

from __future__ import annotations

import json
import sys
from collections.abc import Mapping
from typing import Any

from tui.model import MAX_NESTING, capped
from tui.sanitize import inert

INT_RANGE = range(-(2**63), 2**63)
"""What a server can mean by a count, line or id number; beyond it (`1e999`, 5,000 digits) the
value is treated as absent rather than drawn as a wall of digits or overflowing later."""


def as_str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def as_id(value: Any) -> str:
    """An id from the server, sanitised: it goes into URL paths (where a newline or a lone
    surrogate raises instead of being sent) and onto the screen. Real ids are unchanged; a
    bogus one ends in the server's 404, a typed error, not a crash."""
    return inert(value)


def as_int(value: Any) -> int:
    return opt_int(value) or 0


def opt_int(value: Any) -> int | None:
    """An int from an int or a numeric string (Sentry's `count` is a string); else None.

    Infinity, NaN and numbers outside 64 bits are None too.
    """
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return number if number in INT_RANGE else None


def as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def as_data(value: Any) -> dict[str, Any]:
    """A JSON object of free-form server data for the model (vars, contexts, breadcrumb data),
    its nesting capped so nothing that walks it later can recurse without end."""
    return {as_str(k): capped(v, MAX_NESTING - 1) for k, v in as_dict(value).items()}


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def first(data: Mapping[str, Any], *keys: str) -> Any:
    """The first of `keys` that is present and not null (camelCase or snake_case spellings)."""
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None


def loads_json(data: str | bytes) -> Any:
    """`json.loads` for server text; every failure is a `ValueError`.

    An integer too long for Python's str-to-int limit stays its digit string (the readers above
    then treat it as absent), and nesting too deep for the recursive decoder is a ValueError
    instead of a RecursionError.
    """
    try:
        return json.loads(data, parse_int=_int_or_digits)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def _int_or_digits(text: str) -> int | str:
    limit = sys.get_int_max_str_digits()
    return int(text) if not limit or len(text) <= limit else text
