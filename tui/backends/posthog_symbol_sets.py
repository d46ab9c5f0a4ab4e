"""PostHog's symbol sets as its API lists them, and uploading one (PostHog/posthog
`products/error_tracking/backend/api/symbol_sets.py`).

Listing: `GET error_tracking/symbol_sets/` pages `{count, next, results: [{id, ref, created_at,
last_used, storage_ptr, failure_reason, release}]}`. Uploading a new set: `bulk_start_upload`
(`{symbol_sets: [{chunk_id, release_id, content_hash}]}` -> `{id_map: {chunk_id:
{presigned_url: {url, fields}, symbol_set_id}}}`), a multipart POST of the blob to the presigned
storage URL, `bulk_finish_upload` (`{content_hashes: {symbol_set_id: hash}}`). Replacing a listed
set: `PUT symbol_sets/{id}/` with the `minified` and `source_map` files. Either way the set is
read back, and only what the server then lists counts as uploaded.
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from tui.backends.coerce import as_dict, as_id, as_list, as_str
from tui.backends.errors import BackendError, InvalidResponse
from tui.backends.http import ApiClient, Body, decode_json, path_segment
from tui.backends.posthog_symbols import build_symbol_set
from tui.backends.sentry_parse import parse_datetime
from tui.model import ServerSymbolSet, SymbolSetList, SymbolSetStatus

ROUTE = "error_tracking/symbol_sets/"
PAGE = 100
MAX_LISTED = 2000
"""Sets listed at most: a project with more shows the newest, and says it stopped."""
MAX_PAGES = 2 * MAX_LISTED // PAGE
"""Pages read at most: room for short pages, and an end to a server that never stops."""
MAX_UPLOAD_BYTES = 100 * 1024 * 1024
"""PostHog refuses a larger symbol set."""

Call = Callable[..., Awaitable[httpx.Response]]
"""The backend's project-scoped request: `call(method, rest, json=..., params=..., body=...)`."""


class UploadNotConfirmed(BackendError):
    """The server answered the upload but does not list the set as stored."""


def parse_symbol_set_row(data: Mapping[str, Any]) -> ServerSymbolSet:
    failure = as_str(data.get("failure_reason"))
    if failure:
        status = SymbolSetStatus.FAILED
    elif data.get("storage_ptr"):
        status = SymbolSetStatus.OK
    else:
        status = SymbolSetStatus.NO_FILE
    release = as_dict(data.get("release"))
    return ServerSymbolSet(
        id=as_id(data.get("id")),
        ref=as_str(data.get("ref")),
        status=status,
        failure_reason=failure,
        created_at=parse_datetime(data.get("created_at")),
        last_used=parse_datetime(data.get("last_used")),
        release=as_str(release.get("version") or release.get("hash_id")),
    )


@dataclass
class PostHogSymbolSets:
    call: Call
    client: ApiClient
    """The token-carrying client, for the `next` pages the server names."""
    downloads: ApiClient
    """Tokenless: the presigned storage URL takes no second credential."""

    async def list(self, ref: str = "") -> SymbolSetList:
        """The project's symbol sets, newest first (those for chunk id `ref` only, if given)."""
        params = {"limit": str(PAGE), "order_by": "-created_at"} | ({"ref": ref} if ref else {})
        page: Any = decode_json(await self.call("GET", ROUTE, params=params))
        found: list[ServerSymbolSet] = []
        read: set[str] = set()
        while True:
            rows = as_list(page.get("results") if isinstance(page, Mapping) else page)
            found += [parse_symbol_set_row(as_dict(r)) for r in rows]
            following = as_str(page.get("next")) if isinstance(page, Mapping) else ""
            # An empty page, a page already read or too many pages: the server pages forever.
            endless = not rows or following in read or len(read) + 1 >= MAX_PAGES
            if not following or endless or len(found) >= MAX_LISTED:
                break
            read.add(following)
            page = await self.client.get_json(following)
        # `ref` is a filter PostHog may not know (older servers): keep only the asked-for set.
        found = [s for s in found if not ref or s.ref == ref]
        return SymbolSetList(tuple(found[:MAX_LISTED]), truncated=bool(following))

    async def upload(self, chunk_id: str, minified: bytes, source_map: bytes) -> ServerSymbolSet:
        """Upload (or replace) the set for `chunk_id`; the set as the server then lists it.

        Raises `UploadNotConfirmed` when the server's own listing does not show it stored.
        """
        if not chunk_id:
            raise InvalidResponse("a symbol set needs the chunk id its frames name")
        blob = build_symbol_set(minified, source_map)
        if len(blob) > MAX_UPLOAD_BYTES:
            raise InvalidResponse("PostHog takes symbol sets of at most 100 MB")
        listed = await self.list(chunk_id)
        if listed.sets:
            await self._replace(listed.sets[0].id, minified, source_map)
        else:
            await self._start_and_finish(chunk_id, blob)
        return await self._confirmed(chunk_id)

    async def _replace(self, set_id: str, minified: bytes, source_map: bytes) -> None:
        files = {"minified": ("minified.js", minified), "source_map": ("map.js.map", source_map)}
        await self.call("PUT", f"{ROUTE}{path_segment(set_id)}/", body=multipart({}, files))

    async def _start_and_finish(self, chunk_id: str, blob: bytes) -> None:
        content_hash = hashlib.sha512(blob).hexdigest()
        wanted = {"symbol_sets": [{"chunk_id": chunk_id, "content_hash": content_hash}]}
        started = decode_json(await self.call("POST", f"{ROUTE}bulk_start_upload/", json=wanted))
        slot = as_dict(as_dict(as_dict(started).get("id_map")).get(chunk_id))
        if not slot:
            return  # the same content is stored already: nothing to send
        target = as_dict(slot.get("presigned_url"))
        url, set_id = as_str(target.get("url")), as_id(slot.get("symbol_set_id"))
        if not url or not set_id:
            raise InvalidResponse("the upload answer names no storage URL or symbol set id")
        fields = {str(k): as_str(v) for k, v in as_dict(target.get("fields")).items()}
        form = multipart(fields, {"file": ("symbol_set", blob)})
        await self.downloads.request("POST", url, body=form)
        finish = {"content_hashes": {set_id: content_hash}}
        await self.call("POST", f"{ROUTE}bulk_finish_upload/", json=finish)

    async def _confirmed(self, chunk_id: str) -> ServerSymbolSet:
        listed = await self.list(chunk_id)
        stored = next((s for s in listed.sets if s.status is SymbolSetStatus.OK), None)
        if stored is None:
            said = next((s.failure_reason for s in listed.sets if s.failure_reason), "")
            reason = f": {said}" if said else ""
            raise UploadNotConfirmed(
                f"the server does not list symbol set {chunk_id} as stored{reason}"
            )
        return stored


def multipart(fields: Mapping[str, str], files: Mapping[str, tuple[str, bytes]]) -> Body:
    """A `multipart/form-data` body; storage wants the form fields before the file."""
    request = httpx.Request("POST", "http://form.invalid/", data=dict(fields), files=files)
    return Body(request.read(), request.headers["Content-Type"])
