"""The demo PostHog's symbol sets, kept in memory: listing, download, upload and replace.

Routes as PostHog's `ErrorTrackingSymbolSetViewSet` serves them (list paged with `limit` and
`offset`, `ref` filter; `bulk_start_upload` with presigned POSTs to object storage;
`bulk_finish_upload`; `PUT {id}/` with `minified` and `source_map` files; `{id}/download/`).
"""

from __future__ import annotations

import email.parser
import email.policy
import hashlib
import json
import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

from tui.backends.posthog_symbols import build_symbol_set

STORAGE_URL = "https://storage.demo.stackdeck.invalid"
ROUTE = "error_tracking/symbol_sets/"
_BY_ID = re.compile(r"^error_tracking/symbol_sets/(?P<id>[0-9a-f-]{36})/(?P<action>download/)?$")
MAX_PAGE = 100
FAILED_SETS = {
    "0192f3a1-5b7e-7c2d-9e4f-a1b2c3d4e5f6": (
        "Invalid source map: bad json: expected value at line 1 column 1"
    )
}
"""A set PostHog could not use: an earlier release's upload whose map was an HTML error page."""


@dataclass
class DemoSymbolSet:
    id: str
    ref: str
    created_at: datetime
    blob: bytes | None = None
    failure_reason: str | None = None
    content_hash: str | None = None
    last_used: datetime | None = None
    storage_ptr: str | None = None

    def row(self) -> dict[str, Any]:
        return {
            "id": self.id, "ref": self.ref, "team_id": 1, "created_at": iso(self.created_at),
            "last_used": iso(self.last_used) if self.last_used else None,
            "storage_ptr": self.storage_ptr if self.blob is not None else None,
            "failure_reason": self.failure_reason, "release": None,
        }  # fmt: skip


class DemoSymbolStore:
    def __init__(self, now: datetime) -> None:
        self.now = now
        self.sets: dict[str, DemoSymbolSet] = {}
        """By ref (chunk id)."""
        self.pending: dict[str, DemoSymbolSet] = {}
        """By storage key: presigned uploads not yet received."""

    def add(
        self,
        ref: str,
        blob: bytes | None,
        *,
        failure: str | None = None,
        created: datetime | None = None,
    ) -> DemoSymbolSet:
        set_id = str(uuid.uuid5(uuid.NAMESPACE_URL, ref))
        key = f"symbolsets/{set_id}"
        found = DemoSymbolSet(set_id, ref, created or self.now, blob, failure, storage_ptr=key)
        self.sets[ref] = found
        return found

    def route(self, request: httpx.Request, rest: str) -> httpx.Response | None:
        """The answer to a symbol-set route; None for any other route."""
        method = request.method
        if rest == ROUTE and method == "GET":
            return self._list(request)
        if rest == f"{ROUTE}bulk_start_upload/" and method == "POST":
            return self._start(_json(request))
        if rest == f"{ROUTE}bulk_finish_upload/" and method == "POST":
            return self._finish(_json(request))
        match = _BY_ID.match(rest)
        if match is None:
            return None
        found = next((s for s in self.sets.values() if s.id == match["id"]), None)
        if found is None:
            return detail(404, "Not found.")
        if match["action"] and method == "GET":
            url = f"{STORAGE_URL}/{found.storage_ptr}?X-Amz-Signature=demo"
            return httpx.Response(200, json={"url": url})
        if not match["action"] and method == "PUT":
            return self._replace(found, request)
        return None

    def storage(self, request: httpx.Request) -> httpx.Response:
        """Presigned object storage: a second credential is refused, as S3 does."""
        if "authorization" in request.headers:
            return httpx.Response(400, text="<Error><Code>InvalidArgument</Code></Error>")
        if request.method == "POST" and request.url.path == "/":
            return self._receive(request)
        for found in self.sets.values():
            if found.blob is not None and request.url.path == f"/{found.storage_ptr}":
                headers = {"content-type": "binary/octet-stream"}
                return httpx.Response(200, content=found.blob, headers=headers)
        return httpx.Response(404, text="<Error><Code>NoSuchKey</Code></Error>")

    def _list(self, request: httpx.Request) -> httpx.Response:
        ref = request.url.params.get("ref")
        rows = sorted(self.sets.values(), key=lambda s: s.created_at, reverse=True)
        rows = [s for s in rows if ref in (None, s.ref)]
        limit = min(int(request.url.params.get("limit", MAX_PAGE)), MAX_PAGE)
        offset = int(request.url.params.get("offset", 0))
        following = None
        if offset + limit < len(rows):
            following = str(request.url.copy_merge_params({"offset": str(offset + limit)}))
        page = [s.row() for s in rows[offset : offset + limit]]
        return httpx.Response(
            200, json={"count": len(rows), "next": following, "previous": None, "results": page}
        )

    def _start(self, body: dict[str, Any]) -> httpx.Response:
        id_map = {}
        for wanted in body.get("symbol_sets", []):
            ref, content_hash = wanted["chunk_id"], wanted.get("content_hash")
            existing = self.sets.get(ref)
            if existing and existing.content_hash and existing.content_hash != content_hash:
                return detail(400, f"Symbol set {ref} already exists, with different content.")
            if existing and existing.content_hash == content_hash:
                continue  # uploaded already: nothing to send
            target = existing or self.add(ref, None)
            key = f"symbolsets/{uuid.uuid4()}"
            target.storage_ptr = key
            self.pending[key] = target
            presigned = {"url": f"{STORAGE_URL}/", "fields": {"key": key, "policy": "demo"}}
            id_map[ref] = {"presigned_url": presigned, "symbol_set_id": target.id}
        return httpx.Response(201, json={"id_map": id_map})

    def _receive(self, request: httpx.Request) -> httpx.Response:
        form = _form(request)
        target = self.pending.pop(form.get("key", b"").decode(), None)
        if target is None or "file" not in form:
            return httpx.Response(403, text="<Error><Code>AccessDenied</Code></Error>")
        target.blob, target.failure_reason = form["file"], None
        return httpx.Response(204)

    def _finish(self, body: dict[str, Any]) -> httpx.Response:
        for set_id, content_hash in (body.get("content_hashes") or {}).items():
            found = next((s for s in self.sets.values() if s.id == set_id), None)
            if found is None or found.blob is None:
                return detail(400, "No file has been uploaded for the symbol set.")
            found.content_hash = content_hash
        return httpx.Response(201, json={"success": True})

    def _replace(self, found: DemoSymbolSet, request: httpx.Request) -> httpx.Response:
        form = _form(request)
        if "minified" not in form or "source_map" not in form:
            return detail(400, "minified and source_map files are required")
        found.blob = build_symbol_set(form["minified"], form["source_map"], version=1)
        found.content_hash = hashlib.sha512(found.blob).hexdigest()
        found.failure_reason = None
        return httpx.Response(204)


def _form(request: httpx.Request) -> dict[str, bytes]:
    """The parts of a `multipart/form-data` body by field name."""
    head = f"Content-Type: {request.headers.get('content-type', '')}\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + request.content)
    parts = message.iter_parts() if message.is_multipart() else iter(())
    out = {}
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if isinstance(name, str):
            payload = part.get_payload(decode=True)
            out[name] = payload if isinstance(payload, bytes) else b""
    return out


def _json(request: httpx.Request) -> dict[str, Any]:
    return json.loads(request.content) if request.content else {}


def iso(moment: datetime) -> str:
    """A time as PostHog's API writes one."""
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


def detail(status: int, message: str) -> httpx.Response:
    """An error answer as Django REST framework words one."""
    return httpx.Response(status, json={"detail": message})
