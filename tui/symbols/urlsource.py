"""Fetching a minified file and its map from public URLs, only for allowed hosts.

http(s) only, hosts from an allow-list, a size limit on every body and a timeout. Without an
explicit list ("*"), only hosts whose every address is public are fetched: never loopback,
private or link-local ones (a hostile event must not make stackdeck probe the local network).
The map is
found by the `SourceMap`/`X-SourceMap` header or the file's last `//# sourceMappingURL=`
comment, and as a last resort at `<url>.map` (what PostHog's cymbal tries). Redirects are
followed by hand so that every hop passes the allow-list.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass, field
from urllib.parse import urljoin, urlsplit

import httpx

from tui.symbols.discovery import decode_data_url, join_url, map_reference
from tui.symbols.errors import SourceMapError
from tui.symbols.sources import FoundBy, FoundMap, LookupFailed, MapRequest

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
_MAX_REDIRECTS = 5
Resolve = Callable[[str, int], Awaitable[list[str]]]


async def resolve_addresses(host: str, port: int) -> list[str]:
    """Every address `host` resolves to (what the connection may use)."""
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass
class UrlSource:
    """The `client` comes from the caller, so tests pass an `httpx.MockTransport`."""

    client: httpx.AsyncClient
    allowed_hosts: Iterable[str] = ()
    max_bytes: int = DEFAULT_MAX_BYTES
    timeout: float = 20.0
    name: str = "public urls"
    resolve: Resolve = resolve_addresses
    _hosts: frozenset[str] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._hosts = frozenset(h.lower().strip(".") for h in self.allowed_hosts)

    def allows(self, url: str) -> bool:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme not in ("http", "https") or not host:
            return False
        return "*" in self._hosts or self._listed(host)

    def _listed(self, host: str) -> bool:
        return any(host == h or host.endswith("." + h) for h in self._hosts)

    async def find(self, request: MapRequest) -> FoundMap | None:
        url = request.abs_path.split("#", 1)[0]
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        await self._check(url)
        minified, headers, url = await self._get(url)
        reference = map_reference(minified, headers)
        how = FoundBy.SOURCE_MAPPING_URL
        if reference and any(k.lower() in ("sourcemap", "x-sourcemap") for k in headers):
            how = FoundBy.SOURCEMAP_HEADER
        if reference and reference.startswith("data:"):
            try:
                return FoundMap(decode_data_url(reference), how, f"<inline in {url}>", minified)
            except SourceMapError as exc:
                raise LookupFailed(f"{url}: {exc}") from None
        map_url = join_url(url, reference) if reference else url.split("?", 1)[0] + ".map"
        await self._check(map_url)
        data, _, _ = await self._get(map_url)
        return FoundMap(data, how, map_url, minified)

    async def _check(self, url: str) -> None:
        parts = urlsplit(url)
        host = (parts.hostname or "").lower()
        if not self.allows(url):
            raise LookupFailed(f"{host or url} is not an allowed host (symbols.url_hosts)")
        if self._listed(host):
            return  # named by the user: an internal host is what they asked for
        try:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            addresses = await self.resolve(host, port)
        except (OSError, ValueError) as exc:
            raise LookupFailed(f"cannot resolve {host}: {exc}") from None
        if not addresses or not all(_public(a) for a in addresses):
            raise LookupFailed(
                f"{host} is not a public address; name it in symbols.url_hosts to allow it"
            )

    async def _get(self, url: str) -> tuple[bytes, Mapping[str, str], str]:
        """GET with the size limit; redirects are followed only to allowed hosts.

        Returns the body, the headers and the final URL (relative map URLs resolve against it).
        """
        for _ in range(_MAX_REDIRECTS):
            found = await self._get_once(url)
            if isinstance(found, str):
                url = found
                await self._check(url)
                continue
            return (*found, url)
        raise LookupFailed(f"GET {url}: too many redirects")

    async def _get_once(self, url: str) -> tuple[bytes, Mapping[str, str]] | str:
        try:
            async with self.client.stream(
                "GET", url, timeout=self.timeout, follow_redirects=False
            ) as response:
                if response.is_redirect and "location" in response.headers:
                    return urljoin(url, response.headers["location"])
                if response.status_code >= 400:
                    raise LookupFailed(f"GET {url}: HTTP {response.status_code}")
                declared = int(response.headers.get("content-length") or 0)
                if declared > self.max_bytes:
                    raise LookupFailed(f"{url} is larger than {self.max_bytes} bytes")
                body = bytearray()
                async for chunk in response.aiter_bytes():
                    body += chunk
                    if len(body) > self.max_bytes:
                        raise LookupFailed(f"{url} is larger than {self.max_bytes} bytes")
                return bytes(body), dict(response.headers)
        except httpx.HTTPError as exc:
            raise LookupFailed(f"GET {url}: {type(exc).__name__}: {exc}") from None


def _public(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone (`fe80::1%eth0`)
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global
