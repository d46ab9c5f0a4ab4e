"""Model objects back from the JSON `tui.model.to_jsonable` writes, for the offline store.

Typed by the dataclasses' own annotations, so the store never unpickles anything: a cache file
someone else wrote can at worst fail to decode (`ValueError`), never run code.
"""

from __future__ import annotations

import dataclasses
import enum
import functools
import types
import typing
from datetime import datetime
from typing import Any, TypeVar

T = TypeVar("T")


def from_jsonable(cls: type[T], data: Any) -> T:
    """`data` (as `to_jsonable` wrote it) decoded into `cls`; `ValueError` when it does not fit."""
    try:
        return typing.cast(T, _decode(cls, data))
    except (TypeError, KeyError, AttributeError) as exc:
        raise ValueError(f"not a stored {cls.__name__}: {exc}") from exc


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _decode(kind: Any, data: Any) -> Any:
    origin = typing.get_origin(kind)
    if kind is Any:
        return data
    if origin in (typing.Union, types.UnionType):
        return _union(typing.get_args(kind), data)
    if origin is tuple:
        args = typing.get_args(kind)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_decode(args[0], item) for item in _list(data))
        return tuple(_decode(a, item) for a, item in zip(args, _list(data), strict=True))
    if origin is dict:
        if not isinstance(data, dict):
            raise TypeError(f"expected an object, got {type(data).__name__}")
        return dict(data)  # free-form server data: kept as stored
    if dataclasses.is_dataclass(kind):
        return _dataclass(kind, data)
    if isinstance(kind, type) and issubclass(kind, enum.Enum):
        return kind(data)
    if kind is datetime:
        return datetime.fromisoformat(data)
    if kind in (str, int, float, bool) and type(data) is kind:
        return data
    raise TypeError(f"expected {getattr(kind, '__name__', kind)}, got {type(data).__name__}")


def _union(options: tuple[Any, ...], data: Any) -> Any:
    if data is None and type(None) in options:
        return None
    for option in options:
        if option is not type(None):
            return _decode(option, data)
    raise TypeError("no type fits")


def _dataclass(cls: Any, data: Any) -> Any:
    if not isinstance(data, dict):
        raise TypeError(f"expected an object for {cls.__name__}")
    hints = _hints(cls)
    values = {f.name: _decode(hints[f.name], data[f.name]) for f in dataclasses.fields(cls)}
    return cls(**values)


def _list(data: Any) -> list[Any]:
    if not isinstance(data, list):
        raise TypeError(f"expected a list, got {type(data).__name__}")
    return data
