"""A TCP proxy that a test can cut and restore: a real Redis (or any server) becomes unreachable for a
while, as in a network partition or a restart, for clients in this process and in others.

    with TcpProxy("127.0.0.1", 6379) as proxy:
        url = proxy.url("redis", "/15")   # redis://127.0.0.1:<proxy port>/15
        proxy.cut()                       # open connections are reset, new ones refused
        proxy.restore()                   # accepted again, on the same port

It runs its own event loop in a thread, so it keeps forwarding whatever the test's loop is busy with.
"""

import asyncio
import contextlib
import socket
import threading
from collections.abc import Coroutine
from types import TracebackType
from typing import Any

CHUNK = 64 * 1024


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self.target = (target_host, target_port)
        with socket.socket() as probe:  # a port of our own, kept across cut and restore
            probe.bind(("127.0.0.1", 0))
            self.port = int(probe.getsockname()[1])
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="tcp-proxy", daemon=True)
        self._server: asyncio.Server | None = None
        self._writers: set[asyncio.StreamWriter] = set()
        self._handlers: set[asyncio.Task[Any]] = set()
        self.connections = 0  # accepted so far
        self._cut_on: bytes | None = None
        self._cutting: asyncio.Task[None] | None = None

    def url(self, scheme: str, path: str = "") -> str:
        return f"{scheme}://127.0.0.1:{self.port}{path}"

    def __enter__(self) -> "TcpProxy":
        self._thread.start()
        self.restore()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.cut()
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def _call(self, coro: Coroutine[Any, Any, None]) -> None:
        asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    def cut(self) -> None:
        """Stop listening and reset every open connection: clients see refused connects and dead sockets."""
        self._call(self._cut())

    @property
    def listening(self) -> bool:
        """False once cut (by `cut` or `cut_on`), until restored."""
        return self._server is not None

    def cut_on(self, marker: bytes) -> None:
        """Cut (as `cut`) as soon as a client sends bytes containing `marker`, before they reach the server:
        a connection lost in the middle of an exchange, e.g. between a WATCH and the commands after it."""
        self._cut_on = marker

    def restore(self) -> None:
        """Listen again on the same port."""
        self._call(self._listen())

    async def _listen(self) -> None:
        if self._server is None:
            self._server = await asyncio.start_server(
                self._accept, "127.0.0.1", self.port, reuse_address=True
            )

    async def _cut(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.close()  # no new connections; then the open ones go
        for writer in list(self._writers):
            writer.transport.abort()  # RST, not a polite close: what a vanished server looks like
        self._writers.clear()
        if self._handlers:  # each ends once its sockets are gone
            await asyncio.wait(set(self._handlers), timeout=5)
        if server is not None:
            await server.wait_closed()

    async def _accept(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        handler = asyncio.current_task()
        assert handler is not None
        self._handlers.add(handler)
        writers = [client_writer]
        self._writers.add(client_writer)
        try:
            server_reader, server_writer = await asyncio.open_connection(*self.target)
            writers.append(server_writer)
            self._writers.add(server_writer)
            await asyncio.gather(
                self._pipe(client_reader, server_writer, outgoing=True),
                self._pipe(server_reader, client_writer),
            )
        except OSError:
            pass  # the target refused: the client's connection goes as it would have
        finally:
            for writer in writers:
                writer.transport.abort()
                self._writers.discard(writer)
            self._handlers.discard(handler)

    async def _pipe(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter, *, outgoing: bool = False
    ) -> None:
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while data := await reader.read(CHUNK):
                if outgoing and self._cut_on is not None and self._cut_on in data:
                    self._cut_on = None
                    self._cutting = asyncio.get_running_loop().create_task(self._cut())
                    return
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(OSError):
            writer.transport.abort()
