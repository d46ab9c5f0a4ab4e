"""Profiles: which server to talk to and with which token, from TOML or sentry-cli's settings.

`app_dirs()` is the one seam through which stackdeck finds its config and cache directories.
"""

from __future__ import annotations

import contextlib
import dataclasses
import ipaddress
import os
import selectors
import shlex
import signal
import stat
import subprocess
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import urlsplit

import platformdirs

from tui.terminal.keys import BINDING_ID, normalize_keys

BACKENDS = ("sentry", "glitchtip", "bugsink", "posthog")
DEFAULT_URLS = {
    "sentry": "https://sentry.io",
    "glitchtip": "https://app.glitchtip.com",
    "posthog": "https://us.posthog.com",
}
SERVER_KEYS = frozenset({"backend", "url", "org", "project", "token", "token_env", "token_command"})
PROFILE_KEYS = SERVER_KEYS | {"symbols", "read_only", "code_mappings"}
SYMBOL_KEYS = frozenset({"paths", "fetch_urls", "url_hosts"})
CODE_MAPPING_KEYS = frozenset({"stack_root", "source_root"})
TOP_KEYS = frozenset({"default_profile", "profiles", "keys", "watch_interval", "mask_pii"})
WATCH_INTERVAL = 60
MIN_WATCH_INTERVAL = 10
"""Seconds; polling faster than this earns 429s from hosted Sentry for little gain."""
TOKEN_COMMAND_TIMEOUT = 30
MAX_TOKEN_OUTPUT = 64 * 1024
"""More than this before the first line break is not a token."""


class ConfigError(Exception):
    """A config the user must fix; `str()` names the file, the key and what was expected."""


@dataclass(frozen=True)
class AppDirs:
    config: Path
    cache: Path


def app_dirs() -> AppDirs:
    """Where stackdeck keeps its config and cache (tests patch this, or XDG_* for subprocesses)."""
    return AppDirs(
        config=Path(platformdirs.user_config_dir("stackdeck")),
        cache=Path(platformdirs.user_cache_dir("stackdeck")),
    )


def default_config_path() -> Path:
    return app_dirs().config / "config.toml"


@dataclass(frozen=True)
class SymbolSettings:
    """Where to look for source maps: local build folders; whether public URLs may be fetched."""

    paths: tuple[Path, ...] = ()
    fetch_urls: bool = False
    url_hosts: tuple[str, ...] = ()


@dataclass(frozen=True)
class CodeMapping:
    """Sentry's code mapping: a frame path starting with `stack_root` lives under `source_root`."""

    stack_root: str
    source_root: Path


