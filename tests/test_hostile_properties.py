"""Property-based: every parser given arbitrary JSON-ish input (real field names, hostile
values) returns a model or raises its own typed error, never any other exception.

Bounded (`max_examples`, no deadline) so the whole file runs in a few seconds.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import string
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rich.console import Console

from tests.hostile import raw_controls
from tui.backends import bugsink, posthog_parse, sentry_parse
from tui.backends.coerce import as_data, loads_json, opt_int
from tui.backends.errors import BackendError
from tui.config import ConfigError, parse_config_file
from tui.model import Issue, to_jsonable
from tui.render.report import event_report
from tui.sanitize import dumps_json, sanitize
from tui.symbols.decode import decode_map
from tui.symbols.errors import SourceMapError
from tui.symbols.mappings import decode_mappings

FAST = settings(
    max_examples=80,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)

hostile_text = st.one_of(
    st.text(st.characters(codec=None, exclude_categories=()), max_size=12),
    st.sampled_from(["\x1b]52;c;eA==\x07", "\x9b2J", "\u202e", "[b]x[/b]", "\ud800", "", "-1"]),
    st.sampled_from(["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "http://[x/a.js"]),
)
numbers = st.one_of(
    st.integers(),
    st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True),
)
scalars = st.one_of(st.none(), st.booleans(), numbers, hostile_text)
keys = hostile_text
json_ish = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=12,
)
nasty = st.sampled_from(
    [math.inf, -math.inf, math.nan, 1e300, -1.5, 2**64, -(2**63) - 1, 10**4000, -1, 0, True, ""]
)
"""Values a broken server sends where numbers, ids and times belong: drawn often on purpose."""
value = st.one_of(
    nasty,
    hostile_text,
    scalars,
    st.lists(scalars, max_size=3),
    st.dictionaries(keys, scalars, max_size=3),
)


def obj(fields: str, **special: st.SearchStrategy[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Objects with the parser's own field names, each present or not, values hostile."""
    optional: dict[str, st.SearchStrategy[Any]] = {f: value for f in fields.split()}
    return st.fixed_dictionaries({}, optional={**optional, **special}) | st.dictionaries(
        keys, json_ish, max_size=3
    )


