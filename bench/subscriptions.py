"""Subscription benchmark (issue 10): time from a mutation's commit to receipt at every subscribed client,
and server CPU per event delivered, with 1 server process and with 2 server processes sharing Redis.

    uv run python -m bench.subscriptions [--connections 500] [--rate 20] [--seconds 20]
                                         [--redis-url redis://127.0.0.1:6379/11] [--burst 2]
                                         [--processes 1 2] [--selection related flat]
                                         [--client-processes 2] [--mutations-via first|all]
                                         [--shared-tokens] [--no-baseline] [--drain 120] [--profile DIR]

A temporary SQLite database gets the reference and demo data, a few users of the province's finance
department (510000: sees every event), of 成都市's finance (510100: sees these events; subscribes with
`regionCode: "510100"`) and of 攀枝花市's finance (510300: may see none of them; half subscribe without a
filter, so the hub's visibility check rejects the events, half with `regionCode: "510300"`, so the filter
does), a TAX user of 510100 and a pool of DRAFT goals of 510100.

Each setup starts its servers as separate OS processes (`python -m src.cli serve --no-demo --workers 1`,
GRAPHIQL off; with 2 processes REDIS_URL is set and the connections are split evenly between them), then
--client-processes load-generator processes open --connections graphql-transport-ws connections
(`websockets`, no compression; 80 % province, 10 % 成都, 10 % 攀枝花; each with its own access token unless
--shared-tokens) and subscribe to `statusChanged`, selecting either the region and fund by name
(`related`) or only the event's own fields (`flat`). A first run without subscribers measures what the
mutations alone cost the server (--no-baseline skips it).

Events: goalTaxConcur and goalTaxObject alternately, over HTTP to the first server (--mutations-via all:
to each in turn), on the pool's goals in turn, --rate a second in bursts of --burst sent at once (open
loop: a burst does not wait for the previous one; DATABASE_BUSY is retried, as a client is told to).
After a warm-up burst that every connection must receive, --seconds are measured. Each mutation's event
id is read back from the outbox afterwards (per goal, its mutations in order are its events in id order),
so every (event, client) delivery is matched by id. Latency = the client's receive time (when the message's
bytes reached the client process, StampedConnection; not when that process's loop got to it) − the arrival of
the mutation's HTTP response (the commit is before it), and − the start of the request that succeeded;
all clocks are this machine's CLOCK_MONOTONIC. Percentiles are over every delivery owed, a lost one
counting as never. CPU is utime+stime from /proc/<pid>/stat over the measured window (from just before
the first measured event until every delivery arrived or --drain ran out): per server process, per event
produced and per delivery (in brackets: less the mutations' own CPU per event from the run without
subscribers); "other processes" is what the rest of the machine used meanwhile (a shared machine).
"""

import argparse
import asyncio
import contextlib
import hashlib
import json
import math
import multiprocessing
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as ProcessEvent
from pathlib import Path
from typing import IO, Any

import httpx
import uvloop
import websockets
from redis.asyncio import Redis
from sqlalchemy import func
from sqlmodel import col, select
from websockets.typing import Subprotocol

from src import migrate
from src.db import create_engine, create_sessionmaker
from src.events.relay import LOCK_NAME
from src.models import Event, Goal, Organization, Region, User
from src.models.enums import ActorType, GoalStatus
from src.models.event import EventKind
from src.seed.demo import load_demo_data
from src.seed.reference import load_reference_data
from src.services.identity.tokens import issue_access_token
from tests.factories import make_goal
from tests.support.process import free_port
from tests.support.server import websocket_url

PROVINCE, CHENGDU, PANZHIHUA = "510000", "510100", "510300"
GOAL_YEAR = 2100  # the pool's goals are of 2100, 2101, …: never a demo goal's year
SELECTIONS = {
    # What a client shows: the region and fund by name (read through the DataLoaders).
    "related": "id kind kindLabel subjectType subjectId occurredAt payload"
    " region { code name } fundType { code name }",
    # Only what the event itself carries.
    "flat": "id kind subjectType subjectId occurredAt payload",
}
SUBSCRIPTION = "subscription($filter: StatusEventFilter) {{ statusChanged(filter: $filter) {{ {fields} }} }}"
RESULT = (
    "__typename ... on GoalSuccess { goal { rowVersion contentRevision } } ... on UserError { code message }"
)
MUTATION = "mutation($input: {type}Input!) {{ result: {field}(input: $input) {{ {result} }} }}"
MUTATIONS = {
    "CONCUR": MUTATION.format(type="GoalTaxConcur", field="goalTaxConcur", result=RESULT),
    "OBJECT": MUTATION.format(type="GoalTaxObject", field="goalTaxObject", result=RESULT),
}
RETRIES = 5  # of a mutation answered DATABASE_BUSY
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- the database -------------------------------------------------------------------------------------


