"""Fixtures for the end-to-end tests: a real Bugsink server, fresh projects, backends on them.

Outside CI a Bugsink that cannot be installed or started skips these tests with the reason;
with `CI=true` it fails them, so a broken set-up never passes silently.
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import NoReturn

import httpx
import pytest

sys.path.insert(0, str(Path(__file__).parent))  # the helper modules beside this file

from bugsink_server import (  # noqa: E402
    BugsinkServer,
    Project,
    ServerUnavailable,
    cache_root,
    create_project,
    ensure_installed,
    start_server,
    stop_server,
)

from tui.backends.bugsink import BugsinkBackend  # noqa: E402

_project_numbers = itertools.count(1)
# Read before any test fixture points HOME and XDG_CACHE_HOME at temp dirs: the Bugsink install
# is a test-tooling cache shared between runs, not stackdeck's own cache.
CACHE_ROOT = cache_root()


def _unavailable(reason: str) -> NoReturn:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Bugsink e2e set-up failed in CI: {reason}")
    pytest.skip(f"Bugsink e2e set-up failed: {reason}")


@pytest.fixture(scope="session")
def bugsink_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BugsinkServer]:
    try:
        venv = ensure_installed(CACHE_ROOT)
        server = start_server(venv, tmp_path_factory.mktemp("bugsink"))
    except ServerUnavailable as exc:
        _unavailable(str(exc))
    try:
        yield server
    finally:
        stop_server(server)


@pytest.fixture
async def server_api(bugsink_server: BugsinkServer) -> AsyncIterator[httpx.AsyncClient]:
    """Bugsink's API without stackdeck in between: what the server itself says."""
    async with bugsink_server.async_client() as client:
        yield client


@pytest.fixture
def project(bugsink_server: BugsinkServer) -> Project:
    """A new, empty project per test, so tests never see each other's issues."""
    return create_project(bugsink_server, f"app{next(_project_numbers)}")


@pytest.fixture
async def backend(bugsink_server: BugsinkServer, project: Project) -> AsyncIterator[BugsinkBackend]:
    backend = BugsinkBackend.from_profile(bugsink_server.url, bugsink_server.token, project.slug)
    try:
        yield backend
    finally:
        await backend.aclose()


@pytest.fixture
def config_file(tmp_path: Path, bugsink_server: BugsinkServer, project: Project) -> Path:
    """A stackdeck config with one profile on this test's project, for the CLI tests."""
    path = tmp_path / "stackdeck.toml"
    path.write_text(
        'default_profile = "e2e"\n\n[profiles.e2e]\nbackend = "bugsink"\n'
        f"url = {json.dumps(bugsink_server.url)}\nproject = {json.dumps(project.slug)}\n"
        f"token = {json.dumps(bugsink_server.token)}\n"
    )
    path.chmod(0o600)
    return path
