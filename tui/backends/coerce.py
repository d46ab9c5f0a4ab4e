"""Tolerant readers for JSON from servers: a wrong type becomes a default, never a crash."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def as_str(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else str(value)


def as_int(value: Any) -> int:
    return opt_int(value) or 0


def opt_int(value: Any) -> int | None:
    """An int from an int or a numeric string (Sentry's `count` is a string); else None."""
    if isinstance(value, bool):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, Mapping) else {}


def as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def first(data: Mapping[str, Any], *keys: str) -> Any:
    """The first of `keys` that is present and not null (camelCase or snake_case spellings)."""
    for key in keys:
        if data.get(key) is not None:
            return data[key]
    return None
