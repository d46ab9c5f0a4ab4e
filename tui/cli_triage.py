"""`stackdeck issues resolve|reopen|ignore|assign|members|activity|comment`: triage from scripts.

Every command goes through `tui.triage`, the code path the TUI uses; mutating ones are marked
`mutates`, and `tui.cli.main` passes them through `triage.require_writable` first. A change
prints one line per issue (stdout when confirmed, stderr when not) and exits 1 unless every
issue was confirmed; what the backend cannot do exits 2.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from tui.cli_output import echo, print_json
from tui.sanitize import sanitize

if TYPE_CHECKING:
    # Loaded when a command runs: building the parser (`--help`) must not pay for the engine.
    from tui import triage
    from tui.backends.base import Backend
    from tui.model import Change, StatusChange

T = TypeVar("T")
Runner = Callable[[argparse.Namespace, Any, Callable[["Backend"], Awaitable[T]]], T]
"""Runs work on the profile's backend (opened and closed around it) and returns its result."""
EXIT_ERROR = 1
EXIT_USAGE = 2
_DURATION = re.compile(r"^(\d+)\s*([mhdw]?)$", re.IGNORECASE)
_MINUTES = {"": 1, "m": 1, "h": 60, "d": 24 * 60, "w": 7 * 24 * 60}


def add_triage_commands(
    issue_commands: argparse._SubParsersAction[Any],
    common: argparse.ArgumentParser,
    run: Runner[Any],
) -> None:
    def command(
        name: str, text: str, handler: Callable[..., int], *, mutates: bool = False
    ) -> argparse.ArgumentParser:
        parser: argparse.ArgumentParser = issue_commands.add_parser(
            name, help=text, parents=[common]
        )
        handle = partial(_refusing_unsupported, partial(handler, run))
        parser.set_defaults(handler=handle, mutates=mutates)
        return parser

    resolve = command("resolve", "resolve issues", _change, mutates=True)
    resolve.add_argument("issues", nargs="+", metavar="ISSUE")
    when = resolve.add_mutually_exclusive_group()
    when.add_argument(
        "--next-release", action="store_true", help="resolved in the next release (Sentry, Bugsink)"
    )
    when.add_argument("--in-release", metavar="VERSION", help="resolved in this release (Sentry)")

    reopen = command("reopen", "reopen issues", _change, mutates=True)
    reopen.add_argument("issues", nargs="+", metavar="ISSUE")

    ignore = command("ignore", "ignore (archive, mute, suppress) issues", _change, mutates=True)
    ignore.add_argument("issues", nargs="+", metavar="ISSUE")
    until = ignore.add_mutually_exclusive_group()
    until.add_argument("--for", dest="for_", type=_duration, metavar="DURATION", help="e.g. 2h, 3d")
    until.add_argument("--until-events", type=positive, metavar="N", help="until N more events")
    until.add_argument("--until-users", type=positive, metavar="N", help="until N more users")
    until.add_argument("--until-escalating", action="store_true", help="until escalating (Sentry)")
    ignore.add_argument(
        "--window", type=_duration, metavar="DURATION", help="window of --until-events/-users"
    )

    assign = command("assign", "assign issues", _change, mutates=True)
    assign.add_argument("issues", nargs="+", metavar="ISSUE")
    assign.add_argument("--to", required=True, metavar="WHO", help="me, USER, team:SLUG or none")

    members = command("members", "who issues can be assigned to", _members)
    members.add_argument("--json", action="store_true", help="print JSON")

    activity = command("activity", "an issue's activity and comments", _activity)
    activity.add_argument("issue", help="issue id or short id")
    activity.add_argument("--json", action="store_true", help="print JSON")

    comment = command("comment", "add a comment to an issue", _comment, mutates=True)
    comment.add_argument("issue", help="issue id or short id")
    comment.add_argument("text", help="the comment")


