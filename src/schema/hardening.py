"""Limits on what one request may ask of the server, and error codes for top-level domain errors.

Every limit is a Settings field, so an app built by `create_app(settings)` applies its own. Extensions are
passed as factories: strawberry creates them per operation, and they keep per-operation state.
"""

from collections.abc import Callable, Iterator
from functools import partial

from graphql import GraphQLError
from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from strawberry.extensions import (
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
    SchemaExtension,
)
from strawberry.types.execution import StreamExecutionResult

from src.services.errors import DomainError
from src.settings import Settings


def _tag_errors(result: object) -> None:
    for error in getattr(result, "errors", None) or ():
        if isinstance(error, GraphQLError) and isinstance(error.original_error, DomainError):
            error.extensions = {**(error.extensions or {}), "code": error.original_error.code}


class DomainErrorCodes(SchemaExtension):
    """Top-level errors raised as a DomainError (Unauthenticated, Forbidden, ...) carry extensions.code,
    so clients tell "log in again" from "not allowed" without parsing messages."""

    def on_operation(self) -> Iterator[None]:
        yield
        _tag_errors(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        # Operations over WebSocket deliver their result here, before on_operation finishes.
        _tag_errors(result)
        yield


def hardening_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    extensions: list[Callable[[], SchemaExtension]] = [
        partial(QueryDepthLimiter, max_depth=settings.GRAPHQL_MAX_DEPTH),
        partial(MaxTokensLimiter, max_token_count=settings.GRAPHQL_MAX_TOKENS),
        partial(MaxAliasesLimiter, max_alias_count=settings.GRAPHQL_MAX_ALIASES),
        DomainErrorCodes,
    ]
    if not settings.INTROSPECTION:
        extensions.append(DisableIntrospection)
    return extensions


class _BodyTooLarge(Exception):
    pass


class BodySizeLimit:
    """Pure ASGI middleware: answers 413 to an HTTP request whose body exceeds `max_bytes`, by its
    Content-Length up front or, for a chunked body, as soon as the bytes read pass the limit."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    def _too_large(self) -> PlainTextResponse:
        return PlainTextResponse(f"请求体过大：上限为 {self.max_bytes} 字节", status_code=413)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
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
