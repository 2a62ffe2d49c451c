"""The load generator's clients: processes holding the subscribed connections, recording what arrives."""

import asyncio
import contextlib
import json
import multiprocessing
import os
import signal
import time
from collections.abc import Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection
from multiprocessing.sharedctypes import Synchronized
from multiprocessing.synchronize import Event as ProcessEvent
from typing import Any

import uvloop
import websockets
from websockets.typing import Subprotocol

from tests.support.server import websocket_url

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
    os.setpgrp()  # a process group of its own, apart from the servers' (the parent still stops us)
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
            verdict = (event.get("payload") or {}).get("verdict")
            if verdict is None:  # not one of the bench's tax opinions: reported, not a crash of the client
                errors.append(f"connection {index}: an event without a verdict: {str(event)[:300]}")
                continue
            rows.append((int(event["id"]), int(event["subjectId"]), str(verdict), at))
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
