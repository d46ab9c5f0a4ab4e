"""Config files and the sentry-cli fallback: good values load, bad ones name file and key."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from pathlib import Path

import pytest

from tui.config import BACKENDS, ConfigError, load_config

GOOD = """
default_profile = "work"

[profiles.work]
backend = "sentry"
org = "acme"
project = ["billing-api", 42]
token_env = "WORK_SENTRY_TOKEN"

[profiles.work.symbols]
paths = ["~/src/shop/dist"]
fetch_urls = true
url_hosts = ["cdn.example.com"]

[profiles.gt]
backend = "glitchtip"
url = "https://gt.example.com/"
org = "acme"
token_command = "printf 'gt-token\\n'"
"""


def write(tmp_path: Path, text: str, mode: int = 0o600) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(mode)
    return path


def test_profiles_load_with_defaults(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(write(tmp_path, GOOD))
    work = config.profile()
    assert work.name == "work" and work.url == "https://sentry.io"
    assert work.projects == ("billing-api", "42")
    assert work.symbols.fetch_urls and work.symbols.url_hosts == ("cdn.example.com",)
    assert work.symbols.paths[0] == Path.home() / "src/shop/dist"
    monkeypatch.setenv("WORK_SENTRY_TOKEN", "sntrys_abc")
    assert work.token() == "sntrys_abc"
    gt = config.profile("gt")
    assert gt.url == "https://gt.example.com" and gt.token() == "gt-token"
    assert config.warnings == ()


def test_missing_token_variable_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="WORK_SENTRY_TOKEN is not set"):
        load_config(write(tmp_path, GOOD)).profile("work").token()


def test_failing_token_command_is_reported(tmp_path: Path) -> None:
    text = GOOD.replace('token_command = "printf', 'token_command = "false" #')
    with pytest.raises(ConfigError, match=r"profiles\.gt\.token_command: 'false' exited with 1"):
        load_config(write(tmp_path, text)).profile("gt").token()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            '[profiles.a]\nbackend = "sentry"\norg = "x"\ncolour = 1',
            r"profiles\.a\.colour: unknown key",
        ),
        (
            '[profiles.a]\nbackend = "sentri"\norg = "x"',
            r"profiles\.a\.backend: expected one of sentry",
        ),
        ('[profiles.a]\nbackend = "sentry"', r"profiles\.a\.org: expected a string, got nothing"),
        (
            '[profiles.a]\nbackend = "sentry"\norg = "x"\nurl = "ftp://x"',
            r"profiles\.a\.url: expected an http",
        ),
        (
            '[profiles.a]\nbackend = "bugsink"\nurl = "http://x"',
            r"profiles\.a\.project: expected a project",
        ),
        (
            'default_profile = "b"\n[profiles.a]\nbackend = "sentry"\norg = "x"',
            r"default_profile: expected one of a",
        ),
        ("[profiles.a\n", "not valid TOML"),
        ("profiles = 3", r"profiles: expected at least one"),
        (
            '[profiles.a]\nbackend = "sentry"\norg = "x"\n[profiles.a.symbols]\nfetch_urls = "yes"',
            r"profiles\.a\.symbols\.fetch_urls: expected true or false",
        ),
    ],
)
def test_bad_values_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert str(caught.value).startswith(str(path))


def test_a_malformed_token_is_never_echoed(tmp_path: Path) -> None:
    path = write(tmp_path, '[profiles.a]\nbackend = "sentry"\norg = "x"\ntoken = 123456789')
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    assert "123456789" not in str(caught.value)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_token_in_a_world_readable_file_warns(tmp_path: Path) -> None:
    text = '[profiles.a]\nbackend = "sentry"\norg = "x"\ntoken = "sntrys_secret"'
    config = load_config(write(tmp_path, text, mode=0o644))
    assert "chmod 600" in config.warnings[0]
    assert "sntrys_secret" not in config.warnings[0]
    assert "sntrys_secret" not in repr(config.profile())
    assert load_config(write(tmp_path, text, mode=0o600)).warnings == ()


def test_sentry_cli_environment_and_rc_file(tmp_path: Path) -> None:
    rc = Path(os.environ["HOME"]) / ".sentryclirc"
    rc.write_text(
        "[auth]\ntoken = rc-token\n[defaults]\nurl = https://sentry.acme.dev/\norg = rc-org\n"
    )
    profile = load_config(env={"SENTRY_PROJECT": "web,api"}).profile()
    assert (profile.org, profile.url, profile.projects) == (
        "rc-org",
        "https://sentry.acme.dev",
        ("web", "api"),
    )
    assert profile.token() == "rc-token"
    env = {"SENTRY_ORG": "env-org", "SENTRY_AUTH_TOKEN": "env-token"}
    profile = load_config(env=env).profile()
    assert (profile.org, profile.token()) == ("env-org", "env-token")


def test_nothing_configured_explains_what_to_do() -> None:
    with pytest.raises(ConfigError, match="stackdeck --demo"):
        load_config(env={})


def test_explicit_missing_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="no such file"):
        load_config(tmp_path / "nope.toml")


def test_a_path_for_an_unknown_user_is_a_config_error(tmp_path: Path) -> None:
    text = GOOD.replace('paths = ["~/src/shop/dist"]', 'paths = ["~nosuchuser-stackdeck/x"]')
    config = load_config(write(tmp_path, text))  # the other profiles still load
    with pytest.raises(ConfigError, match=r"profiles\.work\.symbols\.paths: expected a path"):
        config.profile("work")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file modes")
def test_a_readable_sentryclirc_holding_a_token_warns(tmp_path: Path) -> None:
    rc = Path(os.environ["HOME"]) / ".sentryclirc"
    rc.write_text("[auth]\ntoken = rc-secret\n[defaults]\norg = rc-org\n")
    rc.chmod(0o644)
    [warning] = load_config(env={}).warnings
    assert "chmod 600" in warning and "rc-secret" not in warning
    rc.chmod(0o600)
    assert load_config(env={}).warnings == ()
    rc.write_text("[defaults]\norg = rc-org\n")  # no token: nothing to protect
    rc.chmod(0o644)
    assert load_config(env={}).warnings == ()


@pytest.mark.parametrize(
    ("url", "warns"),
    [
        ("http://sentry.example.com", True),
        ("http://10.0.0.5:9000", True),
        ("https://sentry.example.com", False),
        ("http://localhost:8000", False),
        ("http://127.0.0.1:8000", False),
        ("http://[::1]:8000", False),
    ],
)
def test_plain_http_warns_except_on_this_machine(tmp_path: Path, url: str, warns: bool) -> None:
    text = f'[profiles.a]\nbackend = "bugsink"\nurl = "{url}"\nproject = "p"\n'
    warnings = load_config(write(tmp_path, text)).warnings
    assert bool(warnings) is warns
    if warns:
        assert "plain http" in warnings[0] and url in warnings[0]


def token_script(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, script: str, timeout: int
) -> tuple[Path, Path]:
    """A config whose `gt` profile runs `script` (sh; `{pid}` names a file for a child's pid)."""
    monkeypatch.setattr("tui.config.TOKEN_COMMAND_TIMEOUT", timeout)
    pid_file = tmp_path / "child.pid"
    path = tmp_path / "token.sh"
    path.write_text(script.format(pid=pid_file))
    return write(tmp_path, GOOD.replace("printf 'gt-token\\n'", f"sh {path}")), pid_file


def test_token_command_answers_without_waiting_for_its_background_child(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The background sleep keeps stdout open: waiting for it would run into the timeout.
    script = "echo bg-token\nsleep 300 &\necho $! > {pid}\n"
    config, pid_file = token_script(tmp_path, monkeypatch, script, timeout=20)
    try:
        assert load_config(config).profile("gt").token() == "bg-token"
    finally:
        os.kill(int(pid_file.read_text()), signal.SIGKILL)


def process_gone(pid: int) -> bool:
    status = Path(f"/proc/{pid}/status")
    try:
        return "State:\tZ" in status.read_text()
    except FileNotFoundError:
        return True


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads /proc")
def test_a_token_command_that_hangs_is_killed_with_its_children(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    script = "sleep 300 &\necho $! > {pid}\nwait\n"
    # 3 s: on a loaded machine the shell must get as far as writing the child's pid.
    config, pid_file = token_script(tmp_path, monkeypatch, script, timeout=3)
    with pytest.raises(ConfigError, match="gave no token within 3 s and was stopped"):
        load_config(config).profile("gt").token()
    child = int(pid_file.read_text())
    # SIGKILL is delivered asynchronously: give the kernel a moment (bounded) to finish it.
    for _ in range(50):
        if process_gone(child):
            break
        time.sleep(0.1)
    assert process_gone(child)


async def test_token_command_runs_from_a_worker_thread(tmp_path: Path) -> None:
    profile = load_config(write(tmp_path, GOOD)).profile("gt")
    assert await asyncio.to_thread(profile.token) == "gt-token"


def test_one_broken_profile_is_reported_and_the_others_still_load(tmp_path: Path) -> None:
    text = (
        '[profiles.bad]\nbackend = "sentri"\norg = "x"\n'
        '[profiles.good]\nbackend = "sentry"\norg = "acme"\ntoken = "t"\n'
    )
    config = load_config(write(tmp_path, text, mode=0o600))
    assert config.profile("good").org == "acme"
    assert list(config.profiles) == ["good"]
    [warning] = config.warnings
    assert warning.startswith("profile 'bad' is unusable: ")
    assert "backend: expected one of" in warning
    with pytest.raises(ConfigError, match=r"profiles\.bad\.backend: expected one of"):
        config.profile()  # the default (the first) is the broken one: using it gives its error


def test_with_every_profile_broken_each_error_is_reported(tmp_path: Path) -> None:
    text = (
        '[profiles.work]\nbackend = "sentry"\norg = "acme"\ntoken = "t"\ncolour = "red"\n'
        '[profiles.other]\nbackend = "bugsnag"\n'
    )
    with pytest.raises(ConfigError) as raised:
        load_config(write(tmp_path, text, mode=0o600))
    work, other = str(raised.value).splitlines()
    assert "profiles.work.colour: unknown key" in work
    assert "profiles.other.backend: expected one of" in other


def test_the_example_config_loads_and_names_every_backend() -> None:
    example = Path(__file__).parent.parent / "config.example.toml"
    config = load_config(example)
    assert config.warnings == () and config.broken == {}
    assert {p.backend for p in config.profiles.values()} == set(BACKENDS)
    assert " | ".join(BACKENDS) in example.read_text()
