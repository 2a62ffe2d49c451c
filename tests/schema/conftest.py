from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models import User
from src.models.enums import ActorType, Administration
from src.seed.reference import load_reference_data
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.factories import make_user
from tests.support.server import serve_app


class GraphQLClient:
    def __init__(
        self, client: httpx.AsyncClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
    ) -> None:
        self.http = client
        self.sessionmaker = sessionmaker
        self.settings = settings

    def token_for(self, user: User) -> str:
        """An access token for `user`, signed with the key of the app under test."""
        return issue_access_token(user.id or 0, secret_key=self.settings.SECRET_KEY)

    async def login_as(
        self,
        actor_type: ActorType = ActorType.FINANCE,
        region_code: str = "510000",
        administration: Administration | None = None,
        is_admin: bool = False,
    ) -> User:
        """Creates a user of that organization and sends its access token from now on."""
        user = await make_user(
            self.sessionmaker,
            actor_type=actor_type,
            region_code=region_code,
            administration=administration,
            is_admin=is_admin,
        )
        self.http.headers["Authorization"] = f"Bearer {self.token_for(user)}"
        return user

    def logout(self) -> None:
        self.http.headers.pop("Authorization", None)

    async def query(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        response = await self.http.post("/graphql", json={"query": query, "variables": variables or {}})
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def data(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        body = await self.query(query, variables)
        assert "errors" not in body, body["errors"]
        data: dict[str, Any] = body["data"]
        return data


@pytest.fixture
async def reference(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()


@pytest.fixture
async def gql(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None, settings: Settings
) -> AsyncIterator[GraphQLClient]:
    """A client logged in as the provincial finance department (it sees everything)."""
    app = create_app(settings, engine=engine)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        gql = GraphQLClient(client, sessionmaker, settings)
        await gql.login_as()
        yield gql
    await app.state.jobs.aclose()  # report jobs a test started end before its database is emptied


@pytest.fixture
async def live_url(engine: AsyncEngine, reference: None, settings: Settings) -> AsyncIterator[str]:
    """A real uvicorn server on a free local port (in this event loop) over the test database."""
    async with serve_app(create_app(settings, engine=engine)) as base_url:
        yield base_url
