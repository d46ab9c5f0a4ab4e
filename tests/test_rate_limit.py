"""The rate-limit budget: parsed from Sentry's headers, kept by the HTTP layer, shown by
`config check`."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from tests.test_offline import Network
from tui.backends.http import ApiClient, RateLimit, parse_rate_limit
from tui.cli import main

BUDGET = {
    "X-Sentry-Rate-Limit-Remaining": "37",
    "X-Sentry-Rate-Limit-Limit": "40",
    "X-Sentry-Rate-Limit-Reset": "1030",
}


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (BUDGET, RateLimit(37, 40, 1030.0)),
        ({"X-Sentry-Rate-Limit-Remaining": "3"}, RateLimit(3)),
        ({"X-Sentry-Rate-Limit-Remaining": "-2"}, RateLimit(0)),
        ({**BUDGET, "X-Sentry-Rate-Limit-Limit": "lots"}, RateLimit(37, None, 1030.0)),
        ({"X-Sentry-Rate-Limit-Remaining": "nan"}, None),
        ({"X-Sentry-Rate-Limit-Limit": "40"}, None),
        ({}, None),
    ],
)
def test_parse_rate_limit(headers: dict[str, str], expected: RateLimit | None) -> None:
    assert parse_rate_limit(httpx.Headers(headers)) == expected


def test_describe_counts_down_to_the_reset() -> None:
    assert RateLimit(37, 40, 1030.0).describe(1000.0) == "rate limit 37/40 left, resets in 30s"
    assert RateLimit(3).describe(1000.0) == "rate limit 3 left"


async def test_the_client_keeps_the_last_budget_reported() -> None:
    answers = [httpx.Response(200, json={}, headers=BUDGET), httpx.Response(200, json={})]
    client = ApiClient(
        "https://sentry.example.com",
        "t",
        transport=httpx.MockTransport(lambda request: answers.pop(0)),
    )
    assert client.rate_limit is None
    await client.get_json("/api/0/")
    assert client.rate_limit == RateLimit(37, 40, 1030.0)
    await client.get_json("/api/0/")  # no headers this time: the last budget still holds
    assert client.rate_limit == RateLimit(37, 40, 1030.0)
    await client.aclose()


def test_config_check_shows_the_budget(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    network = Network(monkeypatch)
    orgs = [{"slug": "acme"}]
    network.handler = lambda request: httpx.Response(
        200, json=orgs if request.url.path == "/api/0/organizations/" else [], headers=BUDGET
    )
    path = tmp_path / "config.toml"
    path.write_text(
        '[profiles.prod]\nbackend = "sentry"\nurl = "https://sentry.example.com"\n'
        'org = "acme"\ntoken = "t"\n'
    )
    path.chmod(0o600)
    assert main(["--config", str(path), "config", "check"]) == 0
    out = capsys.readouterr().out
    assert "rate limit 37/40 left" in out.splitlines()[2]
