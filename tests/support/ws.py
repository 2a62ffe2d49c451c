"""A graphql-transport-ws client for tests and benchmarks (over the `websockets` library)."""

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from websockets.asyncio.client import ClientConnection
from websockets.typing import Subprotocol

from tests.support.server import websocket_url


class GraphQLWs:
    def __init__(self, ws: ClientConnection) -> None:
        self.ws = ws
        self._next_id = 0

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        op_id = str(self._next_id)
        payload = {"query": query, "variables": variables or {}}
        await self.ws.send(json.dumps({"id": op_id, "type": "subscribe", "payload": payload}))
        return op_id

    async def settled(self, timeout: float = 10.0) -> None:  # noqa: ASYNC109
        """Returns once the server has handled every message sent before: the protocol's own ping, answered
        from the same loop that handles `subscribe` (so its credentials were checked and the operation
        started). A WebSocket-level ping would not do: the server's transport answers it on receipt."""
        await self.ws.send(json.dumps({"type": "ping"}))
        message = await self.receive(timeout)
        assert message == {"type": "pong"}, message

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The next message that is not a ping (answered)."""
        async with asyncio.timeout(timeout):
            while True:
                message: dict[str, Any] = json.loads(await self.ws.recv())
                if message["type"] == "ping":
                    await self.ws.send(json.dumps({"type": "pong"}))
                    continue
                return message

    async def next_data(self, timeout: float = 10.0) -> dict[str, Any]:  # noqa: ASYNC109
        message = await self.receive(timeout)
        assert message["type"] == "next" and "errors" not in message["payload"], message
        data: dict[str, Any] = message["payload"]["data"]
        return data

    async def nothing_within(self, seconds: float) -> bool:
        try:
            message = await self.receive(seconds)
        except TimeoutError:
            return True
        raise AssertionError(f"expected nothing, got {message}")


@asynccontextmanager
async def graphql_ws(base_url: str, token: str | None, **connect: Any) -> AsyncIterator[GraphQLWs]:
    """A connection to `base_url`'s /graphql, initialised (with `token` as its credentials, if any);
    `connect` goes to websockets.connect (a socket of one's own, max_queue, …)."""
    async with websockets.connect(
        websocket_url(base_url),
        subprotocols=[Subprotocol("graphql-transport-ws")],
        compression=None,
        **connect,
    ) as ws:
        payload = {"Authorization": f"Bearer {token}"} if token else {}
        await ws.send(json.dumps({"type": "connection_init", "payload": payload}))
        ack = json.loads(await ws.recv())
        assert ack["type"] == "connection_ack", ack
        yield GraphQLWs(ws)
