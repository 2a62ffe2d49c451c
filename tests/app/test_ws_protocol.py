"""The WebSocket protocol `fundperf serve` runs (src/serve/ws_protocol.py): its send-now extension, through a
real uvicorn server and a real client."""

import asyncio
from typing import Any

import websockets

from src.serve.ws_protocol import SEND_TEXT_NOW, DirectSendProtocol
from tests.support.server import serve_app, websocket_url


class CountingTransport:
    """A transport that counts its writes (each a system call) and does what the real one does."""

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.writes = 0

    def write(self, data: bytes) -> None:
        self.writes += 1
        self.inner.write(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


async def test_send_text_now_writes_a_message_at_once_and_declines_when_it_cannot() -> None:
    scopes: list[dict[str, Any]] = []
    close, accepted = asyncio.Event(), asyncio.Event()

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return
        await receive()  # websocket.connect
        scopes.append(scope)
        await send({"type": "websocket.accept"})
        accepted.set()
        await close.wait()
        await send({"type": "websocket.close", "code": 1000})

    async with (
        serve_app(app, lifespan="off") as base_url,
        websockets.connect(websocket_url(base_url, "/")) as client,
    ):
        await accepted.wait()
        send_now = scopes[0]["extensions"][SEND_TEXT_NOW]
        protocol = send_now.__self__
        assert isinstance(protocol, DirectSendProtocol)

        assert send_now("状态变更 1".encode()) == 1
        assert await client.recv() == "状态变更 1"

        protocol.pause_writing()  # what the transport calls when its buffer is full
        assert send_now(b"held") == 0  # the caller queues it and waits, with a timeout
        protocol.resume_writing()
        assert send_now(b"2") == 1
        assert await client.recv() == "2"
        transport = protocol.transport
        protocol.transport = counting = CountingTransport(transport)  # type: ignore[assignment]
        assert send_now(b"3", "状态变更 4".encode()) == 2  # a burst: two messages, one write
        assert [await client.recv() for _ in range(2)] == ["3", "状态变更 4"] and counting.writes == 1
        protocol.transport = transport

        close.set()
        await client.wait_closed()
        assert send_now(b"after close") == 0
