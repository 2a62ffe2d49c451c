"""Load benchmark: `fundperf serve` with 1 and 2 worker processes under 1, 10 and 50 keep-alive clients.

    uv run python -m bench.load [--workers 1 2] [--clients 1 10 50] [--duration 10] [--warmup 2] [--runs 3]
                                [--mix both|prefecture|province] [--redis-url URL]

The server is the real command (`python -m src.cli serve`, demo data in a temporary SQLite file, REDIS_URL set
for every worker count alike: several workers need it). Each run starts it once per worker count (1 worker,
then 2: interleaved), logs in as 成都市财政局 (fin_510100, a prefecture) and 四川省财政厅 (fin_510000, the
province), and fires the README's typical queries: the prefecture's Chengdu goals page, and as the province
the same page, the region hierarchy, the fund types' pooling and the indicator library ("both" cycles through
all five, each client from its own place in the list). The clients run in a separate process, on their own
loop, with a lean HTTP/1.1 client (prebuilt requests, one keep-alive connection each), so they take little CPU
from the server's cores; the table shows their CPU share. A cell's first WARMUP seconds are not counted.
Server RSS is the sum over the serve process and its children (/proc), sampled during and after the cell; "per
worker" is how many of the clients' connections each worker process held (/proc/net/tcp). Never run as a test.
"""

import argparse
import asyncio
import json
import multiprocessing
import os
import statistics
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import httpx

from tests.support.process import serve_process
from tests.support.workers import connections_per_worker, listening_pids, rss_bytes, worker_pids

PREFECTURE, PROVINCE = "fin_510100", "fin_510000"
PASSWORD = "fundperf-demo"
GOALS_PAGE = """query Goals($after: String) {
  goals(
    filter: {year: 2026, regionCode: "510100", includeDescendants: true, horizon: ANNUAL}
    first: 20
    after: $after
  ) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id title statusLabel version weightTotal
      fundType { code name }
      region { code name }
      overallGoal { title startYear endYear }
      parentGoal { title region { name } }
      indicators { level1Label level2 level3 comparatorLabel targetValue targetGrade unit weight }
      budget { statusLabel revenueTotal expenditureTotal lines { itemLabel initialAmount adjustedAmount } }
    }
  }
}"""
REGION = """{
  chengdu: region(code: "510100") {
    ... on Region {
      name levelLabel parent { name } ancestors { name } counties: descendants(level: COUNTY) { code name }
    }
  }
  missing: region(code: "999999") { ... on NotFoundError { entity key message } }
}"""
POOLING = """{
  fundTypes {
    code name administrationLabel
    pooling(year: 2026) { poolingLevelLabel poolingRegionLevel poolingRegions { code name } }
  }
}"""
LIBRARY = """{
  indicatorTemplates(fundTypeCode: "WORK_INJURY") {
    isCommon level1Label level2 level3 comparator defaultTargetValue unit definition
  }
  budgets(filter: {year: 2026, fundTypeCode: "RESIDENT_MEDICAL"}, first: 5) {
    nodes { region { name } revenueTotal expenditureTotal }
  }
  organizations(regionCode: "510000", first: 10) { nodes { name actorTypeLabel users { username fullName } } }
}"""
MIXES = {
    "prefecture": [(PREFECTURE, GOALS_PAGE)],
    "province": [(PROVINCE, GOALS_PAGE), (PROVINCE, REGION), (PROVINCE, POOLING), (PROVINCE, LIBRARY)],
}
MIXES["both"] = [MIXES["prefecture"][0], *MIXES["province"]]


@dataclass
class Cell:
    workers: int
    clients: int
    run: int
    requests: int
    seconds: float
    latencies: list[float]
    errors: int
    client_cpu: float  # share of one core
    rss: int
    per_worker: list[int]

    @property
    def rate(self) -> float:
        return self.requests / self.seconds

    def percentile(self, p: int) -> float:
        if len(self.latencies) < 2:
            return self.latencies[0] if self.latencies else float("nan")
        return statistics.quantiles(self.latencies, n=100, method="inclusive")[p - 1]


