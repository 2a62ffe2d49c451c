"""A real uvicorn server for tests and benchmarks: in this process and event loop, on a free local port.

    async with serve_app(create_app(settings, engine=engine)) as base_url:  # "http://127.0.0.1:PORT"
        ...

The listening socket is bound here and handed to uvicorn, so the port cannot be taken by someone else
between choosing it and serving on it. Start-up is awaited with a timeout; leaving the block shuts the
server down (open connections get `shutdown_timeout` seconds to finish).
"""

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Callable
from typing import Any

import uvicorn

from src.serve.ws_protocol import DirectSendProtocol

STARTUP_TIMEOUT = 10.0
SHUTDOWN_TIMEOUT = 5.0


class ServerDidNotStart(RuntimeError):
    """uvicorn failed or took too long to start (the app's lifespan start-up failing, for example)."""


def websocket_url(base_url: str, path: str = "/graphql") -> str:
    """The ws:// (or wss://) URL of `path` on the server at `base_url`."""
    return "ws" + base_url.removeprefix("http") + path


@contextlib.asynccontextmanager
async def serve_app(
    app: Callable[..., Any],
    *,
    host: str = "127.0.0.1",
    startup_timeout: float = STARTUP_TIMEOUT,
    shutdown_timeout: float = SHUTDOWN_TIMEOUT,
    **config: Any,
) -> AsyncIterator[str]:
    """Serve the ASGI `app` while the block runs; yields its base URL, e.g. "http://127.0.0.1:54321".

    `config` goes to uvicorn.Config (defaults: warnings only, no access log, lifespan required, and the
    WebSocket protocol `fundperf serve` uses).
    """
    options: dict[str, Any] = {
        "log_level": "warning",
        "access_log": False,
        "lifespan": "on",
        "timeout_graceful_shutdown": shutdown_timeout,
        "ws": DirectSendProtocol,
        "ws_per_message_deflate": False,
        **config,
    }
    server = uvicorn.Server(uvicorn.Config(app, **options))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, 0))
        port = sock.getsockname()[1]

        async def serve() -> None:
            try:
                await server.serve(sockets=[sock])
            except SystemExit as exc:
                # uvicorn exits the process when start-up fails; in a task that would stop the event loop.
                raise ServerDidNotStart(f"uvicorn exited with status {exc.code} while starting") from exc

        task = asyncio.create_task(serve(), name=f"uvicorn {host}:{port}")
        try:
            try:
                async with asyncio.timeout(startup_timeout):
                    await _started(server, task)
            except TimeoutError:
                raise ServerDidNotStart(f"uvicorn did not start within {startup_timeout:g} s") from None
        except BaseException:
            task.cancel()
            await asyncio.wait({task})
            raise
        try:
            yield f"http://{host}:{port}"
        finally:
            server.should_exit = True
            await task
    finally:
        sock.close()


async def _started(server: uvicorn.Server, task: "asyncio.Task[None]") -> None:
    """Returns once uvicorn listens; raises ServerDidNotStart if it stops first."""
    # uvicorn offers no event to await: wake up when the task ends, or every few milliseconds.
    while not server.started:
        if task.done():
            error = task.exception()
            if isinstance(error, ServerDidNotStart):
                raise error
            raise ServerDidNotStart("uvicorn stopped before it started") from error
        await asyncio.wait({task}, timeout=0.005)