def values_of(item: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.fixed_dictionaries({"values": st.lists(item, max_size=3)}) | value


# Sentry and GlitchTip (web API) and Bugsink (ingestion format) wire shapes.
sentry_frame = obj(
    "filename absPath abs_path function module package lineNo lineno colNo colno inApp in_app "
    "context pre_context context_line post_context vars platform",
    context=st.lists(st.tuples(numbers, hostile_text).map(list), max_size=3) | value,
)
sentry_stacktrace = obj("framesOmitted frames_omitted", frames=st.lists(sentry_frame, max_size=3))
sentry_exception = obj(
    "type value module",
    mechanism=obj("type handled synthetic source exception_id parent_id is_exception_group"),
    stacktrace=sentry_stacktrace,
    rawStacktrace=sentry_stacktrace,
)
sentry_crumb = obj("timestamp type category level message data")
sentry_event = obj(
    "eventID event_id id groupID projectID project title message platform dateCreated "
    "timestamp level release dist environment contexts user request sdk previousEventID "
    "nextEventID errors logentry",
    exception=values_of(sentry_exception),
    breadcrumbs=values_of(sentry_crumb),
    tags=st.lists(obj("key value") | st.lists(hostile_text, max_size=3), max_size=3) | value,
    debug_meta=obj("", images=st.lists(obj("type code_file codeFile debug_id debugId"))),
    entries=st.lists(
        st.fixed_dictionaries(
            {
                "type": st.sampled_from(["exception", "breadcrumbs", "request", "debugmeta"]),
                "data": values_of(sentry_exception) | values_of(sentry_crumb),
            }
        ),
        max_size=3,
    ),
)
sentry_issue = obj(
    "id shortId short_id title culprit count userCount firstSeen lastSeen status substatus "
    "level project metadata permalink platform type statusDetails"
)
bugsink_issue = obj(
    "friendly_id calculated_type calculated_value digested_event_count is_resolved is_muted "
    "is_resolved_by_next_release transaction first_seen last_seen project",
    id=hostile_text,
)

# PostHog: the issue, and an event row whose `properties` is the JSON string HogQL returns.
posthog_frame = obj(
    "raw_id mangled_name line column source in_app resolved_name lang resolved "
    "resolve_failure chunk_id function module context"
)
posthog_exception = obj(
    "type value module id",
    mechanism=obj("type handled synthetic source"),
    stacktrace=obj("", type=st.sampled_from(["raw", "resolved"]), frames=st.lists(posthog_frame)),
)
posthog_properties = obj(
    "$exception_issue_id $exception_level $exception_release $app_version $lib $lib_version "
    "$set $current_url $environment $cymbal_errors",
    **{"$exception_list": st.lists(posthog_exception, max_size=3) | value},
)
posthog_issue = obj(
    "id name description status first_seen last_seen",
    aggregations=obj("occurrences users sessions"),
)


@FAST
@given(sentry_issue, sentry_event)
def test_sentry_parsers(issue_json: dict[str, Any], event_json: dict[str, Any]) -> None:
    issue = sentry_parse.parse_issue(issue_json)
    event = sentry_parse.parse_event(event_json)
    # What the CLI prints of them, plain and as JSON, cannot fail either.
    Console(file=io.StringIO(), width=120).print(event_report(issue, event))
    assert raw_controls(dumps_json(to_jsonable(event)).replace("\n", "")) == []


@FAST
@given(bugsink_issue, sentry_event)
def test_bugsink_parsers(issue_json: dict[str, Any], event_json: dict[str, Any]) -> None:
    try:
        issue = bugsink.parse_bugsink_issue(issue_json, "project", "https://bugsink.example")
    except BackendError:
        return
    assert isinstance(issue, Issue)
    bugsink.parse_event(event_json)


@FAST
@given(posthog_issue, posthog_properties, obj("uuid timestamp distinct_id"), json_ish)
def test_posthog_parsers(
    issue_json: dict[str, Any], properties: dict[str, Any], row: dict[str, Any], extra: Any
) -> None:
    posthog_parse.parse_issue(issue_json, base_url="https://posthog.example", project="1")
    try:
        row = {**row, "properties": json.dumps(properties)}
    except ValueError:  # a 5,000-digit int cannot even be written
        return
    contexts = posthog_parse.parse_frame_contexts(extra)
    event = posthog_parse.parse_event(row, contexts=contexts)
    assert raw_controls(dumps_json(to_jsonable(event)).replace("\n", "")) == []
    posthog_parse.parse_exception_list(extra)
    posthog_parse.resolved_raw_ids(properties.get("$exception_list"))


@FAST
@given(json_ish)
def test_coerce(value: Any) -> None:
    number = opt_int(value)
    assert number is None or -(2**63) <= number < 2**63
    assert isinstance(as_data(value), dict)
    sentry_parse.parse_datetime(value)


@FAST
@given(st.text(max_size=60) | st.builds(json.dumps, json_ish))
def test_loads_json_raises_only_value_error(text: str) -> None:
    with contextlib.suppress(ValueError):
        loads_json(text)


@FAST
@given(json_ish)
def test_sanitised_and_json_output_carry_no_raw_control(value: Any) -> None:
    assert raw_controls(sanitize(value)) == []
    assert raw_controls(sanitize(value, multiline=True).replace("\n", "")) == []
    dumped = dumps_json(value)
    assert raw_controls(dumped.replace("\n", "")) == []
    if "NaN" not in dumped:  # NaN is never equal to itself
        assert json.loads(dumped) == value or _has_float_key(value)


def _has_float_key(value: Any) -> bool:
    # json turns a dict's non-string keys into strings; such a value cannot round-trip.
    if isinstance(value, dict):
        return any(not isinstance(k, str) for k in value) or any(
            map(_has_float_key, value.values())
        )
    return isinstance(value, list) and any(map(_has_float_key, value))


# Source maps: real field names, VLQ-alphabet mappings, arbitrary offsets.
vlq = st.text(string.ascii_letters + string.digits + "+/,;", max_size=40)
source_map = st.fixed_dictionaries(
    {"version": st.sampled_from([3, 3, 3, 2, "3"]), "mappings": vlq | json_ish},
    optional={
        "sources": st.lists(hostile_text | st.none(), max_size=3) | json_ish,
        "names": st.lists(hostile_text, max_size=3) | json_ish,
        "sourcesContent": st.lists(hostile_text | st.none(), max_size=3) | json_ish,
        "sourceRoot": hostile_text | json_ish,
        "ignoreList": st.lists(st.integers(-2, 4), max_size=3) | json_ish,
        "file": hostile_text,
        "debugId": hostile_text,
    },
)
offsets = st.fixed_dictionaries({"line": numbers | json_ish, "column": numbers | json_ish})
index_map = st.fixed_dictionaries(
    {
        "version": st.just(3),
        "sections": st.lists(
            st.fixed_dictionaries({"offset": offsets, "map": source_map}), max_size=3
        )
        | json_ish,
    }
)


@FAST
@given(source_map | index_map | st.dictionaries(keys, json_ish, max_size=6))
def test_source_map_decoder(obj: dict[str, Any]) -> None:
    try:
        text = json.dumps(obj)
    except ValueError:  # a 5,000-digit int cannot even be written
        return
    with contextlib.suppress(SourceMapError):
        decode_map(text.encode("utf-8", errors="surrogatepass"))


@FAST
@given(vlq, st.integers(0, 3), st.integers(0, 3))
def test_mappings_decoder(mappings: str, n_sources: int, n_names: int) -> None:
    with contextlib.suppress(SourceMapError):
        decode_mappings(mappings, n_sources, n_names)


# The config loader: TOML built from the real keys, with hostile values.
def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(map(_toml, value)) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml(v)}" for k, v in value.items()) + "}"
    return json.dumps(value)


