"""The one HTTP layer every backend uses: timeouts, retries, rate limits, typed errors."""

from __future__ import annotations

import asyncio
import math
import re
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import quote

import httpx

from tui import __version__
from tui.backends.coerce import loads_json
from tui.backends.errors import (
    AuthError,
    BackendError,
    ConnectionFailed,
    InvalidResponse,
    NotFound,
    RateLimited,
    ServerError,
    UntrustedURL,
)
from tui.config import token_problem

USER_AGENT = f"stackdeck/{__version__}"
RETRY_STATUSES = frozenset({502, 503, 504})
SAFE_METHODS = frozenset({"GET", "HEAD"})
SENTRY_SAAS = "sentry.io"
MAX_RATE_LIMIT_WAIT = 60.0
"""Longer waits are reported to the user instead of freezing the screen."""
MAX_ANSWER_BYTES = 128 * 1024 * 1024
"""An API answer larger than this once decompressed is refused (a 2 MB gzip body can unpack to
gigabytes); as large as the largest download, since PostHog may answer with a symbol set itself."""
DEADLINE = 120.0
"""Seconds a whole answer may take: the timeout bounds each read, so a server trickling a byte
every few seconds would otherwise hold the request open for ever."""

Sleep = Callable[[float], Awaitable[None]]
Params = Mapping[str, Any] | list[tuple[str, Any]] | None


@dataclass(frozen=True)
class RateLimit:
    """The request budget the server last reported (Sentry's `X-Sentry-Rate-Limit-*`)."""

    remaining: int
    limit: int | None = None
    reset: float | None = None
    """Epoch seconds when the budget refills."""

    def describe(self, now: float) -> str:
        budget = f"{self.remaining}/{self.limit}" if self.limit is not None else str(self.remaining)
        if self.reset is None:
            return f"rate limit {budget} left"
        return f"rate limit {budget} left, resets in {max(0, round(self.reset - now))}s"


@dataclass(frozen=True)
class Body:
    """A request body other than JSON: the bytes and their `Content-Type`."""

    content: bytes
    content_type: str


