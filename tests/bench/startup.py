"""Benchmark: process start-up of stackdeck against named baselines, run side by side.

Not a test (pytest only collects `test_*.py`). Run it by hand:

    .venv/bin/python tests/bench/startup.py [--runs 15] [--cache-dir DIR]

Each figure is a pair (or trio) of commands started as fresh processes, alternately and in a
rotating order, so that load on the machine hits both sides alike; medians are printed:

- `stackdeck --help` against `python -c pass` (same interpreter): target 3x.
- a cached 50-frame `stackdeck sourcemap resolve` against `python -c pass`: target 4x, and
  faster than a process of Sentry's `symbolic` parsing the same map (a row shown only when
  `symbolic` imports in this interpreter: `pip install symbolic`, never a dependency).
- `stackdeck --demo` until its issue list is painted with rows, against a bare Textual app
  painting a 25-row DataTable: target 1.3x. Both run in a 120x36 pseudo-terminal and report
  on a pipe when the first screen update with table rows has been written.

The maps are the ones `tests/bench/symbols.py` fetches (`npm pack`, once, into the cache dir).
"""

from __future__ import annotations

import argparse
import os
import platform
import pty
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.bench.symbols import fetch_maps, positions  # noqa: E402

PYTHON = sys.executable
SIZE = (120, 36)
CHILD_ENV = dict(os.environ)
"""The children's environment: `main` lets them cache bytecode, as an installed package does."""

# Run in each TUI child before its app starts: once a screen update showing a DataTable with
# rows has gone to the terminal, write the CPU time the process has used so far to the pipe fd
# (argv[1]), then quit. Both apps are probed by the same code, and both import Textual before
# their first paint anyway.
PAINT_PROBE = """
import os, sys, time
from textual.app import App

_display = App._display

def _probe(self, screen, renderable):
    _display(self, screen, renderable)
    if renderable is not None and not getattr(self, "_bench_done", False):
        if any(table.row_count for table in screen.query("DataTable")):
            self._bench_done = True
            os.write(int(sys.argv[1]), str(time.process_time()).encode())
            self.exit()

App._display = _probe
"""

BARE_TABLE_APP = """
from textual.app import App
from textual.widgets import DataTable

class Table(App):
    def compose(self):
        yield DataTable()

    def on_mount(self):
        table = self.query_one(DataTable)
        table.add_columns("level", "issue", "culprit", "events", "users", "age")
        for n in range(25):
            table.add_row("error", f"ValueError {n}", f"app.module.fn_{n}", n * 7, n, f"{n}m")

Table().run()
"""

STACKDECK_DEMO = "from tui.cli import main; main(['--demo'])"

SYMBOLIC_RESOLVE = """
import sys
from symbolic.sourcemap import SourceMapView
view = SourceMapView.from_json_bytes(open(sys.argv[1], "rb").read())
for position in sys.argv[2:]:
    line, col = position.split(":")
    token = view.lookup(int(line) - 1, int(col) - 1)
    print(position, token and (token.src, token.src_line + 1, token.src_col + 1, token.name))
"""


@dataclass
class Contender:
    name: str
    run: Callable[[], tuple[float, float | None]]
    """One fresh process: (wall seconds, CPU seconds of the child or None)."""
    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)


