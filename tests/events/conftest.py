"""The event tests use the reference data and GraphQL client fixtures of the schema tests, and an app
served by a real server (for WebSocket clients)."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.applications import Starlette

from src.app import create_app
from src.settings import Settings
from tests.schema.conftest import gql, reference
from tests.support.server import serve_app

__all__ = ["app", "gql", "reference", "server"]


@pytest.fixture
def app(engine: AsyncEngine, reference: None, settings: Settings) -> Starlette:
    return create_app(settings, engine=engine)


@pytest.fixture
async def server(app: Starlette) -> AsyncIterator[str]:
    async with serve_app(app) as base_url:
        yield base_url
