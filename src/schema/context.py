"""The typed request context: one per HTTP request or WebSocket operation."""

from dataclasses import dataclass
from typing import Any

import strawberry
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.schema.loaders import Loaders
from src.settings import Settings


@dataclass
class Context:
    request: Any  # starlette Request or WebSocket
    response: Any
    sessionmaker: async_sessionmaker[AsyncSession]
    loaders: Loaders
    settings: Settings


Info = strawberry.Info[Context, None]
