"""`stackdeck sourcemap ...` and `stackdeck symbols ...`: source-map tools that need no server."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tui.cli_output import echo, print_json
from tui.sanitize import sanitize

if TYPE_CHECKING:
    from tui.config import Profile
    from tui.session import Session
    from tui.symbol_sets import SymbolOverview
    from tui.symbols import SymbolCache

SessionRunner = Callable[[argparse.Namespace, Any, Callable[[Any], Awaitable[Any]]], Any]
"""`tui.cli`'s `_with_session`: runs `work(session)` for the profile, then closes the session."""

# The symbol engine, the config and asyncio are imported by the command that runs: parsing
# `stackdeck --help` builds these parsers and must not load them.

EXIT_ERROR = 1
EXIT_USAGE = 2
_SIZE = re.compile(r"(\d+(?:\.\d+)?)\s*([KMG]?)i?B?", re.IGNORECASE)


def add_symbol_commands(
    commands: argparse._SubParsersAction[Any],
    wanted: Callable[[str], bool],
    common: argparse.ArgumentParser,
    run: SessionRunner,
) -> None:
    """`sourcemap` and `symbols`, with their actions only where `wanted` (see `build_parser`)."""
    sourcemap = commands.add_parser("sourcemap", help="source-map tools")
    if wanted("sourcemap"):
        _add_sourcemap_actions(sourcemap)
    symbols = commands.add_parser("symbols", help="source maps: the local cache and the server's")
    if wanted("symbols"):
        _add_symbols_actions(symbols, common, run)


def _add_sourcemap_actions(sourcemap: argparse.ArgumentParser) -> None:
    sourcemap_commands = sourcemap.add_subparsers(
        dest="sourcemap_command", metavar="ACTION", required=True
    )
    resolve = sourcemap_commands.add_parser(
        "resolve", help="resolve LINE:COL positions of a minified file through its map"
    )
    resolve.add_argument("map", type=Path, help="the .map file")
    resolve.add_argument("positions", nargs="+", metavar="LINE:COL", help="1-based, as in events")
    resolve.add_argument("--json", action="store_true", help="print JSON")
    resolve.set_defaults(standalone=_resolve)


def _add_symbols_actions(
    symbols: argparse.ArgumentParser, common: argparse.ArgumentParser, run: SessionRunner
) -> None:
    symbols_commands = symbols.add_subparsers(
        dest="symbols_command", metavar="ACTION", required=True
    )
    add = symbols_commands.add_parser(
        "add", help="cache maps from a .map or .js file, a build directory or a URL"
    )
    add.add_argument("targets", nargs="+", metavar="PATH|URL")
    add.add_argument("--json", action="store_true", help="print JSON")
    add.set_defaults(standalone=_add)
    listing = symbols_commands.add_parser(
        "list", help="cached maps, the server's symbol sets and missing maps", parents=[common]
    )
    listing.add_argument("--json", action="store_true", help="print JSON")
    # Without a usable profile, the cache alone (it needs no server).
    listing.set_defaults(
        handler=lambda args, profile: _list(run, args, profile),
        without_profile=lambda args, why: _print_overview(args, _local(None), why),
    )
    upload = symbols_commands.add_parser(
        "upload",
        help="upload a minified file and its map to the server (PostHog)",
        parents=[common],
    )
    upload.add_argument("path", type=Path, metavar="PATH", help="the .js (map beside it) or .map")
    upload.add_argument("--chunk-id", default="", help="default: the file's //# chunkId= comment")
    upload.add_argument("--json", action="store_true", help="print JSON")
    upload.set_defaults(handler=lambda args, profile: _upload(run, args, profile), mutates=True)
    prune = symbols_commands.add_parser("prune", help="evict least recently used maps")
    prune.add_argument(
        "--max-size",
        type=parse_size,
        default="512M",  # argparse passes a string default through `type`
        help="keep at most this much, e.g. 200M or 1G (default %(default)s)",
    )
    prune.set_defaults(standalone=_prune)


def parse_size(text: str) -> int:
    match = _SIZE.fullmatch(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"expected a size such as 200M or 1G, got {text!r}")
    number, unit = float(match.group(1)), match.group(2).upper()
    return int(number * {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}[unit])


