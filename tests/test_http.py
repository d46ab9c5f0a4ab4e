"""The HTTP layer: where the token may go, what a token may hold, how long a 429 waits."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from tests.conftest import FIXTURES
from tui.backends import http
from tui.backends.errors import (
    AuthError,
    ConnectionFailed,
    InvalidResponse,
    ServerError,
    UntrustedURL,
)
from tui.backends.http import ApiClient, next_link, rate_limit_wait
from tui.backends.sentry import SentryBackend
from tui.cli import main
from tui.model import IssueQuery

ISSUE = json.loads((FIXTURES / "sentry" / "sentry_issue_list_item.json").read_text())
TOKEN = "tok-secret"


class Server:
    """Records every request with whether it carried the token."""

    def __init__(self, answer: httpx.Response | None = None) -> None:
        self.seen: list[tuple[str, bool]] = []
        self.answer = answer

    def __call__(self, request: httpx.Request) -> httpx.Response:
        carried = request.headers.get("Authorization") == f"Bearer {TOKEN}"
        self.seen.append((f"{request.url.scheme}://{request.url.host}", carried))
        if request.url.path == "/api/0/organizations/":
            return httpx.Response(200, json=[{"slug": "acme", "links": self.links}])
        if request.url.path == "/redirect/":
            return httpx.Response(302, headers={"Location": "https://elsewhere.example/x/"})
        return self.answer or httpx.Response(200, json=[ISSUE])

    links: dict[str, str] = {}

    def client(self, base: str) -> ApiClient:
        async def sleep(seconds: float) -> None:
            pass

        return ApiClient(base, TOKEN, transport=httpx.MockTransport(self), sleep=sleep)


def tokens_sent_to(server: Server) -> set[str]:
    return {origin for origin, carried in server.seen if carried}


async def test_a_next_link_on_another_host_is_refused_without_sending_anything() -> None:
    server = Server()
    backend = SentryBackend(server.client("https://sentry.example.com"), "acme")
    with pytest.raises(UntrustedURL, match="evil.example") as caught:
        await backend.list_issues(IssueQuery(), "https://evil.example/api/0/next/?cursor=1")
    assert server.seen == []
    assert TOKEN not in str(caught.value)


async def test_a_malformed_next_link_is_an_invalid_response() -> None:
    server = Server()
    backend = SentryBackend(server.client("https://sentry.example.com"), "acme")
    with pytest.raises(InvalidResponse, match="malformed URL"):
        await backend.list_issues(IssueQuery(), "https://sentry.example.com/\x00next/")
    assert server.seen == []


@pytest.mark.parametrize(
    "next_url",
    [
        "http://sentry.example.com/api/0/organizations/acme/issues/?cursor=2",  # scheme
        "https://sentry.example.com:8443/api/0/organizations/acme/issues/?cursor=2",  # port
        "https://sentry.example.com.evil.example/api/0/issues/?cursor=2",  # suffix
    ],
)
async def test_the_origin_is_scheme_host_and_port(next_url: str) -> None:
    server = Server()
    backend = SentryBackend(server.client("https://sentry.example.com"), "acme")
    with pytest.raises(UntrustedURL):
        await backend.list_issues(IssueQuery(), next_url)


async def test_a_next_link_on_the_same_origin_is_followed_with_the_token() -> None:
    server = Server()
    backend = SentryBackend(server.client("https://sentry.example.com"), "acme")
    cursor = "https://sentry.example.com/api/0/organizations/acme/issues/?cursor=2"
    page = await backend.list_issues(IssueQuery(), cursor)
    assert page.issues and tokens_sent_to(server) == {"https://sentry.example.com"}


@pytest.mark.parametrize(
    ("region", "allowed"),
    [
        ("https://de.sentry.io", True),
        ("https://us.sentry.io", True),
        ("http://de.sentry.io", False),
        ("https://de.sentry.io.evil.example", False),
        ("https://evil.example", False),
    ],
)
async def test_sentry_io_region_hosts_get_the_token_only_over_https(
    region: str, allowed: bool
) -> None:
    server = Server()
    server.links = {"regionUrl": region}
    backend = SentryBackend(server.client("https://sentry.io"), "acme")
    if allowed:
        await backend.list_issues(IssueQuery())
        assert tokens_sent_to(server) == {"https://sentry.io", region}
    else:
        with pytest.raises(UntrustedURL):
            await backend.list_issues(IssueQuery())
        assert tokens_sent_to(server) == {"https://sentry.io"}


async def test_a_redirect_to_another_host_loses_the_token() -> None:
    server = Server()
    client = server.client("https://sentry.example.com")
    await client.request("GET", "/redirect/")
    assert server.seen == [
        ("https://sentry.example.com", True),
        ("https://elsewhere.example", False),
    ]


async def test_a_client_without_a_token_may_fetch_any_host() -> None:
    """PostHog's presigned downloads: another host, and no credential to leak."""
    server = Server()
    client = ApiClient("https://ph.example.com", None, transport=httpx.MockTransport(server))
    await client.request("GET", "https://bucket.s3.example/blob")
    assert server.seen == [("https://bucket.s3.example", False)]


def test_cli_paging_stops_at_a_foreign_next_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    server = Server(
        httpx.Response(
            200,
            json=[ISSUE],
            headers={"Link": '<https://evil.example/p2>; rel="next"; results="true"'},
        )
    )
    monkeypatch.setattr(
        "tui.session.open_backend",
        lambda profile: SentryBackend(server.client("https://sentry.example.com"), "acme"),
    )
    config = tmp_path / "c.toml"
    config.write_text('[profiles.p]\nbackend = "sentry"\norg = "acme"\n')
    assert main(["--config", str(config), "issues", "list", "--limit", "50"]) == 1
    err = capsys.readouterr().err
    assert "evil.example" in err and "refused" in err
    assert "https://evil.example" not in {origin for origin, _ in server.seen}


