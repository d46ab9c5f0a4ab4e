"""A real Bugsink server for the end-to-end tests: installed once, started per test session.

Bugsink lives in its own virtualenv, cached between runs (keyed by version) under
`$STACKDECK_TEST_CACHE`, else `$XDG_CACHE_HOME/stackdeck-tests`, else `~/.cache/stackdeck-tests`.
The server runs gunicorn on a free loopback port in a new process group, with SQLite databases
and a config in a temporary directory, and events digested inside the ingest request.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

BUGSINK_VERSION = "2.6.1"
"""2.6.2 needs a certifi release the package index does not have."""
INSTALL_TIMEOUT = 900.0
READY_TIMEOUT = 60.0
API = "/api/canonical/0"

CONF_OVERRIDES = """

# --- stackdeck e2e overrides ---
DATABASES["default"]["NAME"] = {db!r}
DATABASES["default"]["TEST"]["NAME"] = {test_db!r}
DATABASES["snappea"]["NAME"] = {snappea_db!r}
# Digest each event inside its ingest request, so it is readable as soon as the SDK flushed.
SNAPPEA = {{"TASK_ALWAYS_EAGER": True}}
BUGSINK["PHONEHOME"] = False
BUGSINK["INGEST_STORE_BASE_DIR"] = {ingest_dir!r}
for _limit in (
    "MAX_EVENTS_PER_PROJECT_PER_5_MINUTES",
    "MAX_EVENTS_PER_PROJECT_PER_HOUR",
    "MAX_EVENTS_PER_5_MINUTES",
    "MAX_EVENTS_PER_HOUR",
):
    BUGSINK[_limit] = 10_000_000
"""


class ServerUnavailable(RuntimeError):
    """Bugsink could not be installed or started; the message says why."""


@dataclass(frozen=True)
class BugsinkServer:
    url: str
    token: str
    process: subprocess.Popen[bytes]
    workdir: Path

    def client(self) -> httpx.Client:
        """A plain HTTP client on the canonical API, to check what the server itself says."""
        return httpx.Client(
            base_url=self.url + API,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30.0,
        )

    def async_client(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(
            base_url=self.url + API,
            headers={"Authorization": f"Bearer {self.token}"},
            timeout=30.0,
        )


def cache_root() -> Path:
    explicit = os.environ.get("STACKDECK_TEST_CACHE")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return base / "stackdeck-tests"


def ensure_installed(root: Path | None = None) -> Path:
    """The virtualenv with bugsink installed; builds it once, under a lock, atomically."""
    root = root or cache_root()
    venv = root / f"bugsink-{BUGSINK_VERSION}"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / f"bugsink-{BUGSINK_VERSION}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another pytest process may be installing it right now
        if (venv / ".complete").exists():
            return venv
        # A half-built venv (an interrupted run) has no marker: build it again from scratch.
        shutil.rmtree(venv, ignore_errors=True)
        _run([sys.executable, "-m", "venv", str(venv)], "creating the virtualenv")
        pip = [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check"]
        _run([*pip, "install", "-q", f"bugsink=={BUGSINK_VERSION}"], "pip install bugsink")
        (venv / ".complete").write_text(BUGSINK_VERSION)
        return venv


def start_server(venv: Path, workdir: Path) -> BugsinkServer:
    """Configure, migrate and start Bugsink; the caller must `stop_server` it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = _write_config(venv, workdir, port)
    manage = [str(venv / "bin" / "bugsink-manage")]
    _run([*manage, "migrate", "-v0"], "migrate", env=env, cwd=workdir)
    _run([*manage, "migrate", "snappea", "--database=snappea", "-v0"], "migrate snappea", env=env)
    token = _run([*manage, "create_auth_token"], "create_auth_token", env=env).strip().split()[-1]
    log = open(workdir / "gunicorn.log", "wb")  # noqa: SIM115  (the server outlives this function)
    process = subprocess.Popen(
        [str(venv / "bin" / "gunicorn"), "--bind", f"127.0.0.1:{port}", "--workers", "3"]
        + ["--no-control-socket", "--timeout", "60", "bugsink.wsgi"],
        env=env,
        cwd=workdir,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, so stopping it takes the workers too
    )
    server = BugsinkServer(url, token, process, workdir)
    try:
        _wait_ready(server)
    except BaseException:
        stop_server(server)
        raise
    return server


def stop_server(server: BugsinkServer) -> None:
    """Stop gunicorn and its workers (the whole process group); never leave one running."""
    try:
        os.killpg(server.process.pid, signal.SIGTERM)
    except ProcessLookupError:
        return
    try:
        server.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=15)
    # Workers that outlived their master would still be in the group.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGKILL)


@dataclass(frozen=True)
class Project:
    id: int
    slug: str
    dsn: str


def create_project(server: BugsinkServer, name: str) -> Project:
    """A new project in the (one) team, with the DSN the SDKs send to."""
    with server.client() as client:
        teams = client.get("/teams/").raise_for_status().json()["results"]
        if teams:
            team = teams[0]["id"]
        else:
            team = client.post("/teams/", json={"name": "e2e"}).raise_for_status().json()["id"]
        created = client.post("/projects/", json={"name": name, "team": team}).raise_for_status()
        data = client.get(f"/projects/{created.json()['id']}/").raise_for_status().json()
    return Project(id=int(data["id"]), slug=str(data["slug"]), dsn=str(data["dsn"]))


def _write_config(venv: Path, workdir: Path, port: int) -> dict[str, str]:
    workdir.mkdir(parents=True, exist_ok=True)
    conf = workdir / "bugsink_conf.py"
    _run(
        [str(venv / "bin" / "bugsink-create-conf"), "--template=local", "--host=127.0.0.1"]
        + [f"--port={port}", "-o", str(conf)],
        "bugsink-create-conf",
        cwd=workdir,
    )
    overrides = CONF_OVERRIDES.format(
        db=str(workdir / "db.sqlite3"),
        test_db=str(workdir / "test.sqlite3"),
        snappea_db=str(workdir / "snappea.sqlite3"),
        ingest_dir=str(workdir / "ingestion"),
    )
    with conf.open("a") as handle:
        handle.write(overrides)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SENTRY_"))}
    env.update(PYTHONPATH=str(workdir), DJANGO_SETTINGS_MODULE="bugsink_conf")
    return env


def _wait_ready(server: BugsinkServer) -> None:
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise ServerUnavailable(
                f"gunicorn exited ({server.process.returncode}): {_log(server)}"
            )
        try:
            if httpx.get(server.url + "/health/ready", timeout=2.0).text.strip() == "OK":
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise ServerUnavailable(f"Bugsink not ready after {READY_TIMEOUT:.0f}s: {_log(server)}")


def _run(
    cmd: list[str], what: str, *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> str:
    try:
        done = subprocess.run(
            cmd, env=env, cwd=cwd, capture_output=True, text=True, timeout=INSTALL_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ServerUnavailable(f"{what} failed: {exc}") from exc
    if done.returncode != 0:
        raise ServerUnavailable(f"{what} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _log(server: BugsinkServer) -> str:
    path = server.workdir / "gunicorn.log"
    return path.read_text(errors="replace")[-2000:] if path.exists() else "(no log)"
