"""python -m bench (`make bench`): run the measurements and print the table.

BENCH_EVENTS sets N for (a) and (b) (default 20000); BENCH_SECTIONS picks sections (default
"abcdefg"; BENCH_FEED_POSTS sets the posts of (e), default 100000; BENCH_FCP_SAMPLES the
first visits of each page in (g), default 5). DATABASE_URL / NATS_URL
name servers to use instead of embedded ones: the bench
creates (and drops) a database of its own there, and writes to and purges the NATS server's
PU_FEED stream, so give it a throw-away NATS.
"""

import os
import shutil
import signal
import sys
import tempfile
import traceback
from collections.abc import Awaitable, Callable
from pathlib import Path

import uvloop

from bench import api, consume, feedread, pv, ratings, relay, web
from bench.infra import BENCH_DIR, Servers, servers
from bench.report import Report, cpu_busy, render
from kit.logging import configure_logging
from kit.telemetry import configure_tracing

Section = Callable[[Servers, Report], Awaitable[None]]


def sections(n: int, chosen: str) -> list[tuple[str, Section]]:
    every: dict[str, tuple[str, Section]] = {
        "a": ("(a) outbox relay", lambda s, r: relay.bench(s, r, n)),
        "b": ("(b) projections", lambda s, r: consume.bench(s, r, n)),
        "c": ("(c) HTTP", api.bench),
        "d": ("(d) pharmacovigilance", pv.bench),
        "e": ("(e) the personal feed", feedread.bench),
        "f": ("(f) ratings", ratings.bench),
        "g": ("(g) the web app's first paint on slow 3G", web.bench),
    }
    return [every[key] for key in sorted(set(chosen)) if key in every]


async def run(run_dir: Path, report: Report, n: int, chosen: str) -> None:
    async with servers(run_dir) as running:
        for name, section in sections(n, chosen):
            print(f"bench: {name} ...", file=sys.stderr, flush=True)
            try:
                await section(running, report)
            except Exception as error:
                traceback.print_exc()
                report.failures.append(f"{name}: {type(error).__name__}: {error}"[:300])


def main() -> None:
    # Services log and trace as under `make run`; the bench itself keeps stdout for the table.
    configure_logging("bench", "error", "console")
    configure_tracing("bench")
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # unwind, so children are stopped
    n = int(os.environ.get("BENCH_EVENTS", "20000"))
    chosen = os.environ.get("BENCH_SECTIONS", "abcdefg")
    BENCH_DIR.mkdir(exist_ok=True)
    run_dir = Path(tempfile.mkdtemp(prefix="run-", dir=BENCH_DIR))
    report = Report(busy_before=cpu_busy())
    try:
        uvloop.run(run(run_dir, report, n, chosen))
    finally:
        table = render(report)
        print(table, end="")
        (BENCH_DIR / "last.txt").write_text(table)
    if report.failures:
        print(f"bench: logs kept in {run_dir}", file=sys.stderr)
        sys.exit(1)
    shutil.rmtree(run_dir, ignore_errors=True)


if __name__ == "__main__":
    main()
