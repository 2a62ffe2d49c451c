"""Which `fundperf serve` worker process holds which TCP connection, read from Linux /proc (no app change: the
kernel knows each socket's owner). For the workers' tests and bench/load.py."""

import os
from collections import Counter
from collections.abc import Iterable
from pathlib import Path

LISTEN = "0A"  # /proc/net/tcp's state column
ESTABLISHED = "01"


def worker_pids(pid: int) -> list[int]:
    """The worker processes (multiprocessing spawn children) of the `serve` process `pid`."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    pids = []
    for child in children:
        try:
            if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes():
                pids.append(int(child))
        except OSError:
            continue  # ended meanwhile
    return pids


def rss_bytes(pids: Iterable[int]) -> int:
    """Resident memory of these processes, summed (VmRSS)."""
    total = 0
    for pid in pids:
        try:
            status = Path(f"/proc/{pid}/status").read_text()
        except OSError:
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


def socket_inodes(pid: int) -> set[int]:
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(int(target[8:-1]))
    except OSError:
        pass
    return inodes


def _tcp_sockets(port: int, state: str) -> dict[int, int]:
    """inode → remote port of the sockets whose local port is `port`, in `state`."""
    sockets = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, sock_state, inode = fields[1], fields[2], fields[3], int(fields[9])
            if int(local.rsplit(":", 1)[1], 16) == port and sock_state == state and inode:
                sockets[inode] = int(remote.rsplit(":", 1)[1], 16)
    return sockets


def listening_sockets(port: int) -> set[int]:
    """The inodes of the sockets listening on `port`, whoever holds them."""
    return set(_tcp_sockets(port, LISTEN))


def listening_pids(port: int, pids: Iterable[int]) -> list[int]:
    """Those of `pids` that hold a socket listening on `port`."""
    listening = set(_tcp_sockets(port, LISTEN))
    return [pid for pid in pids if socket_inodes(pid) & listening]


def connection_owners(port: int, pids: Iterable[int]) -> dict[int, int]:
    """Client port → pid, for the established connections to `port` that one of `pids` holds."""
    connections = _tcp_sockets(port, ESTABLISHED)
    owners = {}
    for pid in pids:
        for inode in socket_inodes(pid) & connections.keys():
            owners[connections[inode]] = pid
    return owners


def connections_per_worker(port: int, pids: Iterable[int]) -> Counter[int]:
    """How many established connections to `port` each of `pids` holds."""
    return Counter(connection_owners(port, pids).values())
