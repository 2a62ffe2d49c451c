"""`fundperf serve --workers N`: N uvicorn processes, each listening on its own socket (SO_REUSEPORT), so that
the kernel, not the workers' event loops, spreads the connections.

uvicorn's own multi-process mode binds one socket in its supervisor and every worker accepts from it: a new
connection goes to whichever loop wakes first, and under keep-alive a connection stays where it landed.
Measured (issue 22): with 50 keep-alive clients, in 2 runs of 6 every connection landed on one of two workers.
With SO_REUSEPORT each worker has its own listening socket and accept queue, and Linux chooses the queue by a
hash of the connection's addresses and ports: evenly, however busy each worker is.

The supervision is uvicorn's (`Multiprocess`): a worker that died or stops answering its health check is
replaced, SIGINT/SIGTERM stop every worker, SIGHUP replaces them one by one, a worker that fails at startup
stops the server. Only the socket differs: the supervisor binds one too, never listening (so a port in use
fails here, at once), and hands it to each spawned worker as "bind another one like me"
(ReusePortSocket.__reduce_ex__: spawned workers receive their sockets pickled). Where the kernel does not
balance such sockets (anything but Linux: macOS gives every connection to one of them), uvicorn's shared
socket stays.

This package imports uvicorn and nothing of the app: a spawned worker unpickles its socket and its uvicorn
Config (which names the WebSocket protocol class, ws_protocol.py) before it starts answering health checks, so
whatever those imports pull in delays the first answer. With src.app in the way, a loaded machine took
minutes, and the supervisor killed each worker as hung before it was up.
"""

import logging
import socket
import sys
from collections.abc import Mapping
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess

logger = logging.getLogger("uvicorn.error")

# A spawned worker imports the app (its schema) before it can answer the supervisor's first health check: with
# uvicorn's 5 s, a loaded machine saw workers killed while still importing.
HEALTHCHECK_TIMEOUT_SECONDS = 30


def reuseport_balances() -> bool:
    """Whether the kernel spreads connections across sockets bound with SO_REUSEPORT (Linux ≥ 3.9)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


class ReusePortSocket(socket.socket):
    """A TCP socket bound with SO_REUSEPORT; pickled (to a spawned worker) as a new one bound alike."""

    def __reduce_ex__(self, protocol: Any) -> tuple[Any, ...]:
        host, port = self.getsockname()[:2]
        return (_bind_in_worker, (self.family, host, port))


def bind_reuseport(family: socket.AddressFamily, host: str, port: int) -> ReusePortSocket:
    sock = ReusePortSocket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # a restart while old connections linger
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def _bind_in_worker(family: socket.AddressFamily, host: str, port: int) -> ReusePortSocket:
    try:
        return bind_reuseport(family, host, port)
    except OSError as exc:
        # STARTUP_FAILURE tells the supervisor that a restart would fail alike: it stops instead of looping.
        logger.error("worker could not bind %s:%d: %s", host, port, exc)
        sys.exit(STARTUP_FAILURE)


def serve(*, app: str, workers: int, host: str, port: int, options: Mapping[str, Any]) -> None:
    """Serves the app factory `app` with `workers` processes (one: in this process, as uvicorn.run does)."""
    settings: dict[str, Any] = {
        "factory": True,
        "workers": workers,
        "host": host,
        "port": port,
        "timeout_worker_healthcheck": HEALTHCHECK_TIMEOUT_SECONDS,
        **options,
    }
    if workers == 1 or not reuseport_balances():
        uvicorn.run(app, **settings)
        return
    config = uvicorn.Config(app, **settings)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        sock = bind_reuseport(family, host, port)
    except OSError as exc:
        logger.error("%s", exc)
        sys.exit(STARTUP_FAILURE)
    logger.info("Uvicorn running on %s:%d, %d workers, one SO_REUSEPORT socket each", host, port, workers)
    try:
        Multiprocess(config, sockets=[sock]).run()
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
