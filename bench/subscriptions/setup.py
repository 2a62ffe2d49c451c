"""One setup (server processes × selection): start, subscribe, produce, wait, measure."""

import argparse
import asyncio
import contextlib
import hashlib
import os
import sys
import time
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from redis.asyncio import Redis

from bench.subscriptions.clients import Clients, Subscriber, clients, collect
from bench.subscriptions.database import CHENGDU, PANZHIHUA, Population, database_state, outbox_after
from bench.subscriptions.load import Producer, match_events
from bench.subscriptions.processes import (
    CLK_TCK,
    Server,
    cpu_seconds,
    machine_jiffies,
    process_tree,
    profiling,
    redis_pids,
    servers,
    write_calls,
)
from src.events.relay import LOCK_NAME
from src.services.identity.tokens import issue_access_token

SELECTIONS = {
    # What a client shows: the region and fund by name (read through the DataLoaders).
    "related": "id kind kindLabel subjectType subjectId occurredAt payload"
    " region { code name } fundType { code name }",
    # Only what the event itself carries.
    "flat": "id kind subjectType subjectId occurredAt payload",
}
SUBSCRIPTION = "subscription($filter: StatusEventFilter) {{ statusChanged(filter: $filter) {{ {fields} }} }}"

# --- one setup ---------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    label: str
    connections: int
    seeing: int
    events: int
    failed_mutations: int
    deliveries: int
    lost: int
    unexpected: int
    from_response: list[float]
    from_request: list[float]
    mutation: list[float]
    # Per event: occurred_at → published_at in the outbox. With Redis the relay marks before the next event,
    # so this is its part; without, marks are gathered for relay.MARK_DELAY_SECONDS and this shows that.
    relay: list[float]
    window: float
    server_cpus: list[float]  # each server process's
    server_writes: int  # write system calls of the servers (a connection's message or messages: one each)
    redis_cpu: float
    client_cpus: list[float]  # each client process's: one near 100 % would make it the bottleneck
    machine_busy: float  # fraction of all CPUs
    others_cpu: float  # CPU seconds of every other process on the machine (not servers, clients, Redis, us)
    retries: int  # mutation attempts answered DATABASE_BUSY
    drained: bool  # every expected delivery arrived before --drain ran out
    achieved_rate: float
    pool_waits: int
    problems: list[str]
    log_errors: list[str]

    @property
    def client_cpu(self) -> float:
        return sum(self.client_cpus)

    @property
    def server_cpu(self) -> float:
        return sum(self.server_cpus)


