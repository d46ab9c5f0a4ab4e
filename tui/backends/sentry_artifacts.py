"""Source maps from a Sentry server: by debug id, for local symbolication, and the project's
artifact bundles as a list (`GET /api/0/projects/{org}/{project}/files/artifact-bundles/`, Sentry's
`ArtifactBundlesEndpoint`: `[{bundleId, associations: [{release, dist}], fileCount, date,
dateModified}]`, paged by `Link` cursors; `date` is the upload).

`GET /api/0/projects/{org}/{project}/artifact-lookup/?debug_id=` lists artifact bundles (zip
archives with a `manifest.json`, as sentry-cli uploads them) and single release files; each has a
`url` to download it with the same token. UNVERIFIED on a live server for user tokens (API.md):
a refusal becomes a one-line reason, never a crash.
"""

from __future__ import annotations

import io
import json
import zipfile
import zlib
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from tui.backends.coerce import as_dict, as_list, as_str
from tui.backends.errors import BackendError
from tui.backends.http import ApiClient, decode_json, next_link, path_segment
from tui.backends.sentry_parse import parse_datetime
from tui.model import ServerSymbolSet, SymbolSetList
from tui.symbols import FoundBy, FoundMap, LookupFailed, MapRequest

MAX_ARCHIVE_BYTES = 128 * 1024 * 1024
"""A download (bundle or single file) larger than this is abandoned while it streams."""
MAX_ENTRY_BYTES = 64 * 1024 * 1024
"""One file inside a bundle, uncompressed: a zip bomb stops here."""
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
KEPT_BUNDLES = 4
"""Downloads kept in memory for the next frames of the same event."""
MAX_LISTED_BUNDLES = 2000
"""Bundles listed at most across the profile's projects."""
MAX_PAGES = 100
"""Pages read at most per project: an end to a server that keeps naming a next page."""


@dataclass
class SentryArtifactSource:
    """A `SymbolSource` for one organisation; the project comes with each request."""

    client: ApiClient
    org: str
    base_url: Callable[[], Awaitable[str]]
    """The organisation's API host (a region host on sentry.io)."""
    default_project: str = ""
    name: str = "sentry artifacts"
    _bundles: dict[str, bytes] = field(default_factory=dict, repr=False)

    async def find(self, request: MapRequest) -> FoundMap | None:
        project = request.project or self.default_project
        if not request.debug_id or not project:
            return None
        base = await self.base_url()
        try:
            # The project comes with the event: it may not climb out of its segment (`../`).
            where = f"{path_segment(self.org)}/{path_segment(project)}"
            lookup = f"{base}/api/0/projects/{where}/artifact-lookup/"
            listed = await self.client.get_json(lookup, params={"debug_id": request.debug_id})
            for artifact in as_list(listed):
                found = await self._from_artifact(as_dict(artifact), request.debug_id)
                if found is not None:
                    return found
        except BackendError as error:
            raise LookupFailed(f"{self.name}: {error}") from error
        return None

    async def _from_artifact(self, artifact: Mapping[str, Any], debug_id: str) -> FoundMap | None:
        url = as_str(artifact.get("url"))
        if not url:
            return None
        data = self._bundles.get(url)
        if data is None:
            data = await self.client.download(url, MAX_ARCHIVE_BYTES)
            if len(self._bundles) >= KEPT_BUNDLES:
                del self._bundles[next(iter(self._bundles))]
            self._bundles[url] = data
        location = f"{self.name}: {as_str(artifact.get('id')) or url}"
        if as_str(artifact.get("type")) == "bundle":
            return bundle_map(data, debug_id, location)
        if as_str(artifact.get("abs_path")).endswith(".map"):
            return FoundMap(data, FoundBy.DEBUG_ID, location)
        return None