config_keys = st.sampled_from(
    [
        "backend",
        "url",
        "org",
        "project",
        "token",
        "token_env",
        "token_command",
        "symbols",
        "default_profile",
    ]
)
config_scalars = st.one_of(
    st.sampled_from(["sentry", "glitchtip", "bugsink", "posthog", "https://s.example", "~/x"]),
    st.text(max_size=10),
    st.lists(st.text(max_size=6), max_size=3),
    json_ish.filter(lambda v: v is not None),
)
config_values = config_scalars | st.fixed_dictionaries(
    {}, optional={k: config_scalars for k in ("paths", "fetch_urls", "url_hosts")}
)
tables = st.dictionaries(config_keys | st.text(max_size=5), config_values, max_size=6)


@FAST
@given(st.dictionaries(st.text(max_size=5), tables, max_size=3), config_values)
def test_config_loader(
    tmp_path_factory: pytest.TempPathFactory, profiles: dict[str, dict[str, Any]], default: Any
) -> None:
    lines = [f"default_profile = {_toml(default)}"]
    for name, table in profiles.items():
        lines.append(f"[profiles.{json.dumps(name)}]")
        lines.extend(f"{json.dumps(k)} = {_toml(v)}" for k, v in table.items())
    path = tmp_path_factory.getbasetemp() / "hostile-config.toml"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    with contextlib.suppress(ConfigError):
        parse_config_file(path)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("pay\u200bnow", "pay\\u200bnow"),  # zero-width space: two strings that look alike
        ("ok\U000e0069\U000e0067\U000e006eore", "ok\\U000e0069\\U000e0067\\U000e006eore"),
        ("\ufeffBOM", "\\ufeffBOM"),
        ("family 👨\u200d👩\u200d👧", "family 👨\u200d👩\u200d👧"),  # ZWJ joins emoji
        ("flag \U0001f3f4\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f", None),
        ("\U0001f3f4\U000e0067" * 3, "\U0001f3f4\\U000e0067" * 3),  # tags outside a flag
    ],
)
def test_invisible_characters_are_shown_except_where_emoji_need_them(
    text: str, shown: str | None
) -> None:
    assert sanitize(text) == (text if shown is None else shown)
    assert json.loads(dumps_json(text)) == text
    assert raw_controls(dumps_json(text)) == []
