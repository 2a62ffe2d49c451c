"""ASGI middleware: responses counted by their X-Response-Cache header, and requests to /graphql refused
before the schema saw them (413, a body that is not JSON, no query) counted as refused operations."""

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from src.metrics.extension import SEEN
from src.metrics.instruments import Metrics
from src.metrics.outcomes import INTERNAL, REFUSED

CACHE_HEADER = b"x-response-cache"
GRAPHQL_PATH = "/graphql"


class CountResponses:
    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        status = 0

        async def watching_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name.lower() == CACHE_HEADER:
                        self.metrics.cached_response(value.decode("latin-1").strip().lower())
            await send(message)

        try:
            await self.app(scope, receive, watching_send)
        except Exception:
            self._unseen(scope, INTERNAL)
            raise
        if status >= 400:
            self._unseen(scope, INTERNAL if status >= 500 else REFUSED)

    def _unseen(self, scope: Scope, outcome: str) -> None:
        if scope.get("path") == GRAPHQL_PATH and not scope.get(SEEN):
            self.metrics.operation(transport="http", type="unknown", name=None, outcome=outcome, seconds=None)