def subscribers_for(
    population: Population, base_urls: list[str], connections: int, secret_key: str, shared: bool
) -> list[Subscriber]:
    """80 % province, 10 % 成都 (filtered to 成都), 5 % 攀枝花 without a filter, 5 % with 攀枝花's."""
    if connections == 0:
        return []
    chengdu = max(1, connections // 10)
    panzhihua = max(1, connections // 20)
    plan: list[tuple[str, str | None, bool]] = [("chengdu", CHENGDU, True)] * chengdu
    plan += [("panzhihua", None, False)] * panzhihua + [("panzhihua_filtered", PANZHIHUA, False)] * panzhihua
    plan = [("province", None, True)] * (connections - len(plan)) + plan
    now, counts = datetime.now(UTC), defaultdict[str, int](int)
    result = []
    for i, (group, region_filter, sees) in enumerate(plan):
        users = population.users[group]
        user = users[counts[group] % len(users)]
        counts[group] += 1
        # A token of its own (a browser's session): the same user, another second of issue.
        issued = now if shared else now - timedelta(seconds=i)
        token = issue_access_token(user, secret_key=secret_key, now=issued, ttl=timedelta(hours=2))
        result.append(Subscriber(i, base_urls[i % len(base_urls)], token, group, region_filter, sees))
    return result


def client_cpus(running: Clients) -> list[float]:
    return [cpu_seconds([pid]) for pid in running.pids()]


async def wait_for(started: Clients, expected: int, seconds: float, servers: list[Server]) -> bool:
    """Whether the clients received `expected` messages within `seconds`; fails if a server stops."""
    deadline = time.monotonic() + seconds
    while started.received() < expected:
        if time.monotonic() > deadline:
            return False
        if stopped := [s for s in servers if s.process.poll() is not None]:
            raise RuntimeError(
                f"a server stopped (exit code {stopped[0].process.returncode}): {stopped[0].log}"
            )
        await asyncio.sleep(0.02)
    return True


async def run_setup(
    args: argparse.Namespace,
    population: Population,
    work: Path,
    processes: int,
    selection: str,
    connections: int,
) -> Outcome:
    label = f"{processes} process{'es' if processes > 1 else ''}" + (" + Redis" if processes > 1 else "")
    label += f", {selection}" if connections else ", no subscribers"
    if processes > 1 and args.mutations_via == "all":
        label += ", mutations to both"
    secret_key = args.secret_key
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env |= {
        "DATABASE_URL": population.url,
        "SECRET_KEY": secret_key,
        "GRAPHIQL": "false",
        "STORAGE_DIR": str(work / "storage"),
        "PYTHONUNBUFFERED": "1",
        # No deadline watch: its overdue notices on the demo data (a hundred events at once) would land in
        # the measured window, among the bench's own events.
        "DEADLINE_CHECK_MINUTES": "0",
    }
    if processes > 1:
        env["REDIS_URL"] = args.redis_url
        async with Redis.from_url(args.redis_url) as redis:
            await redis.delete(LOCK_NAME)  # a lock left by an interrupted run
    profile = Path(args.profile) if args.profile else None
    tag = f"{processes}-{selection if connections else 'none'}"
    with servers(processes, env=env, work=work, profile=profile, label=tag) as started:
        base_urls = [s.base_url for s in started]
        subscribers = subscribers_for(population, base_urls, connections, secret_key, args.shared_tokens)
        seeing = sum(s.sees for s in subscribers)
        query = SUBSCRIPTION.format(fields=SELECTIONS[selection])
        tax = issue_access_token(population.tax_user, secret_key=secret_key, ttl=timedelta(hours=2))
        trees = [process_tree(s.process.pid) for s in started]
        server_pids = [pid for tree in trees for pid in tree]
        print(f"[{label}] connecting {len(subscribers)} clients …", file=sys.stderr, flush=True)
        with clients(subscribers, query, args.client_processes) as running:
            async with contextlib.AsyncExitStack() as stack:
                https = [
                    await stack.enter_async_context(
                        httpx.AsyncClient(
                            base_url=url,
                            headers={"Authorization": f"Bearer {tax}"},
                            timeout=60,
                            limits=httpx.Limits(max_connections=50, max_keepalive_connections=50),
                        )
                    )
                    for url in (base_urls if args.mutations_via == "all" else base_urls[:1])
                ]
                first_id, versions = await database_state(population.url, population.goals)
                producer = Producer(https, versions, args.burst, args.rate)
                # Warm-up: every subscription is live once every seeing connection has had these.
                warm = args.burst  # one burst: at 500 connections a second's worth takes long to deliver
                await asyncio.sleep(0.5)
                failed = [s.error for s in await producer.run(warm, measured=False) if s.error]
                if failed:
                    raise RuntimeError(f"warm-up: {len(failed)} mutations failed, the first: {failed[0]}")
                if not await wait_for(running, warm * seeing, args.drain, started):
                    raise RuntimeError(
                        f"warm-up: {running.received()} of {warm * seeing} deliveries after {args.drain:g} s"
                        f" (see {started[0].log})"
                    )
                await asyncio.sleep(0.5)
                print(f"[{label}] measuring {args.seconds} s …", file=sys.stderr, flush=True)
                pids_redis = redis_pids() if processes > 1 else []
                ours = [*server_pids, *pids_redis, *running.pids(), os.getpid()]
                if profile is not None:
                    profiling(started, on=True)
                cpu0 = [cpu_seconds(t) for t in trees], cpu_seconds(pids_redis), client_cpus(running)
                writes0 = write_calls(server_pids)
                busy0, total0, ours0 = *machine_jiffies(), cpu_seconds(ours)
                t0 = time.monotonic()
                events = round(args.rate * args.seconds)
                batch = await producer.run(events, measured=True)
                ok = sum(s.error is None for s in batch)
                drained = await wait_for(running, (warm + ok) * seeing, args.drain, started)
                t1 = time.monotonic()
                cpu1 = [cpu_seconds(t) for t in trees], cpu_seconds(pids_redis), client_cpus(running)
                writes1 = write_calls(server_pids)
                if profile is not None:
                    profiling(started, on=False)
                busy1, total1, ours1 = *machine_jiffies(), cpu_seconds(ours)
            received = collect(running)
    problems = [] if drained else [f"not every delivery arrived within {args.drain:g} s of the last event"]
    problems += [f"failed mutation: {s.error}" for s in batch if s.error is not None][:5]
    outbox = await outbox_after(population.url, first_id)
    problems += match_events(producer.sent, outbox)
    problems += received.errors[:10]

    seers = [s.index for s in subscribers if s.sees]
    from_response, from_request, lost = [], [], 0
    by_connection = {i: {row[0]: row[3] for row in received.received.get(i, [])} for i in seers}
    for s in batch:
        if s.event_id is None:
            continue
        for i in seers:
            at = by_connection[i].get(s.event_id)
            if at is None:
                lost += 1
            else:
                from_response.append(at - s.end)
                from_request.append(at - s.start)
    unexpected = sum(len(received.received.get(s.index, [])) for s in subscribers if not s.sees)
    measured = [s for s in batch if s.event_id is not None]
    measured_ids = {s.event_id for s in measured}
    starts = sorted(s.fired for s in batch)
    return Outcome(
        label=label,
        connections=len(subscribers),
        seeing=seeing,
        events=len(measured),
        failed_mutations=len(batch) - ok,
        deliveries=len(from_response),
        lost=lost,
        unexpected=unexpected,
        from_response=from_response,
        from_request=from_request,
        mutation=[s.end - s.start for s in batch if s.error is None],
        relay=[delay for event_id, *_, delay in outbox if event_id in measured_ids and delay is not None],
        window=t1 - t0,
        server_cpus=[after - before for before, after in zip(cpu0[0], cpu1[0], strict=True)],
        server_writes=writes1 - writes0,
        redis_cpu=cpu1[1] - cpu0[1],
        client_cpus=[after - before for before, after in zip(cpu0[2], cpu1[2], strict=True)],
        machine_busy=(busy1 - busy0) / max(1, total1 - total0),
        others_cpu=(busy1 - busy0) / CLK_TCK - (ours1 - ours0),
        retries=sum(s.retries for s in batch),
        drained=drained,
        achieved_rate=(len(starts) - 1) / (starts[-1] - starts[0]) if len(starts) > 1 else 0.0,
        pool_waits=sum(s.waited > 0.001 for s in batch),
        problems=problems,
        log_errors=[note for server in started if (note := log_errors(server.log))],
    )


def log_errors(log: Path) -> str | None:
    """What a server logged at ERROR level (a note for the report, not a failure of the run)."""
    lines = [line for line in log.read_text(errors="replace").splitlines() if line.startswith("ERROR")]
    if not lines:
        return None
    return f"{log.name}: {len(lines)} ERROR lines, e.g. {lines[0][:200]}"


def source_fingerprint() -> str:
    """Which code was measured (the tree changes under a benchmark; git is not ours to run): a hash of
    every src/**/*.py and the time of the newest."""
    files = sorted(Path(__file__).resolve().parents[2].glob("src/**/*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    newest = datetime.fromtimestamp(max(p.stat().st_mtime for p in files), UTC)
    return f"src sha256 {digest.hexdigest()[:12]}, newest file {newest:%Y-%m-%d %H:%M} UTC"