@pytest.mark.parametrize("bad", ["tok\nen", "tok en", "tok\x00", "töken", "tok\r\nX-Evil: 1"])
def test_a_token_a_header_cannot_carry_is_refused_without_showing_it(bad: str) -> None:
    with pytest.raises(AuthError, match="cannot carry") as caught:
        ApiClient("https://sentry.example.com", f"secret{bad}secret")
    assert "secret" not in str(caught.value)


def test_a_token_with_a_newline_from_the_config_is_a_config_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = tmp_path / "c.toml"
    config.write_text('[profiles.p]\nbackend = "sentry"\norg = "acme"\ntoken = "sntrys_a\\nb"\n')
    config.chmod(0o600)
    assert main(["--config", str(config), "config", "check"]) == 2
    err = capsys.readouterr().err
    assert "cannot carry" in err and "sntrys_a" not in err


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 12, 1, 10, 0, 0, tzinfo=UTC).timestamp()
    later = format_datetime(datetime(2026, 12, 1, 10, 0, 42, tzinfo=UTC), usegmt=True)
    assert rate_limit_wait({"Retry-After": later}, now) == 42.0
    assert rate_limit_wait({"Retry-After": "Thu, 01 Jan 1970 00:00:00 GMT"}, now) == 0.0
    assert rate_limit_wait({"Retry-After": "soon"}, now) == 1.0


@pytest.mark.parametrize("absurd", ["inf", "Infinity", "1e999", "nan", "-inf"])
def test_a_retry_after_that_is_no_number_of_seconds_waits_the_default(absurd: str) -> None:
    assert rate_limit_wait({"Retry-After": absurd}, 0.0) == 1.0
    assert rate_limit_wait({"X-Sentry-Rate-Limit-Reset": absurd}, 0.0) == 1.0


async def test_a_write_is_not_resent_by_the_http_layer_but_a_read_only_post_is() -> None:
    answers = [httpx.Response(502), httpx.Response(200, json={})]
    sent: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        sent.append(request.method)
        return answers.pop(0) if len(answers) > 1 else answers[0]

    async def sleep(seconds: float) -> None:
        pass

    client = ApiClient(
        "https://x.example", TOKEN, transport=httpx.MockTransport(handle), sleep=sleep
    )
    with pytest.raises(ServerError) as caught:
        await client.request("POST", "/write/")
    assert caught.value.transient and sent == ["POST"]
    answers[:] = [httpx.Response(502), httpx.Response(200, json={})]
    await client.request("POST", "/query/", read_only=True)
    assert sent == ["POST", "POST", "POST"]


def gzipped(body: bytes) -> httpx.Response:
    """An answer whose body is decoded only as the client reads it (as from the network)."""
    return httpx.Response(200, headers={"Content-Encoding": "gzip"}, stream=httpx.ByteStream(body))


def answering(answer: Callable[[], httpx.Response], deadline: float = 60.0) -> ApiClient:
    """A client of a server giving `answer()` to every request (a fresh body each time)."""

    async def sleep(seconds: float) -> None:
        pass

    transport = httpx.MockTransport(lambda request: answer())
    return ApiClient(
        "https://h.example", TOKEN, transport=transport, sleep=sleep, deadline=deadline
    )


async def test_a_gzip_bomb_is_abandoned_at_the_answer_limit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(http, "MAX_ANSWER_BYTES", 1024 * 1024)
    bomb = gzip.compress(b" " * (1024 * 1024 + 1))  # 1 KB on the wire
    client = answering(lambda: gzipped(bomb))
    with pytest.raises(InvalidResponse, match="larger than 1048576 bytes"):
        await client.get_json("/api/0/issues/1/")


async def test_an_answer_that_never_ends_times_out() -> None:
    async def trickle() -> AsyncIterator[bytes]:
        yield b"["
        await asyncio.Event().wait()  # the rest never comes

    client = answering(lambda: httpx.Response(200, content=trickle()), deadline=0.01)
    with pytest.raises(ConnectionFailed, match="timed out"):
        await client.get_json("/api/0/issues/1/")


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (lambda: gzipped(b"not gzip"), "cannot be decompressed"),
        (lambda: httpx.Response(302, headers={"Location": "/again/"}), "redirects"),
    ],
)
async def test_a_garbled_answer_or_a_redirect_loop_is_a_backend_error(
    answer: Callable[[], httpx.Response], why: str
) -> None:
    with pytest.raises(ConnectionFailed, match=why):
        await answering(answer).get_json("/api/0/issues/1/")


async def test_a_server_echoing_the_token_back_does_not_get_it_printed() -> None:
    echo = httpx.Response(401, json={"detail": f"invalid credentials: Bearer {TOKEN}"})
    backend = SentryBackend(Server(echo).client("https://sentry.example.com"), "acme")
    with pytest.raises(AuthError) as caught:
        await backend.list_issues(IssueQuery())
    assert TOKEN not in str(caught.value)
    assert str(caught.value).endswith("invalid credentials: Bearer <token>")


def test_a_link_header_full_of_opening_brackets_still_finds_the_next_page() -> None:
    # The URL is the one in the last `<...>`; a scan from every `<` was quadratic in them.
    header = "<" * 10_000 + '<https://h.example/api/0/next/>; rel="next"'
    assert next_link(header) == "https://h.example/api/0/next/"
