"""Stack traces in Sentry's web API shape, after Relay's trimming.

Relay: getsentry/relay `relay-event-normalization/src/trimming.rs` (`enforce_frame_hard_limit`,
`slim_frame_data`). Sentry: `src/sentry/interfaces/stacktrace.py` (`Frame.get_api_context`,
`get_context`) and `src/sentry/interfaces/exception.py` (`Mechanism.get_api_context`).
"""

from __future__ import annotations

import copy
from typing import Any

MAX_FRAMES = 250
FRAME_ALLOWANCE = 50


def main_exception(event: dict[str, Any]) -> dict[str, Any]:
    """The exception Sentry titles the event after: the last value, the one that was raised."""
    return event["exception"]["values"][-1]


def last_in_app_frame(exception: dict[str, Any]) -> dict[str, Any] | None:
    frames = (exception.get("stacktrace") or {}).get("frames") or []
    in_app = [frame for frame in frames if frame.get("in_app")]
    return (in_app or frames or [None])[-1]


def relay_trim(frames: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the newest 250 frames; strip vars and context around all but 50 of them."""
    frames = copy.deepcopy(frames[-MAX_FRAMES:])
    if len(frames) <= FRAME_ALLOWANCE:
        return frames
    app = [i for i, frame in enumerate(frames) if frame.get("in_app") is True]
    system = [i for i, frame in enumerate(frames) if frame.get("in_app") is not True]
    system_half = max(FRAME_ALLOWANCE - len(app), 0) // 2
    system_removed = system[system_half : len(system) - system_half]
    remaining = max(len(frames) - FRAME_ALLOWANCE - len(system_removed), 0)
    app_half = max(len(app) - remaining, 0) // 2
    app_removed = app[app_half : len(app) - app_half]
    for index in (*system_removed, *app_removed):
        for key in ("vars", "pre_context", "post_context"):
            frames[index].pop(key, None)
    return frames


def api_context(frame: dict[str, Any]) -> list[list[Any]]:
    """`[[lineno, line], ...]` with the frame's own line among its neighbours."""
    line = frame.get("context_line")
    if line is None or frame.get("lineno") is None:
        return []
    pre = frame.get("pre_context") or []
    start = max(0, frame["lineno"] - len(pre))
    lines = [*pre, line, *(frame.get("post_context") or [])]
    return [[start + offset, text] for offset, text in enumerate(lines)]


def api_frame(frame: dict[str, Any]) -> dict[str, Any]:
    return {
        "filename": frame.get("filename"),
        "absPath": frame.get("abs_path"),
        "module": frame.get("module"),
        "package": frame.get("package"),
        "platform": frame.get("platform"),
        "instructionAddr": frame.get("instruction_addr"),
        "symbolAddr": frame.get("symbol_addr"),
        "imageAddr": frame.get("image_addr"),
        "addrMode": frame.get("addr_mode"),
        "function": frame.get("function"),
        "rawFunction": frame.get("raw_function"),
        "symbol": frame.get("symbol"),
        "context": api_context(frame),
        "lineNo": frame.get("lineno"),
        "colNo": frame.get("colno"),
        "inApp": bool(frame.get("in_app")),
        "trust": frame.get("trust"),
        "errors": None,
        "vars": frame.get("vars"),
    }


def _has_system_frames(frames: list[dict[str, Any]]) -> bool:
    """Sentry's rule: some frames in-app and some not."""
    in_app = [bool(frame.get("in_app")) for frame in frames]
    return any(in_app) and not all(in_app)


def api_stacktrace(stacktrace: dict[str, Any] | None) -> dict[str, Any] | None:
    if not stacktrace:
        return None
    frames = relay_trim(stacktrace.get("frames") or [])
    return {
        "frames": [api_frame(frame) for frame in frames],
        "framesOmitted": stacktrace.get("frames_omitted"),
        "registers": stacktrace.get("registers"),
        "hasSystemFrames": _has_system_frames(frames),
    }


def api_mechanism(mechanism: dict[str, Any] | None) -> dict[str, Any] | None:
    """Sentry keeps the mechanism's snake_case keys and drops empty ones."""
    if not mechanism:
        return None
    return {key: value for key, value in mechanism.items() if value is not None}


def exception_entry(event: dict[str, Any]) -> dict[str, Any] | None:
    values = (event.get("exception") or {}).get("values") or []
    if not values:
        return None
    api_values = [
        {
            "type": value.get("type"),
            "value": value.get("value"),
            "module": value.get("module"),
            "threadId": value.get("thread_id"),
            "mechanism": api_mechanism(value.get("mechanism")),
            "rawStacktrace": None,
            "stacktrace": api_stacktrace(value.get("stacktrace")),
        }
        for value in values
    ]
    all_frames = [
        frame for value in values for frame in (value.get("stacktrace") or {}).get("frames") or []
    ]
    return {
        "type": "exception",
        "data": {
            "values": api_values,
            "excOmitted": None,
            "hasSystemFrames": _has_system_frames(all_frames),
        },
    }


def threads_entry(event: dict[str, Any]) -> dict[str, Any] | None:
    """`Threads.get_api_context`: camelCase `heldLocks`, state and locks only when set."""
    values = (event.get("threads") or {}).get("values") or []
    if not values:
        return None
    api_values = []
    for thread in values:
        value = {
            "id": thread.get("id"),
            "current": thread.get("current"),
            "crashed": thread.get("crashed"),
            "name": thread.get("name"),
            "stacktrace": api_stacktrace(thread.get("stacktrace")),
            "rawStacktrace": None,
        }
        if thread.get("state"):
            value["state"] = thread["state"]
        if thread.get("held_locks"):
            value["heldLocks"] = thread["held_locks"]
        api_values.append(value)
    return {"type": "threads", "data": {"values": api_values}}
