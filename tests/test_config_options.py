"""Config beyond the server: read-only, code mappings, the keymap and the watch interval."""

from __future__ import annotations

from pathlib import Path

import pytest

from tui.config import CodeMapping, ConfigError, load_config

PROFILE = '[profiles.a]\nbackend = "sentry"\norg = "x"\n'


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text)
    path.chmod(0o600)
    return path


def test_defaults_without_the_new_keys(tmp_path: Path) -> None:
    config = load_config(write(tmp_path, PROFILE))
    profile = config.profile()
    assert (profile.read_only, profile.code_mappings) == (False, ())
    assert (dict(config.keys), config.watch_interval) == ({}, 60)


def test_all_new_keys_load(tmp_path: Path) -> None:
    text = (
        'watch_interval = 30\n[keys]\n"issues.resolve" = "x, ctrl+r"\n'
        + '"app.help" = "question_mark"\n'
        + PROFILE
        + "read_only = true\n"
        + '[[profiles.a.code_mappings]]\nstack_root = "/srv/app/"\nsource_root = "~/src/app/"\n'
        + '[[profiles.a.code_mappings]]\nstack_root = ""\nsource_root = "/opt/all"\n'
    )
    config = load_config(write(tmp_path, text))
    assert config.watch_interval == 30
    assert config.keys == {"issues.resolve": "x,ctrl+r", "app.help": "question_mark"}
    profile = config.profile()
    assert profile.read_only
    assert profile.code_mappings == (
        CodeMapping("/srv/app/", Path.home() / "src/app"),
        CodeMapping("", Path("/opt/all")),
    )


def test_read_only_for_the_run_covers_every_profile(tmp_path: Path) -> None:
    text = PROFILE + '[profiles.b]\nbackend = "bugsink"\nurl = "http://localhost"\nproject = 1\n'
    config = load_config(write(tmp_path, text)).read_only()
    assert all(p.read_only for p in config.profiles.values())


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (PROFILE + 'read_only = "yes"', r"profiles\.a\.read_only: expected true or false"),
        (
            PROFILE + 'code_mappings = "/srv"',
            r"profiles\.a\.code_mappings: expected a list of \[\[",
        ),
        (
            PROFILE + '[[profiles.a.code_mappings]]\nsource_root = "~/src"',
            r"profiles\.a\.code_mappings\[0\]\.stack_root: expected a string",
        ),
        (
            PROFILE + '[[profiles.a.code_mappings]]\nstack_root = "/srv/"',
            r"profiles\.a\.code_mappings\[0\]\.source_root: expected a string, got nothing",
        ),
        (
            PROFILE + '[[profiles.a.code_mappings]]\nstack_root = "/"\nsource_root = "/"\nrepo = 1',
            r"profiles\.a\.code_mappings\[0\]\.repo: unknown key",
        ),
        ("watch_interval = 5\n" + PROFILE, r"watch_interval: expected whole seconds, 10 or more"),
        ("watch_interval = 12.5\n" + PROFILE, r"watch_interval: expected whole seconds"),
        ('keys = "x"\n' + PROFILE, r"keys: expected a table"),
        ('[keys]\n"issues.resolve" = 1\n' + PROFILE, r'keys\."issues\.resolve": expected a string'),
        ('[keys]\n"issues resolve" = "x"\n' + PROFILE, r"expected a binding id"),
        ('[keys]\n"issues.resolve" = "x,,y"\n' + PROFILE, r"an empty key name"),
        ('[keys]\n"issues.resolve" = "ctl+r"\n' + PROFILE, r"'ctl\+r': modifiers are ctrl"),
        ('[keys]\n"issues.resolve" = "resolv"\n' + PROFILE, r"'resolv': not a key name"),
    ],
)
def test_bad_values_name_the_file_and_key(tmp_path: Path, text: str, message: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path).profile()
    assert str(caught.value).startswith(str(path))


@pytest.mark.parametrize(
    "keys", ["x", "?", "+", "escape", "f24", "ctrl+shift+left", "question_mark", "full_stop"]
)
def test_key_names_textual_knows_are_accepted(tmp_path: Path, keys: str) -> None:
    path = write(tmp_path, f'[keys]\n"issues.resolve" = "{keys}"\n' + PROFILE)
    assert load_config(path).keys == {"issues.resolve": keys}
