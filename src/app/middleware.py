"""ASGI middleware of the HTTP layer."""

from collections.abc import Collection

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Pure ASGI middleware: answers 413 to an HTTP request whose body exceeds `max_bytes`, by its
    Content-Length up front or, for a chunked body, as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int, exempt: Collection[str] = ()) -> None:
        self.app = app
        self.max_bytes = max_bytes
        # Paths whose route reads its body under a limit of its own (an upload larger than any request
        # to /graphql may be), and answers it in its own terms.
        self.exempt = frozenset(exempt)

    def _too_large(self) -> PlainTextResponse:
        return PlainTextResponse(f"请求体过大：上限为 {self.max_bytes} 字节", status_code=413)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") in self.exempt:
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.max_bytes:
                await self._too_large()(scope, receive, send)
                return

        received = 0
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _BodyTooLarge:
            if response_started:  # too late for a 413; the server closes the connection
                raise
            await self._too_large()(scope, receive, send)