def cache() -> SymbolCache:
    from tui.config import app_dirs
    from tui.symbols.cache import SymbolCache

    return SymbolCache(app_dirs().cache / "symbols")


def _resolve(args: argparse.Namespace) -> int:
    from tui.symbols import commands as symbol_commands
    from tui.symbols.errors import SourceMapError

    try:
        results = symbol_commands.resolve_positions(args.map, args.positions, cache())
    except ValueError as exc:  # a malformed LINE:COL, parsed before the map is read
        echo(f"stackdeck: {sanitize(exc)}", file=sys.stderr)
        return EXIT_USAGE
    except (OSError, SourceMapError) as exc:
        # Named after the file: "not valid JSON" alone does not say which argument was wrong.
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        echo(f"stackdeck: {sanitize(args.map)}: {sanitize(reason)}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print_json(results)
    else:
        echo(symbol_commands.format_positions(results))
    return EXIT_ERROR if any("error" in r for r in results) else 0


def _add(args: argparse.Namespace) -> int:
    import asyncio

    from tui.symbols import commands as symbol_commands

    results = asyncio.run(symbol_commands.add(cache(), args.targets))
    if args.json:
        print_json(results)
    for result in results if not args.json else ():
        if "error" in result:
            echo(f"{sanitize(result['target'])}: {sanitize(result['error'])}", file=sys.stderr)
        elif not result["added"]:
            echo(f"{sanitize(result['target'])}: no source maps found")
        for added in result.get("added", ()):
            keys = sanitize(", ".join(added["keys"]))
            echo(f"{sanitize(added['location'])} -> {added['digest'][:12]} ({keys})")
    return EXIT_ERROR if any("error" in r for r in results) else 0


def _local(profile: Profile | None, demo: bool = False) -> SymbolOverview:
    from tui.symbol_sets import local_overview

    key = ("demo:" if demo else "") + profile.name if profile else ""
    return local_overview(cache(), key)


def _list(run: SessionRunner, args: argparse.Namespace, profile: Profile) -> int:
    import dataclasses

    from tui.symbol_sets import server_side

    async def listed(session: Session) -> SymbolOverview:
        local = _local(profile, session.demo)
        server = await server_side(session.backend, offline=session.offline)
        return dataclasses.replace(local, server=server)

    return _print_overview(args, run(args, profile, listed))


def _print_overview(args: argparse.Namespace, overview: SymbolOverview, why: str = "") -> int:
    import dataclasses

    from tui.render.symbol_sets import overview_lines
    from tui.symbol_sets import ServerSide, overview_json

    if why:
        overview = dataclasses.replace(overview, server=ServerSide(unavailable=why))
    if args.json:
        print_json(overview_json(overview))
    else:
        for line in overview_lines(overview):
            echo(line)
    return 0


def _upload(run: SessionRunner, args: argparse.Namespace, profile: Profile) -> int:
    from tui.backends.errors import BackendError
    from tui.model import to_jsonable
    from tui.symbol_sets import read_local_set, upload
    from tui.symbols.sources import LookupFailed

    try:
        local = read_local_set(args.path, args.chunk_id)
    except (OSError, LookupFailed) as exc:
        echo(f"stackdeck: {sanitize(exc)}", file=sys.stderr)
        return EXIT_USAGE

    async def send(session: Session) -> Any:
        return await upload(session.backend, local)

    try:
        stored = run(args, profile, send)
    except BackendError as exc:
        echo(f"stackdeck: upload of {sanitize(local.chunk_id)}: {sanitize(exc)}", file=sys.stderr)
        return EXIT_ERROR
    if args.json:
        print_json(to_jsonable(stored))
    else:
        where, ref = sanitize(local.location), sanitize(stored.ref)
        echo(f"uploaded {where}: the server lists symbol set {ref} as stored")
    return 0


def _prune(args: argparse.Namespace) -> int:
    from tui.symbols import commands as symbol_commands

    removed = symbol_commands.prune(cache(), args.max_size)
    echo(f"removed {len(removed)} map{'s' if len(removed) != 1 else ''}")
    return 0
