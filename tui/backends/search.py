"""Sentry's issue search syntax: evaluated on the client for servers that cannot search, and
made safe for servers that split it like a shell.

Supports `is:unresolved|resolved|ignored` (repeatable: any of them), `level:`, `project:`,
`release:` (the issue's first or last release, whole version or the part after `@`), negation
with `!` (`!is:resolved`), quoted phrases, and free text matched case-insensitively against the
title, culprit, short id and exception value.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass

from tui.model import Issue, IssueStatus

STATUS_WORDS = {
    "unresolved": IssueStatus.UNRESOLVED,
    "resolved": IssueStatus.RESOLVED,
    "ignored": IssueStatus.IGNORED,
    "muted": IssueStatus.IGNORED,
    "archived": IssueStatus.IGNORED,
}
FIELDS = ("is", "level", "project", "release")


@dataclass(frozen=True)
class Term:
    key: str
    """`is`, `level`, `project`, `release`, or `` for free text."""
    value: str
    negated: bool = False


def parse_search(query: str) -> tuple[Term, ...]:
    terms = []
    for word in _words(query):
        negated = word.startswith("!")
        body = word[1:] if negated else word
        key, sep, value = body.partition(":")
        if sep and key in FIELDS and value:
            terms.append(Term(key, value.lower(), negated))
        else:
            terms.append(Term("", word.lower()))
    return tuple(terms)


def _words(query: str) -> list[str]:
    try:
        return shlex.split(query)
    except ValueError:  # an unbalanced quote: take the words as they stand
        return query.split()


def shell_safe(query: str) -> str:
    """`query` as a server that splits it like a shell (GlitchTip) can read it.

    A query that splits already is sent as typed. Otherwise an unbalanced quote (`it's broken`)
    is taken literally: every quote and backslash is escaped, so the words arrive as typed.
    """
    try:
        shlex.split(query)
    except ValueError:
        return re.sub(r"""(["'\\])""", r"\\\1", query)
    return query


def issue_matches(issue: Issue, query: str) -> bool:
    """Whether `issue` satisfies every term; several `is:` terms mean any of those states."""
    terms = parse_search(query)
    statuses = [t for t in terms if t.key == "is" and not t.negated]
    if statuses and not any(STATUS_WORDS.get(t.value) == issue.status for t in statuses):
        return False
    return all(_term_matches(issue, t) for t in terms if not (t.key == "is" and not t.negated))


def _term_matches(issue: Issue, term: Term) -> bool:
    if term.key == "is":
        found = STATUS_WORDS.get(term.value) == issue.status
    elif term.key == "level":
        found = issue.level.lower() == term.value
    elif term.key == "project":
        found = issue.project.lower() == term.value
    elif term.key == "release":
        found = release_matches((issue.first_release, issue.last_release), term.value)
    else:
        haystack = " ".join((issue.title, issue.culprit, issue.short_id, issue.value)).lower()
        found = term.value in haystack
    return found != term.negated


def release_matches(versions: tuple[str, ...], wanted: str) -> bool:
    """`billing-api@2.14.1` is wanted as itself or as `2.14.1`, in any case."""
    return any(wanted in (v.lower(), v.lower().rpartition("@")[2]) for v in versions if v)


def without_key(query: str, key: str) -> tuple[tuple[str, ...], str]:
    """The values of `key:` terms as typed, and the query without them (for a server, or a
    picker, that handles that key itself)."""
    values, rest = [], []
    for word in _words(query):
        name, sep, value = word.partition(":")
        if sep and name == key and value:
            values.append(value)
        else:
            rest.append(shlex.quote(word) if " " in word else word)
    return tuple(values), " ".join(rest)


def term_text(term: Term) -> str:
    """The term as it would be typed (lower-cased, as `parse_search` keeps it)."""
    return f"{'!' if term.negated else ''}{term.key}:{term.value}"
