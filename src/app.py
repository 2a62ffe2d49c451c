"""The Starlette application: /graphql (HTTP and WebSocket), /healthz, /readyz."""

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from src.db import create_engine, create_sessionmaker
from src.schema import build_schema
from src.schema.context import Context
from src.schema.hardening import BodySizeLimit
from src.schema.loaders import build_loaders
from src.services.auth import authenticate, connection_authorization
from src.services.ratelimit import create_rate_limiter
from src.settings import Settings
from src.settings import settings as default_settings

logger = logging.getLogger(__name__)
NO_ACK_PAYLOAD: UnsetType = UNSET  # connection_ack without a payload


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, app: Starlette, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.GRAPHIQL else None,
            allow_queries_via_get=False,  # no mutations through GET, and caches stay honest
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.app = app
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        sessionmaker = self.app.state.sessionmaker
        async with sessionmaker() as session:
            actor = await authenticate(
                session=session,
                authorization=request.headers.get("authorization"),
                secret_key=self.settings.SECRET_KEY,
            )
        return Context(
            request=request,
            response=response,
            sessionmaker=sessionmaker,
            loaders=build_loaders(sessionmaker),
            settings=self.settings,
            actor=actor,
            client_address=request.client.host if request.client else None,
            rate_limiter=self.app.state.rate_limiter,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        # Browsers cannot set headers on a WebSocket: credentials come in connection_init's payload, and
        # the context (one per connection) acts as that actor for every operation on it.
        authorization = connection_authorization(context.connection_params)
        if authorization is None:
            return NO_ACK_PAYLOAD
        async with self.app.state.sessionmaker() as session:
            actor = await authenticate(
                session=session, authorization=authorization, secret_key=self.settings.SECRET_KEY
            )
        if actor is None:
            raise ConnectionRejectionError()  # strawberry closes with 4403 Forbidden
        context.actor = actor
        return NO_ACK_PAYLOAD


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Starlette:
    """Builds the app; tests pass their own engine, the CLI lets it come from settings."""
    settings = settings or default_settings
    owns_engine = engine is None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
        await app.state.rate_limiter.aclose()
        if owns_engine:
            await app.state.engine.dispose()

    async def healthz(request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def readyz(request: Request) -> Response:
        try:
            async with request.app.state.engine.connect() as conn:
                await conn.execute(text("SELECT 1"))
        except Exception as exc:  # any failure to reach the database means not ready
            logger.warning("readiness check failed: %s", exc)
            return JSONResponse({"status": "unavailable", "database": "unreachable"}, status_code=503)
        return JSONResponse({"status": "ready", "database": "ok"})

    app = Starlette(
        lifespan=lifespan, middleware=[Middleware(BodySizeLimit, max_bytes=settings.MAX_BODY_BYTES)]
    )
    app.state.engine = engine or create_engine(settings.DATABASE_URL)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
    app.state.rate_limiter = create_rate_limiter(settings)  # one per app: counts outlive requests
    graphql_app = GraphQLApp(app, settings)
    app.router.routes.extend(
        [
            Route("/healthz", healthz),
            Route("/readyz", readyz),
            Route("/graphql", graphql_app),
            WebSocketRoute("/graphql", graphql_app),
        ]
    )
    return app


def tune_gc_for_serving() -> None:
    """For a long-lived server process: freeze start-up objects out of the collector's way and collect
    young objects less often. A page of goals allocates hundreds of thousands of short-lived objects;
    bench/read_api.py measured a third of the response time in collections before this."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