@dataclass
class Population:
    url: str
    users: dict[str, list[int]]  # group → user ids
    tax_user: int
    goals: list[int]


async def _user(session: Any, actor_type: ActorType, region_code: str, username: str) -> int:
    """A new user of the organization (actor type × region, no administration), made if missing."""
    region = (await session.exec(select(Region).where(Region.code == region_code))).one()
    org = (
        await session.exec(
            select(Organization).where(
                Organization.actor_type == actor_type,
                Organization.region_id == region.id,
                col(Organization.administration).is_(None),
            )
        )
    ).first()
    if org is None:
        org = Organization(
            name=f"{region.name}{actor_type.value}", actor_type=actor_type, region_id=region.id
        )
        session.add(org)
        await session.flush()
    user = User(username=username, full_name="基准测试", organization_id=org.id or 0)
    session.add(user)
    await session.flush()
    return user.id or 0


async def prepare(work: Path, *, goals: int, users_per_group: int) -> Population:
    url = f"sqlite+aiosqlite:///{work / 'bench.db'}"
    engine = create_engine(url)
    try:
        await migrate.upgrade(engine)
        sessionmaker = create_sessionmaker(engine)
        async with sessionmaker() as session:
            await load_reference_data(session=session)
            await session.commit()
        async with sessionmaker() as session:
            await load_demo_data(session=session)
            await session.commit()
        async with sessionmaker() as session:
            groups = {"province": (PROVINCE, users_per_group), "chengdu": (CHENGDU, 2)}
            groups |= {"panzhihua": (PANZHIHUA, 2), "panzhihua_filtered": (PANZHIHUA, 2)}
            users = {
                group: [
                    await _user(session, ActorType.FINANCE, code, f"bench_{group}_{i}") for i in range(count)
                ]
                for group, (code, count) in groups.items()
            }
            tax_user = await _user(session, ActorType.TAX, CHENGDU, "bench_tax_510100")
            goal_ids = []
            for i in range(goals):
                goal = await make_goal(
                    session, region_code=CHENGDU, year=GOAL_YEAR + i, status=GoalStatus.DRAFT
                )
                goal_ids.append(goal.id or 0)
            await session.commit()
    finally:
        await engine.dispose()
    return Population(url=url, users=users, tax_user=tax_user, goals=goal_ids)


OutboxRow = tuple[int, int, str, float | None]


async def outbox_after(url: str, after: int) -> list[OutboxRow]:
    """(id, subject id, verdict, seconds from occurred_at to published_at) of the tax-opinion events
    after id `after`, in id order. published_at is set when the relay marks the event, after publishing."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (
                await session.exec(
                    select(Event)
                    .where(col(Event.id) > after, Event.kind == EventKind.GOAL_TAX_OPINION)
                    .order_by(col(Event.id))
                )
            ).all()
            return [
                (
                    row.id or 0,
                    row.subject_id,
                    str((row.payload or {}).get("verdict")),
                    (
                        row.published_at.replace(tzinfo=None) - row.occurred_at.replace(tzinfo=None)
                    ).total_seconds()
                    if row.published_at is not None
                    else None,
                )
                for row in rows
            ]
    finally:
        await engine.dispose()


async def database_state(url: str, goal_ids: list[int]) -> tuple[int, dict[int, int]]:
    """The latest event id, and each goal's row version (an earlier setup changed them)."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            latest = (await session.exec(select(func.max(Event.id)))).one() or 0
            rows = await session.exec(select(Goal.id, Goal.row_version).where(col(Goal.id).in_(goal_ids)))
            versions = {goal_id or 0: version for goal_id, version in rows.all()}
            return latest, {goal_id: versions[goal_id] for goal_id in goal_ids}
    finally:
        await engine.dispose()


# --- server processes and CPU ---------------------------------------------------------------------------


@dataclass
class Server:
    base_url: str
    process: "subprocess.Popen[bytes]"
    log: Path


