"""The typed request context: one per HTTP request or WebSocket operation."""

from dataclasses import dataclass
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.hub import Hub
from src.reports.runner import JobSubmitter
from src.schema.loaders import Loaders
from src.schema.request_session import Sessionmaker
from src.services.actors import Actor
from src.services.identity.ratelimit import RateLimiter
from src.settings import Settings


@dataclass
class Context:
    request: Any  # starlette Request or WebSocket
    response: Any
    # Reads: an HTTP request's one shared session (request_session.py); elsewhere (a WebSocket's context
    # lives as long as the connection) the app's sessionmaker, a session per use.
    sessionmaker: Sessionmaker
    loaders: Loaders
    settings: Settings
    # The app's sessionmaker, for each mutation's own unit of work (transaction.py).
    unit_sessionmaker: async_sessionmaker[AsyncSession]
    actor: Actor | None = None  # None: not logged in
    client_address: str | None = None
    rate_limiter: RateLimiter | None = None  # the app's one limiter (login attempts), set by create_app
    # The app's report job submitter (runner or queue) and this process's live subscribers, as create_app
    # made them; None only where no mutation or subscription runs (an event rendered for subscribers).
    jobs: JobSubmitter | None = None
    hub: Hub | None = None
    # A WebSocket's connection_init payload: strawberry sets it, GraphQLApp.on_ws_connect reads credentials.
    connection_params: dict[str, Any] | None = None


Info = strawberry.Info[Context, None]