def status_change(args: argparse.Namespace) -> StatusChange:
    """The change a `resolve`/`reopen`/`ignore` command line asks for."""
    from tui.model import IgnoreUntil, StatusAction, StatusChange

    if args.issues_command == "reopen":
        return StatusChange(StatusAction.REOPEN)
    if args.issues_command == "resolve":
        if args.next_release:
            return StatusChange(StatusAction.RESOLVE_NEXT_RELEASE)
        return StatusChange(StatusAction.RESOLVE, release=args.in_release or "")
    if args.window and not (args.until_events or args.until_users):
        raise argparse.ArgumentTypeError("--window goes with --until-events or --until-users")
    until = IgnoreUntil(
        minutes=args.for_,
        events=args.until_events,
        events_window=args.window if args.until_events else None,
        users=args.until_users,
        users_window=args.window if args.until_users else None,
        escalating=args.until_escalating,
    )
    return StatusChange(StatusAction.IGNORE, until=until if until.features else None)


def _refusing_unsupported(
    handler: Callable[..., int], args: argparse.Namespace, profile: Any
) -> int:
    from tui.backends.errors import Unsupported

    try:
        return handler(args, profile)
    except (Unsupported, argparse.ArgumentTypeError) as exc:
        echo(f"stackdeck: {sanitize(exc)}", file=sys.stderr)
        return EXIT_USAGE


def _change(run: Runner[triage.ChangeRecord], args: argparse.Namespace, profile: Any) -> int:
    from tui import triage
    from tui.model import AssignChange

    async def work(backend: Backend) -> triage.ChangeRecord:
        change: Change
        if args.issues_command == "assign":
            change = AssignChange(await triage.find_assignee(backend, args.to))
        else:
            change = status_change(args)
        return await triage.apply_change(backend, args.issues, change)

    record = run(args, profile, work)
    for result in record.results:
        # The server's 404 names an API URL; the user asked about an id in a profile.
        line = f"{result.summary} in {profile.name}" if result.missing else result.summary
        echo(sanitize(line), file=sys.stdout if result.ok else sys.stderr)
    return 0 if record.ok else EXIT_ERROR


def _members(run: Runner[Any], args: argparse.Namespace, profile: Any) -> int:
    from tui import triage
    from tui.model import to_jsonable

    choices = run(args, profile, triage.assignee_choices)
    if args.json:
        print_json([to_jsonable(a) for a in choices])
        return 0
    for who in choices:
        email = f" <{who.email}>" if who.email else ""
        echo(sanitize(f"{who.kind}:{who.id}\t{who.name}{email}"))
    return 0


def _activity(run: Runner[Any], args: argparse.Namespace, profile: Any) -> int:
    from tui import triage
    from tui.model import to_jsonable

    entries = run(args, profile, lambda backend: triage.issue_activity(backend, args.issue))
    if args.json:
        print_json([to_jsonable(e) for e in entries])
        return 0
    for entry in entries:
        when = entry.when.strftime("%Y-%m-%d %H:%M") if entry.when else "?"
        line = f"{when}  {sanitize(entry.author)}  {sanitize(entry.kind)}"
        echo(f"{line}: {sanitize(entry.text)}" if entry.text else line)
    if not entries:  # an empty answer would look like a command that did nothing
        echo(f"no activity on {sanitize(args.issue)}")
    return 0


def _comment(run: Runner[Any], args: argparse.Namespace, profile: Any) -> int:
    from tui import triage

    run(args, profile, lambda backend: triage.add_comment(backend, args.issue, args.text))
    echo(f"commented on {sanitize(args.issue)}")
    return 0


def _duration(text: str) -> int:
    """Minutes in `90`, `90m`, `2h`, `3d`, `1w`."""
    match = _DURATION.match(text.strip())
    if not match or int(match[1]) < 1:
        raise argparse.ArgumentTypeError(f"not a duration: {text!r} (try 30m, 2h, 3d, 1w)")
    return int(match[1]) * _MINUTES[match[2].lower()]


def positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be 1 or more")
    return value