@contextlib.contextmanager
def servers(
    count: int, *, env: dict[str, str], work: Path, profile: Path | None, label: str
) -> Iterator[list[Server]]:
    """`count` `fundperf serve --workers 1` processes on free ports, ready (/healthz) when yielded; stopped
    (SIGTERM, then SIGKILL) on leaving, whatever happens. Started one after the other: each migrates and
    loads the reference data on start, which two at once on one SQLite file would only make slower."""
    started: list[Server] = []
    logs: list[IO[bytes]] = []
    try:
        for n in range(count):
            port = free_port()
            log_path = work / f"server-{label}-{n}.log"
            log: IO[bytes] = log_path.open("wb")
            logs.append(log)
            command = [sys.executable]
            if profile is not None:
                out = profile / f"server-{label}-{n}.pyisession"
                command += ["-m", "pyinstrument", "--renderer", "session", "-o", str(out)]
            command += ["-m", "src.cli", "serve", "--no-demo", "--workers", "1", "--port", str(port)]
            process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            started.append(Server(f"http://127.0.0.1:{port}", process, log_path))
            deadline = time.monotonic() + 120
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"server exited while starting:\n{log_path.read_text()[-3000:]}")
                with contextlib.suppress(httpx.TransportError):
                    if httpx.get(f"{started[-1].base_url}/healthz", timeout=1).status_code == 200:
                        break
                if time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start:\n{log_path.read_text()[-3000:]}")
                time.sleep(0.1)
        yield started
    finally:
        # uvicorn re-raises the signal once shut down; a profiler writes its report on SIGINT's
        # KeyboardInterrupt, not when SIGTERM ends the process.
        stop = signal.SIGINT if profile is not None else signal.SIGTERM
        for server in started:
            if server.process.poll() is None:
                server.process.send_signal(stop)
        for server in started:
            try:
                server.process.wait(timeout=30)
            except BaseException:  # too slow, or a second Ctrl-C: none is left running either way
                server.process.kill()
                server.process.wait()
        for log in logs:
            log.close()


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2 :].split()  # fields from the 3rd (state) on


def process_tree(pid: int) -> list[int]:
    """`pid` and its descendants (a uvicorn with --workers > 1 would have children)."""
    parents: dict[int, list[int]] = defaultdict(list)
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (fields := _stat(int(entry.name))) is not None:
            parents[int(fields[1])].append(int(entry.name))
    tree, todo = [], [pid]
    while todo:
        current = todo.pop()
        tree.append(current)
        todo.extend(parents.get(current, []))
    return tree


def cpu_seconds(pids: Sequence[int]) -> float:
    """utime + stime of the processes (every thread), in seconds."""
    total = 0
    for pid in pids:
        if (fields := _stat(pid)) is not None:
            total += int(fields[11]) + int(fields[12])  # utime, stime: fields 14 and 15 of stat
    return total / CLK_TCK


def machine_jiffies() -> tuple[int, int]:
    """(busy, total) jiffies of every CPU together, from /proc/stat."""
    values = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return sum(values[:8]) - idle, sum(values[:8])


def redis_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError):
                if (entry / "comm").read_text().strip() == "redis-server":
                    pids.append(int(entry.name))
    return pids


# --- the load generator's clients (separate processes) ----------------------------------------------


@dataclass(frozen=True)
class Subscriber:
    index: int
    base_url: str
    token: str
    group: str
    region_filter: str | None
    sees: bool  # may read the 成都 drafts, so receives every event


class StampedConnection(websockets.ClientConnection):
    """Notes when bytes last reached this process. A message's receive time is taken from it, not from when
    this process's event loop got round to the message: one client process holds hundreds of connections,
    and its own queue (tens of µs a message in Python) is not the server's latency. The stamp read with a
    message is of its bytes' arrival or later (more may have arrived meanwhile): never early."""

    arrived = 0.0

    def data_received(self, data: bytes) -> None:
        self.arrived = time.monotonic()
        super().data_received(data)


@dataclass
class ClientResult:
    # Per connection: (event id, subject id, verdict, receive time) of each event received.
    received: dict[int, list[tuple[int, int, str, float]]]
    errors: list[str]


