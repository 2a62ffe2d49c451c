"""GraphQL over WebSocket (graphql-transport-ws): the connection's credentials are checked again whenever an
operation starts.

Browsers cannot set headers on a WebSocket, so the credentials come once, in connection_init's payload, and
the context is built once per connection. An access token expires, and an API token can be revoked or
expire, while the connection stays open: before each new operation (a `subscribe` message) the credentials
are authenticated again, exactly as an HTTP request's are (src/services/identity/authentication.py, which
notes an API token's use here too). When they no longer authenticate, the connection is closed with 4403
Forbidden (as bad credentials in connection_init are) and the operation does not run; the client reconnects
with a fresh token. When they do, the context acts as the actor they name now (a deactivated account, or a
token's narrowed scope, takes effect at once). An anonymous connection has nothing to re-check.
"""

import asyncio
import contextlib
import logging
import sys
from collections.abc import Callable, Sequence
from typing import Any

from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import Message, SubscribeMessage

from src.app.request_json import RefusedJSON
from src.app.ws_messages import malformed
from src.events.hub import Hub, Rendered
from src.events.shared import Plan, Planner, next_message_head
from src.metrics.extension import count_shared_subscription
from src.schema.context import Context
from src.schema.events.shared_run import run_shared
from src.serve.ws_protocol import DROP, SEND_TEXT_NOW, Drop, SendTextNow
from src.services.actors import Actor
from src.services.identity.authentication import authenticate, connection_authorization

logger = logging.getLogger(__name__)
INVALID = 4400  # the protocol's answer to a message it cannot handle
FORBIDDEN = 4403  # what strawberry answers a ConnectionRejectionError in connection_init with
IDLE = 4408  # no operation for WS_IDLE_SECONDS
SLOW = 4429  # a message could not be sent within WS_SEND_TIMEOUT_SECONDS


async def authenticate_connection(context: Context, authorization: str) -> Actor | None:
    """The actor `authorization` (a connection_init credential) stands for now; None if it no longer does."""
    async with context.sessionmaker() as session:
        return await authenticate(
            session=session, authorization=authorization, secret_key=context.settings.SECRET_KEY
        )


async def reauthenticate(context: Context) -> bool:
    """Authenticate the connection's credentials again and act as what they name now. False (and nobody)
    when credentials were given and no longer authenticate; True for an anonymous connection."""
    authorization = connection_authorization(context.connection_params)
    if authorization is None:
        return True
    context.actor = await authenticate_connection(context, authorization)
    return context.actor is not None


def close_reason(text: str) -> str:
    """`text` on one line, cut to the 123 bytes a close frame's reason may hold (it may quote the client:
    "Unknown message type: ...")."""
    return " ".join(text.split()).encode()[:123].decode(errors="ignore")


class ReauthenticatingHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """strawberry's graphql-transport-ws handler, re-authenticating before every operation; it closes a
    connection that runs no operation for WS_IDLE_SECONDS (an anonymous one can hold no subscription, so
    it goes too), and one whose client does not take a message within WS_SEND_TIMEOUT_SECONDS (a slow
    reader holds up nobody else: its own messages are dropped with it)."""

    _starting = 0  # subscribe messages being handled (their credentials checked, say): not idle meanwhile

    async def handle(self) -> None:
        watchdog = asyncio.create_task(self._close_when_idle())
        try:
            await super().handle()
        finally:
            watchdog.cancel()

    async def _close_when_idle(self) -> None:
        limit = self.context.settings.WS_IDLE_SECONDS
        loop = asyncio.get_running_loop()
        idle_since = loop.time()
        while True:
            await asyncio.sleep(min(limit, 5.0))
            if self.operations or self._starting:
                idle_since = loop.time()
            elif loop.time() - idle_since >= limit:
                logger.info("websocket: no operation for %g s; closing", limit)
                with contextlib.suppress(Exception):
                    await self.websocket.close(code=IDLE, reason="Idle")
                return

    async def send_message(self, message: Any) -> None:
        seconds = self.context.settings.WS_SEND_TIMEOUT_SECONDS
        try:
            async with asyncio.timeout(seconds):
                await super().send_message(message)
        except TimeoutError:
            logger.info("websocket: the client took no message for %g s; dropping it", seconds)
            drop: Drop | None = self._extension(DROP)
            if drop is not None:  # a close through ASGI would wait for the buffer to drain: never, here
                drop(SLOW, "Too slow")
                return
            with contextlib.suppress(Exception):
                async with asyncio.timeout(1):
                    await self.websocket.close(code=SLOW, reason="Too slow")

    async def handle_message(self, message: Message) -> None:
        problem = malformed(message)
        if problem is not None:
            await self.handle_invalid_message(problem)
            return
        await super().handle_message(message)

    async def handle_invalid_message(self, error_message: str) -> None:
        # strawberry calls this while handling the reader's error; a message refused by request_json (too
        # deep, a huge number) is that error's cause, and says more than "must be valid JSON".
        cause = getattr(sys.exception(), "__cause__", None)
        reason = close_reason(cause.msg if isinstance(cause, RefusedJSON) else error_message)
        logger.info("refused: websocket code=%d: %s", INVALID, reason)
        await self.websocket.close(code=INVALID, reason=reason)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        self._starting += 1
        try:
            # Before the acknowledgement the protocol itself refuses operations (4401): strawberry's to do.
            if self.connection_acknowledged and not await reauthenticate(self.context):
                await self.websocket.close(code=FORBIDDEN, reason="Forbidden")
                return
            if not await self._subscribe_shared(message):
                await super().handle_subscribe(message)
        finally:
            self._starting -= 1

    async def _subscribe_shared(self, message: SubscribeMessage) -> bool:
        """Starts the operation on the shared path (src/events/shared.py) if it qualifies; False if not."""
        hub = self.context.hub
        authorization = connection_authorization(self.context.connection_params)
        if not self.connection_acknowledged or self.context.actor is None or not authorization:
            return False  # anonymous: strawberry's path refuses it with the usual error
        if hub is None or hub.render is None:
            return False
        payload = message["payload"]
        planner: Planner = self.view.planner  # type: ignore[attr-defined]
        plan = planner.plan(payload["query"], payload.get("variables"), payload.get("operationName"))
        if plan is None:
            return False
        if message["id"] in self.operations or (
            self.max_subscriptions_per_connection is not None
            and len(self.operations) >= self.max_subscriptions_per_connection
        ):
            return False  # strawberry's own refusals (4409, "Subscription limit reached")
        operation: Operation[Context, None] = Operation(
            self, message["id"], payload["query"], payload.get("variables"), payload.get("operationName")
        )
        operation.task = asyncio.create_task(self._run_shared(operation, plan, authorization, hub))
        operation.task.add_done_callback(self._task_done)
        self.operations[message["id"]] = operation
        count_shared_subscription(self.context, plan)
        return True

    def _extension(self, name: str) -> Any:
        """The server's ASGI scope extension `name` (ws_protocol.py); None under another server."""
        return (self.context.request.scope.get("extensions") or {}).get(name)

    def _sender(self, operation: "Operation[Context, None]") -> Callable[[Sequence[Rendered]], int] | None:
        """Sends a shared event under the operation's id straight to the connection (ws_protocol.py), as
        strawberry would (GraphQLApp.encode_json), while the operation is live; None under another server."""
        write: SendTextNow | None = self._extension(SEND_TEXT_NOW)
        if write is None:
            return None
        head = next_message_head(operation.id).encode()
        operations = self.operations

        def send_now(items: Sequence[Rendered]) -> int:
            if operation.completed or operations.get(operation.id) is not operation:
                return 0
            return write(*(b"".join((head, item.data, b"}")) for item in items))

        return send_now

    async def _run_shared(
        self, operation: "Operation[Context, None]", plan: Plan, authorization: str, hub: Hub
    ) -> None:
        try:
            await run_shared(
                hub=hub,
                context=self.context,
                authorization=authorization,
                plan=plan,
                op_id=operation.id,
                send=operation.send_operation_message,  # type: ignore[arg-type]
                send_now=self._sender(operation),
            )
            await operation.send_operation_message({"id": operation.id, "type": "complete"})
        finally:
            self.operations.pop(operation.id, None)