class ApiClient:
    """Owns one `httpx.AsyncClient` for one server.

    `scopes` names the token scopes the backend needs, so a 401/403 can say which are missing.
    The token goes only to the server's own origin (and sentry.io's region hosts): a URL a
    server hands back on another host is refused rather than sent the token.
    """

    def __init__(
        self,
        base_url: str,
        token: str | None,
        *,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 20.0,
        retries: int = 3,
        backoff: float = 0.5,
        sleep: Sleep = asyncio.sleep,
        clock: Callable[[], float] = time.time,
        scopes: str = "",
        deadline: float = DEADLINE,
    ) -> None:
        if token and (problem := token_problem(token)):
            raise AuthError(f"the token for {_origin(httpx.URL(base_url))} {problem}")
        self._token = token or None
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/"),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            timeout=timeout,
            transport=transport,
            follow_redirects=True,
            # Every hop, redirects included, decides afresh whether it may carry the token.
            event_hooks={"request": [self._authorize]},
        )
        self._retries = retries
        self._backoff = backoff
        self._sleep = sleep
        self._clock = clock
        self._scopes = scopes
        self._deadline = deadline
        self.rate_limit: RateLimit | None = None
        """The budget from the last response that reported one."""

    @property
    def base_url(self) -> str:
        return str(self._client.base_url)

    @property
    def retries(self) -> int:
        return self._retries

    async def request(
        self,
        method: str,
        url: str,
        *,
        params: Params = None,
        json: Any = None,
        read_only: bool | None = None,
        body: Body | None = None,
    ) -> httpx.Response:
        """Send a request, retrying what is worth retrying; raise a `BackendError` on failure.

        `body` is a ready-made body with its content type (a multipart form), sent instead of
        `json`.

        Only reads are repeated on their own (`read_only` marks a POST that only reads, such as
        a query); a write that may have reached the server is left to `tui.backends.writes`,
        which re-reads before it writes again.
        """
        self._refuse_foreign(url)
        repeatable = method in SAFE_METHODS if read_only is None else read_only
        for attempt in range(self._retries + 1):
            last = attempt == self._retries
            try:
                response = await self._send(method, url, MAX_ANSWER_BYTES, params, json, body)
            except httpx.RequestError as exc:
                if last or not (repeatable or _never_sent(exc)):
                    raise self._transport_error(url, exc) from exc
                await self._sleep(self._backoff * 2**attempt)
                continue
            self.rate_limit = parse_rate_limit(response.headers) or self.rate_limit
            wait = self._retry_delay(response, attempt) if repeatable else None
            if wait is None or last:
                return self._checked(response)
            await self._sleep(wait)
        raise AssertionError("unreachable")  # the last attempt always returns or raises

    async def download(self, url: str, max_bytes: int) -> bytes:
        """GET a body of at most `max_bytes` (after any Content-Encoding is undone), streamed:
        a larger one is abandoned as soon as it grows past the limit."""
        self._refuse_foreign(url)
        try:
            response = await self._send("GET", url, max_bytes)
        except httpx.RequestError as exc:
            raise self._transport_error(url, exc) from exc
        return self._checked(response).content

    async def _send(
        self,
        method: str,
        url: str,
        max_bytes: int,
        params: Params = None,
        json: Any = None,
        form: Body | None = None,
    ) -> httpx.Response:
        """The response, its body read whole within the deadline and abandoned as soon as it
        grows past `max_bytes` (counted after any Content-Encoding is undone)."""
        if form is None:
            request = self._client.build_request(method, url, params=params, json=json)
        else:
            headers = {"Content-Type": form.content_type}
            request = self._client.build_request(
                method, url, params=params, content=form.content, headers=headers
            )
        try:
            async with asyncio.timeout(self._deadline):
                response = await self._client.send(request, stream=True)
                try:
                    body = await _read_at_most(response, max_bytes)
                finally:
                    await response.aclose()
        except TimeoutError:
            raise httpx.ReadTimeout("no whole answer in time", request=request) from None
        if body is None:
            raise self._too_large(url, max_bytes)
        return _with_body(response, body)

    def _too_large(self, url: str, max_bytes: int) -> InvalidResponse:
        return InvalidResponse(f"{self._where(url)} is larger than {max_bytes} bytes")

    async def pause_before_retry(self, attempt: int, error: BackendError) -> None:
        """The wait before repeating a write that failed with `error` (transient ones only)."""
        wait = error.retry_after if isinstance(error, RateLimited) else None
        await self._sleep(self._backoff * 2**attempt if wait is None else wait)

    async def get_json(self, url: str, *, params: Params = None) -> Any:
        return decode_json(await self.request("GET", url, params=params))

    async def aclose(self) -> None:
        await self._client.aclose()

    def _where(self, url: str) -> str:
        return str(self._client.base_url.join(url).copy_with(query=None))

    def _may_carry_token(self, url: httpx.URL) -> bool:
        return may_carry_token(self._client.base_url, url)

    def _refuse_foreign(self, url: str) -> None:
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as exc:  # a URL the server handed back, such as a next page
            raise InvalidResponse(f"the server named a malformed URL ({exc})") from None
        if self._token and target.is_absolute_url and not self._may_carry_token(target):
            raise UntrustedURL(
                f"refused to follow {_origin(target)}: the server pointed outside "
                f"{_origin(self._client.base_url)}, and the token is only sent there"
            )

    async def _authorize(self, request: httpx.Request) -> None:
        if self._token and self._may_carry_token(request.url):
            request.headers["Authorization"] = f"Bearer {self._token}"
        else:
            request.headers.pop("Authorization", None)

    def _without_token(self, text: str) -> str:
        """Server text with the token blanked out: a server or a proxy may echo it back."""
        return text.replace(self._token, "<token>") if self._token else text

    def _transport_error(self, url: str, exc: httpx.RequestError) -> ConnectionFailed:
        # Transient all: an answer cut off or garbled may follow a write that was applied.
        if isinstance(exc, httpx.TimeoutException):
            return ConnectionFailed(f"{self._where(url)} timed out", transient=True)
        if isinstance(exc, httpx.DecodingError):
            why = f"the answer from {self._where(url)} cannot be decompressed ({_reason(exc)})"
            return ConnectionFailed(why, transient=True)
        return ConnectionFailed(f"cannot reach {self._where(url)}: {_reason(exc)}", transient=True)

    def _retry_delay(self, response: httpx.Response, attempt: int) -> float | None:
        """Seconds to wait before trying again, or None when the response is final."""
        if response.status_code == 429:
            wait = rate_limit_wait(response.headers, self._clock())
            return wait if wait <= MAX_RATE_LIMIT_WAIT else None
        if response.status_code in RETRY_STATUSES:
            return self._backoff * 2**attempt
        return None

    def _checked(self, response: httpx.Response) -> httpx.Response:
        if response.is_success:
            return response
        raise self._status_error(response)

    def _status_error(self, response: httpx.Response) -> BackendError:
        status = response.status_code
        where = f"{response.request.method} {self._where(response.request.url.path)}"
        detail = self._without_token(_detail(response))
        if status == 403 and _is_html(response):
            # GlitchTip's web frontend (a CSRF page) answers paths its API does not have.
            return InvalidResponse(
                f"the server answered an HTML page, not the API (403), on {where}"
            )
        if status == 401:
            return AuthError(f"the server rejected the token (401) on {where}{detail}")
        if status == 403:
            needs = f"; the token needs the scopes {self._scopes}" if self._scopes else ""
            return AuthError(f"permission denied (403) on {where}{needs}{detail}")
        if status == 404:
            return NotFound(f"not found (404): {where}{detail}")
        if status == 429:
            wait = rate_limit_wait(response.headers, self._clock())
            return RateLimited(
                f"rate limited (429) on {where}; retry in {wait:.0f}s",
                wait,
                transient=wait <= MAX_RATE_LIMIT_WAIT,
            )
        message = f"the server answered {status} on {where}{detail}"
        return ServerError(message, transient=status in RETRY_STATUSES)