def client_process(
    subscribers: list[Subscriber],
    query: str,
    ready: ProcessEvent,
    stop: ProcessEvent,
    counter: "Synchronized[int]",
    results: Connection,
) -> None:
    """One load-generator process: opens its connections, subscribes, records what arrives (raw, with its
    receive time; parsed only after the run), and sends the parsed records back when told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C and stops us
    with asyncio.Runner(loop_factory=uvloop.new_event_loop) as runner:
        result = runner.run(_clients(subscribers, query, ready, stop, counter))
    results.send(result)
    results.close()


async def _clients(
    subscribers: list[Subscriber],
    query: str,
    ready: ProcessEvent,
    stop: ProcessEvent,
    counter: "Synchronized[int]",
) -> ClientResult:
    raw: dict[int, list[tuple[float, str | bytes]]] = {s.index: [] for s in subscribers}
    errors: list[str] = []
    received = [0]
    opening = asyncio.Semaphore(50)

    async def open_one(s: Subscriber) -> StampedConnection:
        async with opening:
            ws = await websockets.connect(
                websocket_url(s.base_url),
                subprotocols=[Subprotocol("graphql-transport-ws")],
                compression=None,
                open_timeout=60,
                create_connection=StampedConnection,
                max_queue=None,  # never stop reading from the socket: the reader below keeps up
            )
            credentials = {"Authorization": f"Bearer {s.token}"}
            await ws.send(json.dumps({"type": "connection_init", "payload": credentials}))
            ack = json.loads(await ws.recv())
            if ack.get("type") != "connection_ack":
                raise RuntimeError(f"connection {s.index}: {ack}")
            variables = {"filter": {"regionCode": s.region_filter}} if s.region_filter else {}
            operation = {"query": query, "variables": variables}
            await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": operation}))
            assert isinstance(ws, StampedConnection)
            return ws

    async def read(s: Subscriber, ws: StampedConnection) -> None:
        stamps = raw[s.index]
        try:
            async for message in ws:
                stamps.append((ws.arrived, message))
                received[0] += 1
                if isinstance(message, str) and '"type":"ping"' in message:
                    await ws.send('{"type":"pong"}')
        except websockets.ConnectionClosed as exc:
            if not stop.is_set():
                errors.append(f"connection {s.index} closed: {exc}")

    connections = await asyncio.gather(*(open_one(s) for s in subscribers))
    readers = [asyncio.create_task(read(s, ws)) for s, ws in zip(subscribers, connections, strict=True)]
    ready.set()
    parent = os.getppid()
    while not stop.is_set() and os.getppid() == parent:  # a parent killed outright leaves no one to stop us
        counter.value = received[0]
        await asyncio.sleep(0.05)
    counter.value = received[0]
    await asyncio.gather(*(ws.close() for ws in connections), return_exceptions=True)
    await asyncio.gather(*readers, return_exceptions=True)

    parsed: dict[int, list[tuple[int, int, str, float]]] = {}
    for index, stamps in raw.items():
        rows = parsed[index] = []
        for at, text in stamps:
            message = json.loads(text)
            kind = message.get("type")
            if kind in ("ping", "pong"):
                continue
            payload = message.get("payload") or {}
            event = (payload.get("data") or {}).get("statusChanged") if kind == "next" else None
            if event is None or payload.get("errors"):
                errors.append(f"connection {index}: {str(message)[:300]}")
                continue
            rows.append((int(event["id"]), int(event["subjectId"]), str(event["payload"]["verdict"]), at))
    return ClientResult(parsed, errors)


@dataclass
class Clients:
    processes: list[Any]  # multiprocessing's spawn processes
    stop: ProcessEvent
    counters: list["Synchronized[int]"]
    pipes: list[Connection]
    collected: bool = False

    def received(self) -> int:
        return sum(c.value for c in self.counters)

    def pids(self) -> list[int]:
        return [p.pid for p in self.processes if p.pid is not None]


@contextlib.contextmanager
def clients(subscribers: list[Subscriber], query: str, processes: int) -> Iterator[Clients]:
    """The subscribers split over `processes` load-generator processes; all subscribed when yielded."""
    context = multiprocessing.get_context("spawn")
    stop = context.Event()
    started = Clients([], stop, [], [])
    readies = []
    try:
        for n in range(processes):
            ready = context.Event()
            counter = context.Value("q", 0, lock=False)
            receiving, sending = context.Pipe(duplex=False)
            process = context.Process(
                target=client_process,
                args=(subscribers[n::processes], query, ready, stop, counter, sending),
                name=f"bench-clients-{n}",
                daemon=True,  # never outlives this process
            )
            process.start()
            sending.close()
            started.processes.append(process)
            started.counters.append(counter)
            started.pipes.append(receiving)
            readies.append(ready)
        deadline = time.monotonic() + 120
        for ready, process in zip(readies, started.processes, strict=True):
            while not ready.wait(0.2):
                if not process.is_alive():
                    raise RuntimeError(f"{process.name} exited while connecting ({process.exitcode})")
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{process.name} did not connect within 120 s")
        yield started
    finally:
        stop.set()
        for process in started.processes:
            try:
                # Once collected they end by themselves; otherwise they would wait on their pipe.
                process.join(timeout=10 if started.collected else 0)
            finally:
                if process.is_alive():
                    process.terminate()
                    process.join()


def collect(started: Clients) -> ClientResult:
    """Stops the clients and gathers what they received."""
    started.stop.set()
    merged = ClientResult({}, [])
    for pipe, process in zip(started.pipes, started.processes, strict=True):
        if not pipe.poll(60):
            raise RuntimeError(f"{process.name} sent no results (exit code {process.exitcode})")
        part: ClientResult = pipe.recv()
        merged.received.update(part.received)
        merged.errors.extend(part.errors)
    started.collected = True
    return merged


# --- the producer ----------------------------------------------------------------------------------------


@dataclass
class GoalState:
    id: int
    row_version: int = 1
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class Sent:
    goal_id: int
    verdict: str
    measured: bool
    fired: float = 0.0  # when the schedule sent it
    start: float = 0.0
    end: float = 0.0
    waited: float = 0.0  # for the goal's previous mutation (the pool came round too soon)
    error: str | None = None
    event_id: int | None = None
    retries: int = 0  # attempts answered DATABASE_BUSY


async def mutate(http: httpx.AsyncClient, goal: GoalState, sent: Sent) -> None:
    """One tax opinion on the goal; DATABASE_BUSY (SQLite: another writer won the race) is retried, as a
    client is told to. `start` is the start of the attempt that succeeded: its commit is between the two."""
    queued = time.monotonic()
    async with goal.lock:
        sent.waited = time.monotonic() - queued
        value = {"id": str(goal.id), "rowVersion": goal.row_version}
        value |= {"opinion": "基准测试"} if sent.verdict == "CONCUR" else {"reason": "基准测试：不同意"}
        request = {"query": MUTATIONS[sent.verdict], "variables": {"input": value}}
        for attempt in range(RETRIES + 1):
            sent.start = time.monotonic()
            try:
                body = (await http.post("/graphql", json=request)).json()
            except (httpx.HTTPError, ValueError) as exc:
                sent.end, sent.error = time.monotonic(), repr(exc)
                return
            sent.end = time.monotonic()
            result = (body.get("data") or {}).get("result") or {}
            if result.get("__typename") == "GoalSuccess":
                goal.row_version, sent.error = result["goal"]["rowVersion"], None
                return
            sent.error = json.dumps(body, ensure_ascii=False)[:300]
            if result.get("code") != "DATABASE_BUSY" or attempt == RETRIES:
                return
            sent.retries += 1
            await asyncio.sleep(0.005 * 2**attempt)


class Producer:
    def __init__(
        self, https: list[httpx.AsyncClient], goals: dict[int, int], burst: int, rate: float
    ) -> None:
        self.https = https  # the mutations go to these servers in turn
        self.goals = [GoalState(goal_id, version) for goal_id, version in goals.items()]
        self.burst = burst
        self.rate = rate
        self.sent: list[Sent] = []

    async def run(self, events: int, *, measured: bool) -> list[Sent]:
        """`events` mutations, `burst` at a time every burst/rate seconds, on an absolute schedule."""
        interval = self.burst / self.rate
        begin = time.monotonic() + 0.01
        tasks, batch = [], []
        for slot in range(math.ceil(events / self.burst)):
            await asyncio.sleep(max(0.0, begin + slot * interval - time.monotonic()))
            for _ in range(min(self.burst, events - slot * self.burst)):
                n = len(self.sent)
                sent = Sent(self.goals[n % len(self.goals)].id, ("CONCUR", "OBJECT")[n % 2], measured)
                sent.fired = time.monotonic()
                self.sent.append(sent)
                batch.append(sent)
                http, goal = self.https[n % len(self.https)], self.goals[n % len(self.goals)]
                tasks.append(asyncio.create_task(mutate(http, goal, sent)))
        await asyncio.gather(*tasks)
        return batch


def match_events(sent: list[Sent], outbox: list[OutboxRow]) -> list[str]:
    """Gives each successful mutation its event id: per goal, its mutations (one at a time, in order) are
    its events in id order. The problems found (there should be none)."""
    by_goal: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for event_id, subject_id, verdict, _ in outbox:
        by_goal[subject_id].append((event_id, verdict))
    problems = []
    done: dict[int, int] = defaultdict(int)
    for s in sorted((s for s in sent if s.error is None), key=lambda s: s.start):
        events = by_goal.get(s.goal_id, [])
        k = done[s.goal_id]
        done[s.goal_id] += 1
        if k >= len(events):
            problems.append(f"goal {s.goal_id}: mutation {k} has no event in the outbox")
            continue
        event_id, verdict = events[k]
        if verdict != s.verdict:
            problems.append(f"goal {s.goal_id}: event {event_id} is {verdict}, the mutation was {s.verdict}")
        s.event_id = event_id
    for goal_id, events in by_goal.items():
        if len(events) > done[goal_id]:
            problems.append(f"goal {goal_id}: {len(events) - done[goal_id]} events without a mutation")
    return problems


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
    relay: list[float]  # per event: occurred_at → published_at in the outbox (the relay's part)
    window: float
    server_cpus: list[float]  # each server process's
    redis_cpu: float
    client_cpu: float
    machine_busy: float  # fraction of all CPUs
    others_cpu: float  # CPU seconds of every other process on the machine (not servers, clients, Redis, us)
    retries: int  # mutation attempts answered DATABASE_BUSY
    drained: bool  # every expected delivery arrived before --drain ran out
    achieved_rate: float
    pool_waits: int
    problems: list[str]
    log_errors: list[str]

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
                cpu0 = [cpu_seconds(t) for t in trees], cpu_seconds(pids_redis), cpu_seconds(running.pids())
                busy0, total0, ours0 = *machine_jiffies(), cpu_seconds(ours)
                t0 = time.monotonic()
                events = round(args.rate * args.seconds)
                batch = await producer.run(events, measured=True)
                ok = sum(s.error is None for s in batch)
                drained = await wait_for(running, (warm + ok) * seeing, args.drain, started)
                t1 = time.monotonic()
                cpu1 = [cpu_seconds(t) for t in trees], cpu_seconds(pids_redis), cpu_seconds(running.pids())
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
        redis_cpu=cpu1[1] - cpu0[1],
        client_cpu=cpu1[2] - cpu0[2],
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
    files = sorted(Path(__file__).resolve().parent.parent.glob("src/**/*.py"))
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.as_posix().encode() + b"\0" + path.read_bytes())
    newest = datetime.fromtimestamp(max(p.stat().st_mtime for p in files), UTC)
    return f"src sha256 {digest.hexdigest()[:12]}, newest file {newest:%Y-%m-%d %H:%M} UTC"


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
        f" | {per_event * 1000:.1f} ms | {per_delivery}"
        f" | {' + '.join(f'{c / o.window * 100:.0f} %' for c in o.server_cpus)}"
        f" | {o.redis_cpu / o.window * 100:.1f} %"
        f" | {o.client_cpu / o.window * 100:.0f} % | {max(0.0, o.others_cpu) / o.window * 100:.0f} %"
        f" | {o.machine_busy * 100:.0f} % |"
    )


HEADER = (
    "| setup | connections (receiving) | events (rate) | deliveries | lost"
    " | median commit→client | p99 commit→client | median request→client | p99 request→client"
    " | max commit→client | mutation median (BUSY retries) | outbox→published median / p99"
    " | server CPU / event | server CPU / delivery (net of mutations) | servers CPU | Redis CPU | clients CPU"
    " | other processes CPU | machine busy |\n"
    "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
)


async def main(args: argparse.Namespace) -> int:
    work = Path(tempfile.mkdtemp(prefix="fundperf-bench-subs-"))
    pool = args.goals or max(40, round(args.rate * 20))  # a goal comes round again after ≥ 20 s
    print(f"building the database in {work} …", file=sys.stderr, flush=True)
    population = await prepare(work, goals=pool, users_per_group=args.users)
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
        f"# {platform.machine()} Python {platform.python_version()}, {os.cpu_count()} CPUs; SQLite;"
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
    failed = any(o.lost or o.unexpected or o.problems for o in outcomes)
    if failed or args.profile:
        print(f"server logs in {work}", file=sys.stderr)
    else:
        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


def run() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--connections", type=int, default=500)
    parser.add_argument("--rate", type=float, default=20.0, help="events a second")
    parser.add_argument("--burst", type=int, default=2, help="events sent at once")
    parser.add_argument("--seconds", type=float, default=20.0, help="measured seconds")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/11")
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
    parser.add_argument("--profile", help="run the servers under pyinstrument; its reports go to this folder")
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
