"""The parts of an event detail besides its stack traces, as Sentry's web API shows them.

Sentry: `src/sentry/api/serializers/models/event.py` and the interfaces in
`src/sentry/interfaces/` (`breadcrumbs.py`, `http.py`, `message.py`, `user.py`); Relay fills
`{{auto}}` IP addresses and gives contexts their `type`.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qsl

from api_frames import exception_entry, main_exception, threads_entry


def iso(timestamp: float | str) -> str:
    """Sentry's timestamp format: UTC, microseconds, `Z`."""
    if isinstance(timestamp, str):
        moment = datetime.fromisoformat(timestamp.replace("Z", "+00:00"))
    else:
        moment = datetime.fromtimestamp(timestamp, UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def user(event: dict[str, Any]) -> dict[str, Any] | None:
    raw = dict(event.get("user") or {})
    if not raw:
        return None
    if raw.get("ip_address") == "{{auto}}":
        # Relay replaces `{{auto}}` with the address the event came from.
        raw["ip_address"] = ((event.get("request") or {}).get("env") or {}).get("REMOTE_ADDR")
    return {
        "id": raw.get("id"),
        "email": raw.get("email"),
        "username": raw.get("username"),
        "ip_address": raw.get("ip_address"),
        "name": raw.get("name"),
        "data": raw.get("data"),
    }


def user_tag(event: dict[str, Any]) -> str | None:
    found = user(event) or {}
    for field in ("id", "username", "email", "ip_address"):
        if found.get(field):
            return f"{'ip' if field == 'ip_address' else field}:{found[field]}"
    return None


def tags(event: dict[str, Any]) -> list[dict[str, str]]:
    """The event's tags plus the ones Sentry derives from the event itself."""
    found: dict[str, str] = {str(k): str(v) for k, v in (event.get("tags") or {}).items()}
    mechanism = main_exception(event).get("mechanism") or {}
    contexts = event.get("contexts") or {}
    derived = {
        "environment": event.get("environment"),
        "level": event.get("level", "error"),
        "release": event.get("release"),
        "server_name": event.get("server_name"),
        "transaction": event.get("transaction"),
        "handled": None
        if "handled" not in mechanism
        else ("yes" if mechanism["handled"] else "no"),
        "mechanism": mechanism.get("type"),
        "url": (event.get("request") or {}).get("url"),
        "user": user_tag(event),
        "runtime": _context_tag(contexts.get("runtime")),
        "runtime.name": (contexts.get("runtime") or {}).get("name"),
        "os.name": (contexts.get("os") or {}).get("name"),
    }
    found.update({key: str(value) for key, value in derived.items() if value})
    return [{"key": key, "value": found[key]} for key in sorted(found)]


def _context_tag(context: dict[str, Any] | None) -> str | None:
    if not context or not context.get("name"):
        return None
    return f"{context['name']} {context.get('version', '')}".strip()


def contexts(event: dict[str, Any]) -> dict[str, Any]:
    """Relay gives every context a `type`, its key for the well-known ones."""
    return {
        name: {"type": name, **value} if "type" not in value else value
        for name, value in (event.get("contexts") or {}).items()
        if isinstance(value, dict)
    }


def breadcrumbs_entry(event: dict[str, Any]) -> dict[str, Any] | None:
    crumbs = event.get("breadcrumbs") or {}
    values = crumbs.get("values", []) if isinstance(crumbs, dict) else crumbs
    if not values:
        return None
    return {
        "type": "breadcrumbs",
        "data": {
            "values": [
                {
                    "type": crumb.get("type", "default"),
                    "category": crumb.get("category"),
                    "level": crumb.get("level", "info"),
                    "message": crumb.get("message"),
                    "timestamp": iso(crumb["timestamp"]) if crumb.get("timestamp") else None,
                    "event_id": None,
                    "data": crumb.get("data") or None,
                }
                for crumb in values
            ]
        },
    }


def request_entry(event: dict[str, Any]) -> dict[str, Any] | None:
    request = event.get("request")
    if not request:
        return None
    headers = request.get("headers") or {}
    return {
        "type": "request",
        "data": {
            "method": request.get("method"),
            "url": request.get("url"),
            "query": [list(pair) for pair in parse_qsl(request.get("query_string") or "")],
            "fragment": None,
            "data": request.get("data"),
            "headers": [[key, value] for key, value in headers.items()],
            "cookies": [],
            "env": request.get("env"),
            "inferredContentType": headers.get("Content-Type"),
            "apiTarget": None,
        },
    }


def message_entry(event: dict[str, Any]) -> dict[str, Any] | None:
    logentry = event.get("logentry") or {}
    if not logentry:
        return None
    params = logentry.get("params") or []
    formatted = logentry.get("formatted") or logentry.get("message", "") % tuple(params)
    return {
        "type": "message",
        "data": {"formatted": formatted, "message": logentry.get("message"), "params": params},
    }


def debugmeta_entry(event: dict[str, Any]) -> dict[str, Any] | None:
    images = (event.get("debug_meta") or {}).get("images") or []
    if event.get("platform") == "native":
        images = [_symbolicated(image, event) for image in images]
    return {"type": "debugmeta", "data": {"images": images}} if images else None


def _symbolicated(image: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    """What Sentry's symbolicator adds to a native image whose debug files were uploaded:
    `found` for an image some frame points into, `unused` for the others."""
    used = any(
        frame.get("image_addr") == image.get("image_addr")
        for frames in _all_frames(event)
        for frame in frames
    )
    status = "found" if used else "unused"
    return {**image, "debug_status": status, "unwind_status": status}


def _all_frames(event: dict[str, Any]) -> list[list[dict[str, Any]]]:
    holders = [
        *((event.get("exception") or {}).get("values") or []),
        *((event.get("threads") or {}).get("values") or []),
    ]
    return [(holder.get("stacktrace") or {}).get("frames") or [] for holder in holders]


def entries(event: dict[str, Any]) -> list[dict[str, Any]]:
    candidates = [
        message_entry(event),
        exception_entry(event),
        threads_entry(event),
        breadcrumbs_entry(event),
        request_entry(event),
        debugmeta_entry(event),
    ]
    return [entry for entry in candidates if entry is not None]
