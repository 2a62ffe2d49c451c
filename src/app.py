"""The Starlette application: /graphql (HTTP and WebSocket), /healthz, /readyz."""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL

from src.db import create_engine, create_sessionmaker
from src.schema import schema
from src.schema.context import Context
from src.schema.loaders import build_loaders
from src.settings import Settings
from src.settings import settings as default_settings

logger = logging.getLogger(__name__)


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, app: Starlette, settings: Settings) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if settings.GRAPHIQL else None,
            allow_queries_via_get=False,  # no mutations through GET, and caches stay honest
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.app = app
        self.settings = settings

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        sessionmaker = self.app.state.sessionmaker
        return Context(
            request=request,
            response=response,
            sessionmaker=sessionmaker,
            loaders=build_loaders(sessionmaker),
            settings=self.settings,
        )


def create_app(settings: Settings | None = None, engine: AsyncEngine | None = None) -> Starlette:
    """Builds the app; tests pass their own engine, the CLI lets it come from settings."""
    settings = settings or default_settings
    owns_engine = engine is None

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        yield
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

    app = Starlette(lifespan=lifespan)
    app.state.engine = engine or create_engine(settings.DATABASE_URL)
    app.state.sessionmaker = create_sessionmaker(app.state.engine)
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
