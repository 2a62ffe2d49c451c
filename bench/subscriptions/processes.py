"""The server processes under test, and the CPU they and the rest of the machine used."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import httpx

from tests.support.process import free_port

CLK_TCK = os.sysconf("SC_CLK_TCK")


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
                out = profile / f"server-{label}-{n}.prof"
                command += ["-m", "bench.subscriptions.profiled", str(out)]
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
        for server in started:
            if server.process.poll() is None:
                server.process.send_signal(signal.SIGTERM)
        for server in started:
            try:
                server.process.wait(timeout=30)
            except BaseException:  # too slow, or a second Ctrl-C: none is left running either way
                server.process.kill()
                server.process.wait()
        for log in logs:
            log.close()


def profiling(servers: Sequence[Server], *, on: bool) -> None:
    """Starts (or stops and writes) the profiler of servers run under bench.subscriptions.profiled."""
    for server in servers:
        server.process.send_signal(signal.SIGUSR1 if on else signal.SIGUSR2)


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


def write_calls(pids: Sequence[int]) -> int:
    """The write system calls the processes made (syscw of /proc/<pid>/io: a socket's writes among them)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, ValueError):
            for line in Path(f"/proc/{pid}/io").read_text().splitlines():
                if line.startswith("syscw:"):
                    total += int(line.split()[1])
    return total


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