def timed(argv: Sequence[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Wall time from spawn to exit, and the child's user+sys CPU time."""
    start = time.perf_counter()
    child = subprocess.Popen(
        argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env or CHILD_ENV
    )
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    assert child.stderr is not None
    if child.returncode != 0:
        raise RuntimeError(f"{argv[:3]} failed: {child.stderr.read().decode()[-2000:]}")
    child.stderr.close()
    return wall, usage.ru_utime + usage.ru_stime


def painted(code: str) -> tuple[float, float]:
    """Wall seconds from spawn until the app under `code` reports its first painted table
    rows, and the CPU seconds it had used by then (all its threads)."""
    import fcntl
    import termios

    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    marker_read, marker_write = os.pipe()
    env = {**CHILD_ENV, "TERM": "xterm-256color", "COLUMNS": "", "LINES": ""}
    start = time.perf_counter()
    child = subprocess.Popen(
        [PYTHON, "-c", PAINT_PROBE + code, str(marker_write)],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        pass_fds=(marker_write,),
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    os.close(marker_write)
    seconds = cpu = None
    try:
        # Drain the terminal so the app never blocks writing; stop at the marker.
        while child.poll() is None:
            ready, _, _ = select.select([master, marker_read], [], [], 10)
            if not ready:
                raise RuntimeError("no paint within 10 s")
            if marker_read in ready and seconds is None:
                seconds = time.perf_counter() - start
                cpu = float(os.read(marker_read, 64))
            if master in ready:
                try:
                    os.read(master, 1 << 16)
                except OSError:  # the child closed the terminal
                    break
    finally:
        if child.poll() is None:
            child.kill()
        child.wait()
        os.close(master)
        os.close(marker_read)
    if seconds is None or cpu is None:
        raise RuntimeError(f"exited with {child.returncode} before painting")
    return seconds, cpu


def measure(contenders: list[Contender], runs: int) -> None:
    """`runs` rounds; each round starts every contender once, in a rotating order."""
    for contender in contenders:
        contender.run()  # warm the OS file cache; not counted
    for round_ in range(runs):
        shift = round_ % len(contenders)
        for contender in contenders[shift:] + contenders[:shift]:
            wall, cpu = contender.run()
            contender.walls.append(wall)
            if cpu is not None:
                contender.cpus.append(cpu)


def report(title: str, baseline: Contender, figure: Contender, target: float) -> float:
    ratio = statistics.median(figure.walls) / statistics.median(baseline.walls)
    verdict = "met" if ratio <= target else "NOT met"
    print(f"{title}: target <= {target}x {baseline.name}, {verdict}")
    for contender in (baseline, figure):
        print(f"  {contender.name:<44} {_times(contender)}")
    print(f"  ratio {ratio:.2f}x (wall)" + _cpu_ratio(baseline, figure))
    return ratio


def _times(contender: Contender) -> str:
    walls = sorted(contender.walls)
    text = f"median {statistics.median(walls) * 1000:7.1f} ms wall"
    text += f" (min {walls[0] * 1000:6.1f}, max {walls[-1] * 1000:6.1f})"
    if contender.cpus:
        text += f", {statistics.median(contender.cpus) * 1000:6.1f} ms CPU"
    return text


def _cpu_ratio(baseline: Contender, figure: Contender) -> str:
    if not (baseline.cpus and figure.cpus):
        return ""
    ratio = statistics.median(figure.cpus) / statistics.median(baseline.cpus)
    return f", {ratio:.2f}x (CPU)"


def stackdeck_argv() -> list[str]:
    script = Path(PYTHON).parent / "stackdeck"
    return [str(script)] if script.exists() else [PYTHON, "-m", "tui.cli"]


def bench_help(runs: int) -> None:
    baseline = Contender("python -c pass", lambda: timed([PYTHON, "-c", "pass"]))
    figure = Contender("stackdeck --help", lambda: timed([*stackdeck_argv(), "--help"]))
    measure([baseline, figure], runs)
    report("stackdeck --help", baseline, figure, 3.0)


def has_symbolic() -> bool:
    probe = subprocess.run([PYTHON, "-c", "import symbolic.sourcemap"], capture_output=True)
    return probe.returncode == 0


def bench_resolve(runs: int, cache_dir: Path, frames: int) -> None:
    map_path = fetch_maps(cache_dir)[0]
    spots = [f"{line}:{col}" for line, col in positions(map_path, frames)]
    with tempfile.TemporaryDirectory() as home:
        env = {**CHILD_ENV, "XDG_CACHE_HOME": home}
        resolve = [*stackdeck_argv(), "sourcemap", "resolve", str(map_path), *spots]
        timed(resolve, env)  # the first use decodes the map into the cache
        baseline = Contender("python -c pass", lambda: timed([PYTHON, "-c", "pass"]))
        figure = Contender(
            f"sourcemap resolve, cached, {frames} frames", lambda: timed(resolve, env)
        )
        contenders = [baseline, figure]
        symbolic = None
        if has_symbolic():
            argv = [PYTHON, "-c", SYMBOLIC_RESOLVE, str(map_path), *spots]
            symbolic = Contender(f"symbolic parse + {frames} lookups", lambda: timed(argv))
            contenders.append(symbolic)
        measure(contenders, runs)
    size = map_path.stat().st_size / 1e6
    report(f"sourcemap resolve ({map_path.name}, {size:.1f} MB)", baseline, figure, 4.0)
    if symbolic is None:
        print("  symbolic not installed: no comparison with Sentry's engine")
        return
    ours, theirs = statistics.median(figure.walls), statistics.median(symbolic.walls)
    verdict = "met" if ours < theirs else "NOT met"
    print(f"  {symbolic.name:<44} {_times(symbolic)}")
    print(f"  vs symbolic: {ours / theirs:.2f}x its process time (target < 1, {verdict})")


def bench_tui(runs: int) -> None:
    baseline = Contender("bare Textual app, 25-row DataTable", lambda: painted(BARE_TABLE_APP))
    figure = Contender("stackdeck --demo, issue list", lambda: painted(STACKDECK_DEMO))
    measure([baseline, figure], runs)
    report(f"start to a painted list ({SIZE[0]}x{SIZE[1]} pty)", baseline, figure, 1.3)


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{platform.platform()}, {platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}, load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="rounds per figure (median kept)")
    parser.add_argument(
        "--cache-dir", type=Path, default=Path.home() / ".cache" / "stackdeck-bench"
    )
    parser.add_argument("--frames", type=int, default=50)
    parser.add_argument("--only", choices=("help", "resolve", "tui"), action="append")
    args = parser.parse_args()
    args.cache_dir.mkdir(parents=True, exist_ok=True)
    print(machine())
    print(
        f"medians of {args.runs} alternating fresh processes per contender, after one warm-up"
        " run each; bytecode cached (in a temporary PYTHONPYCACHEPREFIX) as installed\n"
    )
    only = args.only or ["help", "resolve", "tui"]
    with tempfile.TemporaryDirectory() as pycache:
        # A user's installed package has its .pyc files; PYTHONDONTWRITEBYTECODE in the
        # caller's environment would make every child compile stackdeck's sources again.
        CHILD_ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        CHILD_ENV["PYTHONPYCACHEPREFIX"] = pycache
        if "help" in only:
            bench_help(args.runs)
        if "resolve" in only:
            bench_resolve(args.runs, args.cache_dir, args.frames)
        if "tui" in only:
            bench_tui(args.runs)


if __name__ == "__main__":
    main()