def path_segment(value: str) -> str:
    """`value` (an id, often named by the server) as exactly one segment of an API path: it
    cannot climb to another endpoint (`..`), nor add a path, a query or a fragment."""
    if value in ("", ".", ".."):
        raise InvalidResponse(f"{value!r} cannot name an issue or event in a URL")
    try:
        return quote(value, safe="")
    except UnicodeEncodeError:  # a lone surrogate has no UTF-8 form to percent-encode
        raise InvalidResponse(
            "an id that is not valid text cannot name an issue or event in a URL"
        ) from None


def may_carry_token(base: httpx.URL, url: httpx.URL) -> bool:
    """The profile's own origin; on sentry.io also its region hosts, over https only."""
    if _origin(url) == _origin(base):
        return True
    return (
        is_sentry_saas(base.host)
        and url.scheme == "https"
        and url.host.endswith("." + SENTRY_SAAS)
        and url.port in (None, 443)
    )


def is_sentry_saas(host: str) -> bool:
    return host == SENTRY_SAAS or host.endswith("." + SENTRY_SAAS)


def _origin(url: httpx.URL) -> str:
    port = url.port or {"http": 80, "https": 443}.get(url.scheme)
    return f"{url.scheme}://{url.host}:{port}"


def rate_limit_wait(headers: Mapping[str, str], now: float) -> float:
    """Seconds to wait after a 429: `Retry-After` (seconds or an HTTP date), else Sentry's
    `X-Sentry-Rate-Limit-Reset`, else one second."""
    retry_after = headers.get("Retry-After", "").strip()
    if retry_after:
        seconds = _finite(retry_after)
        if seconds is not None:
            return max(0.0, seconds)
        try:
            return max(0.0, parsedate_to_datetime(retry_after).timestamp() - now)
        except (TypeError, ValueError, IndexError, OverflowError):
            pass  # neither form: fall through to the reset header or the default
    reset = headers.get("X-Sentry-Rate-Limit-Reset", "").strip()
    if reset:
        moment = _finite(reset)
        if moment is not None:
            return max(0.0, moment - now)
    return 1.0