def bundle_map(archive: bytes, debug_id: str, location: str) -> FoundMap | None:
    """The source map (and its minified file) for `debug_id` inside an artifact bundle."""
    if len(archive) > MAX_ARCHIVE_BYTES:
        raise LookupFailed(f"{location}: the artifact bundle is over {MAX_ARCHIVE_BYTES} bytes")
    wanted = _normal_id(debug_id)
    try:
        with zipfile.ZipFile(io.BytesIO(archive)) as bundle:
            manifest = json.loads(
                _read_entry(bundle, "manifest.json", location, MAX_MANIFEST_BYTES)
            )
            entries = as_dict(as_dict(manifest).get("files"))
            matching = {
                as_str(as_dict(info).get("type")): path
                for path, info in entries.items()
                if _normal_id(_header(as_dict(info), "debug-id")) == wanted
            }
            if "source_map" not in matching:
                return None
            minified = matching.get("minified_source")
            return FoundMap(
                _read_entry(bundle, matching["source_map"], location, MAX_ENTRY_BYTES),
                FoundBy.DEBUG_ID,
                f"{location} {entries[matching['source_map']].get('url', matching['source_map'])}",
                minified=(
                    _read_entry(bundle, minified, location, MAX_ENTRY_BYTES) if minified else None
                ),
            )
    except (
        zipfile.BadZipFile,
        KeyError,
        json.JSONDecodeError,
        UnicodeDecodeError,
        NotImplementedError,  # a compression method zipfile lacks
        EOFError,
        zlib.error,
    ) as exc:
        raise LookupFailed(f"{location}: not a readable artifact bundle ({exc})") from exc


def _read_entry(bundle: zipfile.ZipFile, name: str, location: str, limit: int) -> bytes:
    """One file of the bundle, refused past `limit` bytes whatever its header claims."""
    too_large = LookupFailed(f"{location}: {name} in the bundle is over {limit} bytes")
    if bundle.getinfo(name).file_size > limit:
        raise too_large
    with bundle.open(name) as entry:
        data = entry.read(limit + 1)
    if len(data) > limit:
        raise too_large
    return data


def _header(info: Mapping[str, Any], name: str) -> str:
    """Bundle manifests spell header names in any case (`debug-id`, `Debug-Id`)."""
    headers = as_dict(info.get("headers"))
    return next((as_str(v) for k, v in headers.items() if k.lower() == name), "")


def _normal_id(debug_id: str) -> str:
    return debug_id.replace("-", "").lower()


async def list_artifact_bundles(
    client: ApiClient, base: str, org: str, projects: list[str]
) -> SymbolSetList:
    """The artifact bundles of `projects`, as the server lists them (newest first)."""
    found: list[ServerSymbolSet] = []
    truncated = False
    for project in projects:
        where = f"{path_segment(org)}/{path_segment(project)}"
        url: str | None = f"{base}/api/0/projects/{where}/files/artifact-bundles/"
        params: dict[str, str] | None = {"sortBy": "-date_added"}
        seen: set[str] = set()
        # A server that pages in a circle or without end stops here, its listing cut short.
        while url and url not in seen and len(seen) < MAX_PAGES:
            if len(found) >= MAX_LISTED_BUNDLES:
                return SymbolSetList(tuple(found[:MAX_LISTED_BUNDLES]), truncated=True)
            seen.add(url)
            response = await client.request("GET", url, params=params)
            found += [parse_bundle(as_dict(b), project) for b in as_list(decode_json(response))]
            url, params = next_link(response.headers.get("Link", "")), None
        truncated = truncated or bool(url)
    return SymbolSetList(
        tuple(found[:MAX_LISTED_BUNDLES]), truncated=truncated or len(found) > MAX_LISTED_BUNDLES
    )


def parse_bundle(data: Mapping[str, Any], project: str = "") -> ServerSymbolSet:
    releases = [
        "@".join(as_str(v) for v in (a.get("release"), a.get("dist")) if v)
        for a in (as_dict(x) for x in as_list(data.get("associations")))
    ]
    count = data.get("fileCount")
    return ServerSymbolSet(
        id=as_str(data.get("bundleId")),
        ref=as_str(data.get("bundleId")),
        created_at=parse_datetime(data.get("date")),  # Sentry does not say when one was used
        release=", ".join(r for r in releases if r),
        files=count if isinstance(count, int) and not isinstance(count, bool) else None,
        project=project,
    )