# --- the clients' process ----------------------------------------------------------------------------------


def http_request(port: int, token: str, query: str) -> bytes:
    body = json.dumps({"query": query}).encode()
    head = (
        f"POST /graphql HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


async def read_response(reader: asyncio.StreamReader) -> tuple[bool, bytes]:
    """(status 200, body) of one response (the app always sends Content-Length)."""
    head = await reader.readuntil(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    body = await reader.readexactly(length)
    return head.startswith(b"HTTP/1.1 200 "), body


async def one_client(
    port: int, requests: list[bytes], offset: int, window: tuple[float, float], latencies: list[float]
) -> int:
    """Sends requests back to back on one connection until the window ends; returns its errors."""
    start, stop = window
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    errors, index = 0, offset
    try:
        while time.perf_counter() < stop:
            sent = time.perf_counter()
            writer.write(requests[index % len(requests)])
            index += 1
            ok, body = await read_response(reader)
            done = time.perf_counter()
            if not ok or b'"errors"' in body:
                errors += 1
            elif start <= sent and done <= stop:
                latencies.append(done - sent)
    finally:
        writer.close()
    return errors


async def drive(
    port: int, requests: list[bytes], clients: int, warmup: float, duration: float
) -> dict[str, Any]:
    begin = time.perf_counter()
    window = (begin + warmup, begin + warmup + duration)
    latencies: list[float] = []
    cpu = time.process_time()
    errors = await asyncio.gather(*(one_client(port, requests, i, window, latencies) for i in range(clients)))
    # The clients' CPU as a share of one core over the cell.
    share = (time.process_time() - cpu) / (time.perf_counter() - begin)
    return {"latencies": latencies, "errors": sum(errors), "cpu": share}


def client_process(
    answer: Connection, port: int, requests: list[bytes], clients: int, warmup: float, duration: float
) -> None:
    loop_factory: Callable[[], asyncio.AbstractEventLoop] = asyncio.new_event_loop
    try:
        import uvloop

        loop_factory = uvloop.new_event_loop
    except ImportError:
        pass
    with asyncio.Runner(loop_factory=loop_factory) as runner:
        answer.send("started")  # imports done: the cell's clock starts now
        answer.send(runner.run(drive(port, requests, clients, warmup, duration)))


# --- the server --------------------------------------------------------------------------------------------


def server_pids(pid: int) -> list[int]:
    """The serve process and its descendants (workers, multiprocessing's resource tracker)."""
    pids, todo = [], [pid]
    while todo:
        current = todo.pop()
        pids.append(current)
        try:
            todo += [
                int(child) for child in Path(f"/proc/{current}/task/{current}/children").read_text().split()
            ]
        except OSError:
            continue
    return pids


def login(base: str, username: str) -> str:
    mutation = (
        f'mutation {{ login(username: "{username}", password: "{PASSWORD}") '
        "{ ... on LoginSuccess { accessToken } } }"
    )
    answer = httpx.post(f"{base}/graphql", json={"query": mutation}, timeout=60).json()
    return str(answer["data"]["login"]["accessToken"])


def wait_for_workers(pid: int, port: int, workers: int, timeout: float = 300) -> list[int]:
    """The worker processes once `workers` of them listen (one process: the serve process itself)."""
    if workers == 1:
        return [pid]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        listening = listening_pids(port, worker_pids(pid))
        if len(listening) == workers:
            return listening
        time.sleep(0.2)
    raise RuntimeError(f"{workers} workers did not all listen on {port} within {timeout:.0f} s")


def measure(args: argparse.Namespace, workdir: Path, workers: int, run: int) -> list[Cell]:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{workdir / 'load.db'}",
        "REDIS_URL": args.redis_url,
        "STORAGE_DIR": str(workdir / "storage"),
    }
    cells = []
    with (
        (workdir / f"serve-{run}-{workers}.log").open("w") as log,
        serve_process("--workers", str(workers), env=env, output=log, ready_timeout=600) as (base, server),
    ):
        port = int(base.rsplit(":", 1)[1])
        pids = wait_for_workers(server.pid, port, workers)
        tokens = {username: login(base, username) for username in (PREFECTURE, PROVINCE)}
        requests = [http_request(port, tokens[user], query) for user, query in MIXES[args.mix]]
        for clients in args.clients:
            ours, theirs = multiprocessing.get_context("spawn").Pipe()
            client = multiprocessing.get_context("spawn").Process(
                target=client_process, args=(theirs, port, requests, clients, args.warmup, args.duration)
            )
            client.start()
            ours.recv()
            time.sleep(args.warmup + args.duration / 2)
            spread = connections_per_worker(port, pids)
            rss = rss_bytes(server_pids(server.pid))
            result = ours.recv()
            client.join()
            rss = max(rss, rss_bytes(server_pids(server.pid)))
            cell = Cell(
                workers=workers,
                clients=clients,
                run=run,
                requests=len(result["latencies"]),
                seconds=args.duration,
                latencies=sorted(result["latencies"]),
                errors=result["errors"],
                client_cpu=result["cpu"],
                rss=rss,
                per_worker=sorted((spread[pid] for pid in pids), reverse=True),
            )
            print(row(cell), flush=True)
            cells.append(cell)
    return cells


# --- report ------------------------------------------------------------------------------------------------

HEADER = (
    "workers | clients | run |   req/s |    p50 ms |    p95 ms |    p99 ms | errors | server RSS "
    "| per worker | client CPU"
)


def row(cell: Cell) -> str:
    return (
        f"{cell.workers:7} | {cell.clients:7} | {cell.run:3} | {cell.rate:7.1f} | "
        f"{cell.percentile(50) * 1000:9.1f} | "
        f"{cell.percentile(95) * 1000:9.1f} | {cell.percentile(99) * 1000:9.1f} | {cell.errors:6} | "
        f"{cell.rss / 2**20:7.0f} MB | {'/'.join(map(str, cell.per_worker)):>10} | "
        f"{100 * cell.client_cpu:8.0f} %"
    )


def ratios(cells: Sequence[Cell], clients_counts: Sequence[int], runs: int) -> list[str]:
    rate = {(c.workers, c.clients, c.run): c.rate for c in cells}
    lines = ["clients | 2 workers / 1 worker per run | min   | median"]
    for clients in clients_counts:
        per_run = [rate[(2, clients, r)] / rate[(1, clients, r)] for r in range(1, runs + 1)]
        shown = " ".join(f"{ratio:.2f}×" for ratio in per_run)
        lines.append(f"{clients:7} | {shown:28} | {min(per_run):.2f}× | {statistics.median(per_run):.2f}×")
    return lines


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n\n")[0])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 10, 50])
    parser.add_argument("--duration", type=float, default=10, help="counted seconds per cell")
    parser.add_argument("--warmup", type=float, default=2, help="seconds per cell not counted")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--mix", choices=sorted(MIXES), default="both")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/12", help="the servers' REDIS_URL")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse_args(argv)
    cells: list[Cell] = []
    with tempfile.TemporaryDirectory(prefix="fundperf-load-") as tmp:
        print(
            f"{os.cpu_count()} CPUs; mix {args.mix}: {len(MIXES[args.mix])} queries; "
            f"{args.duration:g} s per cell"
        )
        print(HEADER, flush=True)
        for run in range(1, args.runs + 1):
            for workers in args.workers:
                cells += measure(args, Path(tmp), workers, run)
    if {1, 2} <= set(args.workers):
        print()
        print("\n".join(ratios(cells, args.clients, args.runs)))


if __name__ == "__main__":
    main()