def _finite(text: str) -> float | None:
    """A number of a header, or None: `inf`, `nan` and `1e999` are no time to wait."""
    try:
        number = float(text)
    except ValueError:
        return None
    return number if math.isfinite(number) else None


def parse_rate_limit(headers: Mapping[str, str]) -> RateLimit | None:
    """Sentry's budget headers, or None when the response carries none (or garbage)."""
    remaining = _header_number(headers, "X-Sentry-Rate-Limit-Remaining")
    if remaining is None:
        return None
    limit = _header_number(headers, "X-Sentry-Rate-Limit-Limit")
    reset = _header_number(headers, "X-Sentry-Rate-Limit-Reset")
    return RateLimit(max(0, int(remaining)), None if limit is None else int(limit), reset)


def _header_number(headers: Mapping[str, str], name: str) -> float | None:
    return _finite(headers.get(name, ""))


def decode_json(response: httpx.Response) -> Any:
    try:
        return loads_json(response.content)
    except ValueError as exc:
        what = "an HTML page, not the API" if _is_html(response) else "no JSON"
        raise InvalidResponse(
            f"{response.request.method} {response.request.url.path} did not return JSON: "
            f"the server answered {what} (status {response.status_code}, "
            f"{len(response.content)} bytes)"
        ) from exc


# `[^<>]`, not `[^>]`: a header of thousands of `<` would be scanned to its end from each one.
_LINK = re.compile(r"<([^<>]*)>((?:\s*;\s*[\w-]+\s*=\s*\"?[^\";,]*\"?)*)")
_LINK_PARAM = re.compile(r"([\w-]+)\s*=\s*\"?([^\";,]*)\"?")


def next_link(header: str) -> str | None:
    """The URL of the next page from a `Link` header, or None at the end.

    Tolerant: GlitchTip may wrap the header in `{'...'}`; a `results="false"` means no next page.
    """
    for match in _LINK.finditer(header or ""):
        params = dict(_LINK_PARAM.findall(match.group(2)))
        if params.get("rel") == "next":
            return None if params.get("results") == "false" else match.group(1)
    return None


def _detail(response: httpx.Response) -> str:
    """The server's own one-line explanation (`{"detail": ...}`), when it gave one."""
    try:
        body = loads_json(response.content)
    except ValueError:
        return ""
    detail = body.get("detail") if isinstance(body, dict) else None
    if isinstance(detail, dict):
        detail = detail.get("message") or detail.get("code")
    return f": {str(detail)[:200]}" if detail else ""


async def _read_at_most(response: httpx.Response, max_bytes: int) -> bytes | None:
    """The decoded body, or None as soon as it is (or says it will be) over `max_bytes`."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        return None
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > max_bytes:
            return None
    return bytes(body)


_FRAMING = frozenset({"content-encoding", "content-length", "transfer-encoding"})
"""Headers about the body as it travelled, no longer true of the decoded bytes."""


def _with_body(response: httpx.Response, body: bytes) -> httpx.Response:
    """`response` with its decoded body in memory, as an unstreamed request returns it."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _FRAMING]
    return httpx.Response(
        response.status_code, headers=headers, content=body, request=response.request
    )


def _is_html(response: httpx.Response) -> bool:
    return response.headers.get("Content-Type", "").startswith("text/html")


def _reason(exc: httpx.RequestError) -> str:
    return str(exc) or type(exc).__name__


def _never_sent(exc: Exception | None) -> bool:
    """A write is only retried when it certainly did not reach the server."""
    return isinstance(exc, httpx.ConnectError | httpx.ConnectTimeout)