@dataclass(frozen=True)
class Profile:
    name: str
    backend: str
    url: str
    org: str = ""
    projects: tuple[str, ...] = ()
    token_env: str = ""
    token_command: str = ""
    token_value: str = field(default="", repr=False)
    symbols: SymbolSettings = SymbolSettings()
    read_only: bool = False
    """Every mutating action is hidden and refused (`read_only = true`, or `--read-only`)."""
    code_mappings: tuple[CodeMapping, ...] = ()
    origin: str = ""
    """Where the profile came from: a file path, or `environment`."""

    def token(self) -> str | None:
        """The token, read now: from the environment, a command, or the file.

        Safe to call from a worker thread (it blocks while `token_command` runs)."""
        token = self._read_token()
        if token and (problem := token_problem(token)):
            raise ConfigError(f"{self.origin}: profiles.{self.name}: the token {problem}")
        return token

    def _read_token(self) -> str | None:
        if self.token_env:
            value = os.environ.get(self.token_env, "").strip()
            if not value:
                raise ConfigError(
                    f"{self.origin}: profiles.{self.name}.token_env: "
                    f"the environment variable {self.token_env} is not set"
                )
            return value
        if self.token_command:
            return self._run_token_command()
        if not self.token_value and self.backend == "posthog":
            return os.environ.get("POSTHOG_PERSONAL_API_KEY", "").strip() or None
        return self.token_value or None

    def _run_token_command(self) -> str:
        where = f"{self.origin}: profiles.{self.name}.token_command"
        try:
            # Its own session, so a timeout can kill everything it started.
            process = subprocess.Popen(
                shlex.split(self.token_command),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )
        except (OSError, ValueError) as exc:
            raise ConfigError(f"{where}: cannot run {self.token_command!r}: {exc}") from None
        deadline = time.monotonic() + TOKEN_COMMAND_TIMEOUT
        try:
            assert process.stdout is not None  # stdout=PIPE
            token = _first_line(process.stdout.fileno(), deadline)
            # Only the command itself is waited for: a child it left running in the
            # background (an agent) may hold the pipe open for ever.
            code = process.wait(timeout=max(0.0, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            _kill_group(process)
            raise ConfigError(
                f"{where}: {self.token_command!r} gave no token within "
                f"{TOKEN_COMMAND_TIMEOUT} s and was stopped"
            ) from None
        finally:
            if process.stdout is not None:
                process.stdout.close()
        if code != 0 or not token:
            raise ConfigError(
                f"{where}: {self.token_command!r} exited with {code} and printed no token"
            )
        return token


def token_problem(token: str) -> str | None:
    """Why `token` cannot be sent in an HTTP header, without repeating any of it."""
    if all("!" <= char <= "~" for char in token):
        return None
    return (
        "holds a character an HTTP header cannot carry (a line break, a space or a "
        "non-ASCII character): check where the token comes from"
    )


def _first_line(fd: int, deadline: float) -> str:
    """The first non-blank line written to `fd`, read as soon as it is complete."""
    data = b""
    with selectors.DefaultSelector() as selector:
        selector.register(fd, selectors.EVENT_READ)
        while b"\n" not in data.lstrip() and len(data) < MAX_TOKEN_OUTPUT:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                raise subprocess.TimeoutExpired("token_command", TOKEN_COMMAND_TIMEOUT)
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
    lines = data.decode("utf-8", errors="replace").strip().splitlines()
    return lines[0].strip() if lines else ""


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@dataclass(frozen=True)
class Config:
    profiles: Mapping[str, Profile]
    default_profile: str
    path: Path | None = None
    warnings: tuple[str, ...] = ()
    broken: Mapping[str, ConfigError] = field(default_factory=dict)
    """Profiles that failed to load, each with its error: the others still work."""
    keys: Mapping[str, str] = field(default_factory=dict)
    """Binding id -> comma-separated key names, for Textual's `App.set_keymap`."""
    watch_interval: int = WATCH_INTERVAL
    mask_pii: bool = False
    """Start with the privacy mask on (`mask_pii = true`, as `--mask-pii`)."""

    def read_only(self) -> Config:
        """This config with every profile read-only (`--read-only` for one run)."""
        profiles = {n: dataclasses.replace(p, read_only=True) for n, p in self.profiles.items()}
        return dataclasses.replace(self, profiles=profiles)

    def profile(self, name: str | None = None) -> Profile:
        chosen = name or self.default_profile
        if chosen in self.broken:
            raise self.broken[chosen]
        if chosen not in self.profiles:
            known = ", ".join(sorted(self.profiles)) or "none"
            raise ConfigError(f"{self.path or 'config'}: no profile {chosen!r} (profiles: {known})")
        return self.profiles[chosen]


def load_config(path: Path | None = None, env: Mapping[str, str] | None = None) -> Config:
    """The config file at `path` (default: the user config dir), else sentry-cli's settings."""
    env = os.environ if env is None else env
    explicit = path is not None
    path = path or default_config_path()
    if path.exists():
        return parse_config_file(path)
    if explicit:
        raise ConfigError(f"{path}: no such file")
    return config_from_sentry_cli(env, Path.home() / ".sentryclirc", path)


def parse_config_file(path: Path) -> Config:
    import tomllib  # here, as `configparser` below: commands that read no config skip both

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    reader = _Reader(path)
    reader.unknown_keys(data, TOP_KEYS, "")
    tables = data.get("profiles", {})
    if not isinstance(tables, dict) or not tables:
        raise ConfigError(f"{path}: profiles: expected at least one [profiles.NAME] table")
    profiles: dict[str, Profile] = {}
    broken: dict[str, ConfigError] = {}
    for name, table in tables.items():
        try:
            profiles[name] = reader.profile(name, table)
        except ConfigError as exc:
            broken[name] = exc
    if not profiles:  # each error, not the first only: `--profile` may name any of them
        raise ConfigError("\n".join(str(exc) for exc in broken.values()))
    default = data.get("default_profile", next(iter(tables)))
    if not isinstance(default, str) or default not in tables:
        raise ConfigError(
            f"{path}: default_profile: expected one of {', '.join(tables)}, got {default!r}"
        )
    warnings = tuple(f"profile {name!r} is unusable: {exc}" for name, exc in broken.items())
    holds_token = any(p.token_value for p in profiles.values())
    warnings += _token_file_warnings(path, holds_token) + _plain_http_warnings(profiles.values())
    return Config(
        profiles,
        default,
        path,
        warnings,
        broken,
        keys=reader.keymap(data.get("keys", {})),
        watch_interval=reader.watch_interval(data.get("watch_interval", WATCH_INTERVAL)),
        mask_pii=reader.boolean(data, "", "mask_pii"),
    )


def config_from_sentry_cli(env: Mapping[str, str], rc_path: Path, config_path: Path) -> Config:
    """A `default` profile from SENTRY_* variables and ~/.sentryclirc, as sentry-cli reads them."""
    import configparser

    rc = configparser.ConfigParser()
    try:
        rc.read(rc_path, encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError) as exc:
        raise ConfigError(f"{rc_path}: cannot read: {exc}") from None
    org = env.get("SENTRY_ORG") or rc.get("defaults", "org", fallback="")
    if not org:
        raise ConfigError(
            f"no config file at {config_path}, and no SENTRY_ORG or ~/.sentryclirc to fall back "
            "on. Create the file (see config.example.toml), or try `stackdeck --demo`."
        )
    project = env.get("SENTRY_PROJECT") or rc.get("defaults", "project", fallback="") or ""
    url = env.get("SENTRY_URL") or rc.get("defaults", "url", fallback="") or DEFAULT_URLS["sentry"]
    rc_token = rc.get("auth", "token", fallback="") or ""
    profile = Profile(
        name="default",
        backend="sentry",
        url=url.rstrip("/"),
        org=org,
        projects=tuple(p.strip() for p in project.split(",") if p.strip()),
        token_value=env.get("SENTRY_AUTH_TOKEN") or rc_token,
        origin="environment" if env.get("SENTRY_ORG") else str(rc_path),
    )
    warnings = _token_file_warnings(rc_path, bool(rc_token)) + _plain_http_warnings([profile])
    return Config({"default": profile}, "default", None, warnings)


@dataclass
class _Reader:
    """Checks one file's values, naming the file and key in every complaint."""

    path: Path

    def profile(self, name: str, table: Any) -> Profile:
        key = f"profiles.{name}"
        if not isinstance(table, dict):
            self.fail(key, "a table", table)
        self.unknown_keys(table, PROFILE_KEYS, key)
        backend = self.string(table, key, "backend", required=True)
        if backend not in BACKENDS:
            self.fail(f"{key}.backend", f"one of {', '.join(BACKENDS)}", backend)
        url = self.string(table, key, "url", required=backend not in DEFAULT_URLS)
        if url and not url.startswith(("http://", "https://")):
            self.fail(f"{key}.url", "an http:// or https:// URL", url)
        org = self.string(table, key, "org", required=backend in ("sentry", "glitchtip"))
        projects = self.projects(table, key, required=backend in ("bugsink", "posthog"))
        sources = [k for k in ("token", "token_env", "token_command") if k in table]
        if len(sources) > 1:
            self.fail(f"{key}.{sources[1]}", "only one of token, token_env, token_command", "both")
        return Profile(
            name=name,
            backend=backend,
            url=(url or DEFAULT_URLS[backend]).rstrip("/"),
            org=org,
            projects=projects,
            token_env=self.string(table, key, "token_env"),
            token_command=self.string(table, key, "token_command"),
            token_value=self.string(table, key, "token"),
            symbols=self.symbols(table.get("symbols", {}), f"{key}.symbols"),
            read_only=self.boolean(table, key, "read_only"),
            code_mappings=self.code_mappings(table.get("code_mappings", []), key),
            origin=str(self.path),
        )

    def projects(self, table: dict[str, Any], key: str, *, required: bool) -> tuple[str, ...]:
        value = table.get("project")
        if value is None:
            if required:
                self.fail(f"{key}.project", "a project id or slug", "nothing")
            return ()
        items = value if isinstance(value, list) else [value]
        valid = all(isinstance(p, str | int) and not isinstance(p, bool) for p in items)
        if not items or not valid:
            self.fail(f"{key}.project", "a project id or slug, or a list of them", value)
        return tuple(str(p) for p in items)

    def symbols(self, table: Any, key: str) -> SymbolSettings:
        if not isinstance(table, dict):
            self.fail(key, "a table", table)
        self.unknown_keys(table, SYMBOL_KEYS, key)
        paths = self.string_list(table, key, "paths")
        return SymbolSettings(
            paths=tuple(self.path_value(p, f"{key}.paths") for p in paths),
            fetch_urls=self.boolean(table, key, "fetch_urls"),
            url_hosts=self.string_list(table, key, "url_hosts"),
        )

    def code_mappings(self, tables: Any, profile_key: str) -> tuple[CodeMapping, ...]:
        key = f"{profile_key}.code_mappings"
        if not isinstance(tables, list):
            self.fail(key, "a list of [[...code_mappings]] tables", tables)
        return tuple(self.code_mapping(table, f"{key}[{i}]") for i, table in enumerate(tables))

    def code_mapping(self, table: Any, key: str) -> CodeMapping:
        if not isinstance(table, dict):
            self.fail(key, "a table with stack_root and source_root", table)
        self.unknown_keys(table, CODE_MAPPING_KEYS, key)
        # An empty stack root is allowed, as in Sentry: it prefixes every path.
        stack_root = table.get("stack_root")
        if not isinstance(stack_root, str):
            self.fail(f"{key}.stack_root", "a string (the path prefix in stack traces)", stack_root)
        source_root = self.string(table, key, "source_root", required=True)
        return CodeMapping(stack_root, self.path_value(source_root, f"{key}.source_root"))

    def keymap(self, table: Any) -> dict[str, str]:
        if not isinstance(table, dict):
            self.fail("keys", 'a table of "binding.id" = "key,key"', table)
        return {binding_id: self.keys(binding_id, keys) for binding_id, keys in table.items()}

    def keys(self, binding_id: str, keys: Any) -> str:
        where = f'keys."{binding_id}"'
        if not BINDING_ID.fullmatch(binding_id):
            self.fail(where, "a binding id such as issues.resolve", binding_id)
        if not isinstance(keys, str):
            self.fail(where, "a string of comma-separated key names", keys)
        try:
            return normalize_keys(keys)
        except ValueError as exc:
            raise ConfigError(f"{self.path}: {where}: {exc}") from None

    def watch_interval(self, value: Any) -> int:
        valid = isinstance(value, int) and not isinstance(value, bool)
        if not valid or value < MIN_WATCH_INTERVAL:
            self.fail("watch_interval", f"whole seconds, {MIN_WATCH_INTERVAL} or more", value)
        return int(value)

    def boolean(self, table: dict[str, Any], key: str, name: str) -> bool:
        value = table.get(name, False)
        if not isinstance(value, bool):
            self.fail(f"{key}.{name}" if key else name, "true or false", value)
        return value

    def path_value(self, text: str, key: str) -> Path:
        try:
            return Path(text).expanduser()
        except RuntimeError:  # `~user` for a user this machine does not know
            self.fail(key, "a path (~ only for an existing user)", text)

    def string(self, table: dict[str, Any], key: str, name: str, *, required: bool = False) -> str:
        value = table.get(name)
        if value is None:
            if required:
                self.fail(f"{key}.{name}", "a string", "nothing")
            return ""
        if not isinstance(value, str) or not value.strip():
            self.fail(f"{key}.{name}", "a non-empty string", value)
        return value.strip()

    def string_list(self, table: dict[str, Any], key: str, name: str) -> tuple[str, ...]:
        value = table.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{key}.{name}", "a list of strings", value)
        return tuple(value)

    def unknown_keys(self, table: dict[str, Any], known: frozenset[str], key: str) -> None:
        for name in table:
            if name not in known:
                where = f"{key}.{name}" if key else name
                expected = ", ".join(sorted(known))
                raise ConfigError(f"{self.path}: {where}: unknown key (expected one of {expected})")

    def fail(self, key: str, expected: str, got: Any) -> NoReturn:
        # A malformed token is still a secret: never echo it.
        hidden = key.endswith(".token") or got == "nothing"
        shown = "nothing" if got == "nothing" else "a hidden value" if hidden else repr(got)[:80]
        raise ConfigError(f"{self.path}: {key}: expected {expected}, got {shown}")


def _token_file_warnings(path: Path, holds_token: bool) -> tuple[str, ...]:
    if not (holds_token and _readable_by_others(path)):
        return ()
    return (f"{path} holds a token and is readable by other users; run: chmod 600 {path}",)


def _plain_http_warnings(profiles: Iterable[Profile]) -> tuple[str, ...]:
    """Plain http sends the token readable to anyone on the way, except on this machine."""
    return tuple(
        f"profile {p.name!r}: {p.url} is plain http: the token and all data travel unencrypted"
        for p in profiles
        if p.url.startswith("http://") and not is_loopback(urlsplit(p.url).hostname or "")
    )


def is_loopback(host: str) -> bool:
    """`localhost` or a loopback address (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost" or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _readable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & (stat.S_IRGRP | stat.S_IROTH))
    except OSError:
        return False
