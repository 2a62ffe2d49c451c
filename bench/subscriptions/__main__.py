"""`uv run python -m bench.subscriptions`: see the package's docstring (and --help)."""

import argparse
import asyncio
import math
import os
import platform
import secrets
import shutil
import signal
import statistics
import sys
import tempfile
from pathlib import Path

from sqlalchemy.engine import make_url

import bench.subscriptions
from bench.database import scratch_database
from bench.subscriptions.database import prepare
from bench.subscriptions.setup import SELECTIONS, Outcome, run_setup, source_fingerprint

# --- the report --------------------------------------------------------------------------------------------


def percentile(values: list[float], p: float, missing: int = 0) -> float:
    """The p-th percentile (nearest rank) of `values` and `missing` more that never came (infinite)."""
    ordered = sorted(values) + [math.inf] * missing
    return ordered[min(len(ordered) - 1, max(0, math.ceil(p / 100 * len(ordered)) - 1))]


def ms(value: float) -> str:
    if value == math.inf:
        return "never"
    return f"{value * 1000:.1f} ms" if value < 10 else f"{value:.1f} s"


def row(o: Outcome, baseline: Outcome | None) -> str:
    """One setup's line; `baseline` (the run without subscribers) gives the mutations' own CPU."""
    if o.from_response:
        # Over every (event, client) that should have been delivered: one lost counts as never arriving.
        latency = " | ".join(
            ms(percentile(values, p, o.lost))
            for values in (o.from_response, o.from_request)
            for p in (50, 99)
        )
        latency += f" | {ms(percentile(o.from_response, 100, o.lost))}"
    else:
        latency = "– | – | – | – | –"
    per_event = o.server_cpu / o.events if o.events else 0.0
    busiest = max(o.client_cpus, default=0.0)
    writes = f"{o.server_writes / o.deliveries:.2f}" if o.deliveries else f"{o.server_writes}"
    if o.deliveries and baseline is not None and baseline.events and baseline is not o:
        # Less the mutations' own (SQLite's file writes among them), as for CPU.
        own = baseline.server_writes / baseline.events * o.events
        writes += f" ({(o.server_writes - own) / o.deliveries:.2f})"
    per_delivery = f"{o.server_cpu / o.deliveries * 1e6:.0f} µs" if o.deliveries else "–"
    if o.deliveries and baseline is not None and baseline.events and baseline is not o:
        net = (per_event - baseline.server_cpu / baseline.events) * o.events / o.deliveries
        per_delivery += f" ({net * 1e6:.0f} µs)"
    lost = f"{o.lost}" if o.drained else f"{o.lost} (none after {o.window:.0f} s)"
    mutation = f"{ms(statistics.median(o.mutation))} ({o.retries})" if o.mutation else "–"
    relay = f"{ms(percentile(o.relay, 50))} / {ms(percentile(o.relay, 99))}" if o.relay else "–"
    return (
        f"| {o.label} | {o.connections} ({o.seeing}) | {o.events} ({o.achieved_rate:.1f}/s)"
        f" | {o.deliveries} | {lost} | {latency} | {mutation} | {relay}"
        f" | {per_event * 1000:.1f} ms | {per_delivery} | {writes}"
        f" | {' + '.join(f'{c / o.window * 100:.0f} %' for c in o.server_cpus)}"
        f" | {o.redis_cpu / o.window * 100:.1f} %"
        f" | {o.client_cpu / o.window * 100:.0f} % ({busiest / o.window * 100:.0f} %)"
        f" | {max(0.0, o.others_cpu) / o.window * 100:.0f} %"
        f" | {o.machine_busy * 100:.0f} % |"
    )


DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
HEADER = (
    "| setup | connections (receiving) | events (rate) | deliveries | lost"
    " | median commit→client | p99 commit→client | median request→client | p99 request→client"
    " | max commit→client | mutation median (BUSY retries) | outbox→marked median / p99"
    " | server CPU / event | server CPU / delivery (net of mutations)"
    " | server write calls / delivery (net of mutations)"
    " | servers CPU | Redis CPU"
    " | clients CPU (busiest process)"
    " | other processes CPU | machine busy |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


async def main(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="fundperf-bench-subs-"))
    async with scratch_database(work, args.database_url) as url:
        failed = await measure(args, work, url)
    if failed or args.profile:
        print(f"server logs in {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


async def measure(args: argparse.Namespace, work: Path, url: str) -> bool:
    """Runs the setups on the database at `url` and prints the report; whether something failed."""
    pool = args.goals or max(40, round(args.rate * 20))  # a goal comes round again after ≥ 20 s
    database = DATABASES[make_url(url).get_backend_name()]
    print(f"building the database ({database}) …", file=sys.stderr, flush=True)
    population = await prepare(url, goals=pool, users_per_group=args.users)
    fingerprint = source_fingerprint()
    baseline = None
    outcomes = []
    if args.baseline:
        baseline = await run_setup(args, population, work, 1, "flat", 0)
        outcomes.append(baseline)
        print(row(baseline, baseline), file=sys.stderr, flush=True)
    for processes in args.processes:
        for selection in args.selection:
            outcomes.append(await run_setup(args, population, work, processes, selection, args.connections))
            print(row(outcomes[-1], baseline), file=sys.stderr, flush=True)
    print(
        f"# {platform.machine()} Python {platform.python_version()}, {os.cpu_count()} CPUs; {database};"
        f" {args.connections} connections from {args.client_processes} client process(es),"
        f" {'one token per user' if args.shared_tokens else 'one access token per connection'};"
        f" {args.rate:g} events/s in bursts of {args.burst} for {args.seconds:g} s; {fingerprint}"
    )
    print(HEADER)
    for outcome in outcomes:
        print(row(outcome, baseline))
    for outcome in outcomes:
        if outcome.unexpected:
            outcome.problems.append(f"{outcome.unexpected} events reached connections that may not read them")
        for problem in outcome.problems:
            print(f"- {outcome.label}: {problem}")
        # Notes, not failures: mutations sent late (their goal's previous one was still running), and
        # what the servers logged as errors.
        if outcome.pool_waits:
            print(f"- {outcome.label}: {outcome.pool_waits} mutations waited for their goal's previous one")
        for note in outcome.log_errors:
            print(f"- {outcome.label}: {note}")
    if source_fingerprint() != fingerprint:
        print(f"- src/ changed while this ran (now {source_fingerprint()}): the rows measured different code")
    return any(o.lost or o.unexpected or o.problems for o in outcomes)


def run() -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.subscriptions",
        description=bench.subscriptions.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--rate", type=float, default=20.0, help="events a second")
    parser.add_argument("--burst", type=int, default=2, help="events sent at once")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL server's URL: the run gets a database of its own there, dropped afterwards"
        " (default: a SQLite file)",
    )
    parser.add_argument("--processes", type=int, nargs="+", choices=[1, 2], default=[1, 2])
    parser.add_argument("--selection", nargs="+", choices=sorted(SELECTIONS), default=["related", "flat"])
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument(
        "--mutations-via",
        choices=["first", "all"],
        default="first",
        help="with 2 processes: send every mutation to the first server, or to each in turn",
    )
    parser.add_argument("--users", type=int, default=5, help="users of the province's finance department")
    parser.add_argument("--shared-tokens", action="store_true", help="one token per user, not per connection")
    parser.add_argument(
        "--goals", type=int, default=0, help="size of the goal pool (default: 20 s of events)"
    )
    parser.add_argument(
        "--drain", type=float, default=120.0, help="seconds to wait for the last deliveries (then: lost)"
    )
    parser.add_argument(
        "--no-baseline",
        dest="baseline",
        action="store_false",
        help="skip the first run, without subscribers, that measures the mutations' own server CPU",
    )
    parser.add_argument(
        "--profile",
        help="profile the servers (cProfile) over each measured window; their .prof files go to this folder",
    )
    args = parser.parse_args()
    args.secret_key = "bench-subscriptions-" + secrets.token_hex(16)
    if args.profile:
        Path(args.profile).mkdir(parents=True, exist_ok=True)
    # Ctrl-C, and SIGTERM alike, stop the servers and clients (the finally blocks); also when this was
    # started with SIGINT ignored, as a shell does for a background job.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    sys.exit(asyncio.run(main(args)))


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    run()
