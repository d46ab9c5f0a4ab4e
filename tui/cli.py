"""The `stackdeck` command: the TUI by default, and scriptable subcommands on the same engine."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from tui import __version__
from tui.cli_output import echo, print_json
from tui.cli_symbols import add_symbol_commands
from tui.cli_triage import add_triage_commands, positive
from tui.privacy import set_masking
from tui.sanitize import sanitize

if TYPE_CHECKING:
    # Each command imports its machinery when it runs: `--help` and the offline symbol
    # commands must not pay for the model, config, httpx, asyncio or any backend.
    from tui.backends.base import Backend
    from tui.backends.errors import Unsupported
    from tui.config import Config, Profile
    from tui.model import Event, EventLinks, Issue
    from tui.session import Session

T = TypeVar("T")
EXIT_ERROR = 1
EXIT_USAGE = 2


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    args = build_parser(words).parse_args(words)
    defaults = (
        ("demo", False),
        ("profile", None),
        ("config", None),
        ("read_only", False),
        ("offline", False),
        ("mask_pii", False),
    )
    for name, default in defaults:
        # Not parser defaults: the option actions are shared with the subcommands, and a
        # default set on one parser would overwrite what the user gave another.
        setattr(args, name, getattr(args, name, default))
    set_masking(args.mask_pii)
    if hasattr(args, "standalone"):
        return int(args.standalone(args))  # the symbol tools need no profile or server
    from tui.backends.errors import BackendError
    from tui.config import ConfigError

    try:
        config = _config(args)
        if args.read_only or args.offline:
            config = config.read_only()
        for warning in config.warnings:
            echo(f"stackdeck: warning: {warning}", file=sys.stderr)
        profile = config.profile(args.profile)
        args.mask_pii = args.mask_pii or config.mask_pii
        set_masking(args.mask_pii)
        args.linkable = tuple(config.profiles.values())  # where an event's links may lead
        if args.command is None:
            return _run_tui(args, config, profile)
        if getattr(args, "mutates", False):
            from tui import triage

            try:
                triage.require_writable(profile)  # the one guard the TUI uses too
            except triage.ReadOnlyProfile as exc:
                why = "offline (changes need the server)" if args.offline else exc
                echo(f"stackdeck: {why}: nothing changed", file=sys.stderr)
                return EXIT_USAGE
        return int(args.handler(args, profile))
    except ConfigError as exc:
        if callable(without := getattr(args, "without_profile", None)):
            return int(without(args, f"no profile: {exc}"))  # what it can do without one
        echo(f"stackdeck: config error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except BackendError as exc:
        echo(f"stackdeck: {sanitize(exc)}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader (`| head`) went away: not an error. Point stdout at /dev/null so the
        # interpreter's final flush does not complain either.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def build_parser(words: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The command line's parser; given its `words`, only the commands named there get their
    actions and options (all get them without).

    argparse builds each parser up front, with gettext lookups and a help formatter: the whole
    tree costs more than the rest of `stackdeck --help` or of a cached `sourcemap resolve`.
    """
    named = set(words) if words is not None else None

    def wanted(command: str) -> bool:
        return named is None or command in named

    # Global options are accepted before and after the subcommand; SUPPRESS keeps a later
    # parser from resetting what an earlier one set.
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--demo", action="store_true", default=argparse.SUPPRESS, help="use the bundled demo data"
    )
    common.add_argument("--profile", default=argparse.SUPPRESS, help="profile name from the config")
    common.add_argument("--config", type=Path, default=argparse.SUPPRESS, help="config file (TOML)")
    common.add_argument(
        "--read-only",
        action="store_true",
        default=argparse.SUPPRESS,
        help="refuse every change to the server (as read_only = true in the profile)",
    )
    common.add_argument(
        "--offline",
        action="store_true",
        default=argparse.SUPPRESS,
        help="no network: browse the issues and events last synced (read-only)",
    )
    common.add_argument(
        "--mask-pii",
        action="store_true",
        default=argparse.SUPPRESS,
        help="mask emails, IP addresses, card numbers and tokens in all output (toggle: *)",
    )
    parser = argparse.ArgumentParser(
        prog="stackdeck",
        description="Error tracking in the terminal: Sentry, GlitchTip, Bugsink and PostHog.",
        parents=[common],
    )
    parser.set_defaults(command=None)
    parser.add_argument("--version", action="version", version=f"stackdeck {__version__}")
    parser.add_argument(
        "--watch",
        action="store_true",
        help="start the issue list in watch mode (refresh every watch_interval seconds)",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    issues = commands.add_parser("issues", help="list, show and triage issues", parents=[common])
    if wanted("issues"):
        _add_issue_actions(issues, common)
    config = commands.add_parser("config", help="check the configuration", parents=[common])
    if wanted("config"):
        config_commands = config.add_subparsers(
            dest="config_command", metavar="ACTION", required=True
        )
        check = config_commands.add_parser("check", help="validate and call the server once")
        check.set_defaults(handler=_config_check)
    add_symbol_commands(commands, wanted, common, _with_session)
    return parser


def _add_issue_actions(issues: argparse.ArgumentParser, common: argparse.ArgumentParser) -> None:
    issue_commands = issues.add_subparsers(dest="issues_command", metavar="ACTION", required=True)
    listing = issue_commands.add_parser("list", help="list issues", parents=[common])
    listing.add_argument("--query", default="is:unresolved", help="server search query")
    listing.add_argument(
        "--sort", default="date", help="date, new, freq, ... (by backend), or priority"
    )
    listing.add_argument("--release", default="", help="only issues seen in this release")
    listing.add_argument("--limit", type=positive, default=25, help="how many issues at most")
    listing.add_argument("--environment", default="", help="only this environment")
    listing.add_argument("--project", action="append", default=[], help="project slug or id")
    listing.add_argument("--json", action="store_true", help="print JSON (the model, see README)")
    listing.set_defaults(handler=_issues_list)

    show = issue_commands.add_parser("show", help="show an issue's event", parents=[common])
    show.add_argument("issue", help="issue id or short id")
    show.add_argument("--event", default="latest", help="latest, oldest, recommended or an id")
    shown_as = show.add_mutually_exclusive_group()
    shown_as.add_argument("--json", action="store_true", help="print JSON")
    shown_as.add_argument(
        "--raw", action="store_true", help="print the trace as the SDK's language prints it"
    )
    show.add_argument(
        "--grouping",
        action="store_true",
        help="also ask the server how it grouped the event (Sentry grouping-info, PostHog "
        "issue fingerprints): one more request",
    )
    show.set_defaults(handler=_issues_show)

    add_triage_commands(issue_commands, common, _on_backend)


def _config(args: argparse.Namespace) -> Config:
    if args.demo:
        from tui.demo import demo_config

        return demo_config()
    from tui.config import load_config

    return load_config(args.config)


def _session(args: argparse.Namespace, profile: Profile) -> Session:
    from tui.session import open_session

    return open_session(profile, demo=args.demo, offline=args.offline)


def _with_session(
    args: argparse.Namespace, profile: Profile, work: Callable[[Session], Awaitable[T]]
) -> T:
    async def run() -> T:
        session = _session(args, profile)
        try:
            result = await work(session)
            _say_stale(session)
            return result
        finally:
            await session.aclose()

    import asyncio

    return asyncio.run(run())


def _on_backend(
    args: argparse.Namespace, profile: Profile, work: Callable[[Backend], Awaitable[T]]
) -> T:
    return _with_session(args, profile, lambda session: work(session.backend))


def _run_tui(args: argparse.Namespace, config: Config, profile: Profile) -> int:
    from tui.app import StackdeckApp

    session = _session(args, profile)
    app = StackdeckApp(
        session.backend,
        profile_name=profile.name,
        symbolicate=session.symbolicate,
        close=session.aclose,
        profiles=(*config.profiles, *config.broken),  # picking a broken one shows its error
        open_profile=lambda name: _session(args, config.profile(name)),
        read_only=profile.read_only,
        keys=config.keys,
        watch=args.watch,
        watch_interval=config.watch_interval,
        profile=session.profile,
        symbols_profile=session.symbols_profile,
        mask_pii=args.mask_pii,
        linkable=args.linkable,
    )
    app.run()
    return app.return_code or 0  # Textual's 1 after a crash: a script must not see success


def _sort_refusal(error: Unsupported, sort: str, backend: Backend) -> Unsupported:
    """The backend's refusal of an unknown sort lists only the server's sorts (and takes some
    it does not list, such as Sentry's names on PostHog): name stackdeck's own too."""
    from tui.backends.errors import Unsupported
    from tui.priority import sort_choices

    choices = sort_choices(backend.sort_options)
    if sort in choices or repr(sort) not in str(error):
        return error
    return Unsupported(f"{backend.name} cannot sort by {sort!r}: use {', '.join(choices)}")


def _issues_list(args: argparse.Namespace, profile: Profile) -> int:
    from datetime import UTC, datetime

    from tui.backends.errors import Unsupported
    from tui.cli_health import issue_json, scored_note
    from tui.model import IssueQuery
    from tui.priority import PRIORITY_SORT, ranked, server_query
    from tui.release_details import wants_details, with_details

    query = IssueQuery(
        query=f"{args.query} release:{args.release}".strip() if args.release else args.query,
        sort=args.sort,
        environment=args.environment,
        projects=tuple(args.project),
        limit=min(args.limit, 100),
    )

    by_priority = args.sort == PRIORITY_SORT

    async def fetch(session: Session) -> tuple[list[Issue], bool, str | None]:
        backend = session.backend
        asked = server_query(query, backend.sort_options)
        issues: list[Issue] = []
        cursor: str | None = None
        while len(issues) < args.limit:
            try:
                page = await backend.list_issues(asked, cursor)
            except Unsupported as error:
                raise _sort_refusal(error, args.sort, backend) from error
            issues.extend(page.issues)
            cursor = page.next_cursor
            if not cursor or not page.issues:
                break
        issues = issues[: args.limit]
        if (args.json or by_priority) and wants_details(backend):
            issues = await with_details(backend, issues)  # releases, environments
        return issues, cursor is not None, _stale_since(session)

    issues, more, stale_since = _with_session(args, profile, fetch)
    now = datetime.now(UTC)
    if by_priority:
        issues = ranked(issues, now, args.environment)
        echo(scored_note(len(issues), more), file=sys.stderr)
    if args.json:
        # Offline, each issue says how old it is: the output stays a list either way.
        stale = {} if stale_since is None else {"stale_since": stale_since}
        print_json([{**issue_json(i, now, args.environment), **stale} for i in issues])
    else:
        from tui.render.report import print_issue_table

        print_issue_table(issues, scored_in=args.environment if by_priority else None)
    return 0


def _issues_show(args: argparse.Namespace, profile: Profile) -> int:
    from datetime import UTC, datetime

    from tui.cli_health import issue_json
    from tui.model import to_jsonable

    async def fetch(session: Session) -> tuple[Issue, Event, str | None]:
        issue, event = await session.open_issue(args.issue, args.event)
        if args.grouping:
            event = await _with_grouping(session.backend, issue, event)
        return issue, await session.symbolicate(event, issue.short_id), _stale_since(session)

    issue, event, stale_since = _with_session(args, profile, fetch)
    if args.json:
        shown = {"issue": issue_json(issue, datetime.now(UTC)), "event": to_jsonable(event)}
        shown["grouping"] = to_jsonable(event.grouping)
        if event.links:
            shown["links"] = _links_json(event.links, args.linkable, profile.name)
        print_json(shown if stale_since is None else {**shown, "stale_since": stale_since})
    elif args.raw:
        from tui.render.raw import raw_trace

        # Already sanitised; written as is so that Java's tab-indented frames keep their tabs.
        sys.stdout.write(raw_trace(event))
    else:
        from tui.render.report import print_event_report

        print_event_report(issue, event)
    return 0


async def _with_grouping(backend: Backend, issue: Issue, event: Event) -> Event:
    """The event with the server's grouping details where it has them; without them (an old
    server, a token without the scope) when the request fails: the report still prints."""
    import dataclasses

    from tui.backends.errors import BackendError

    details = getattr(backend, "grouping_details", None)
    if details is None:
        return event
    try:
        return dataclasses.replace(event, grouping=await details(issue, event))
    except BackendError as error:
        echo(f"stackdeck: grouping info: {sanitize(error)}", file=sys.stderr)
        return event


def _links_json(links: EventLinks, profiles: Sequence[Profile], current: str) -> dict[str, Any]:
    """The event's links and where `X` in the TUI would open them: a profile, or why none."""
    from tui.links import link_target
    from tui.model import to_jsonable

    target = link_target(links, profiles, current)
    where = {"problem": target} if isinstance(target, str) else {"profile": target.profile}
    return {**to_jsonable(links), **where}


def _config_check(args: argparse.Namespace, profile: Profile) -> int:
    where = profile.origin or "config"
    echo(f"profile {profile.name!r} from {where}: {profile.backend} at {profile.url}")

    async def check(session: Session) -> list[str]:
        lines = [await session.backend.check()]
        budget = getattr(session.backend, "rate_limit", None)
        if budget is not None:
            import time

            lines.append(budget.describe(time.time()))
        return lines

    for line in _with_session(args, profile, check):
        echo(line)
    echo("ok")
    return 0


def _stale_since(session: Session) -> str | None:
    """Offline, when the data was synced (ISO 8601) for `--json`."""
    since = session.stale_since
    return None if since is None else since.isoformat()


def _say_stale(session: Session) -> None:
    if (note := session.offline_note) is not None:
        echo(note, file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
