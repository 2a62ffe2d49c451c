"""From a request's Authorization value (or WebSocket connection_init payload) to the acting user."""

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.services.identity.authentication import authenticate, bearer_token, connection_authorization
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.services.identity.conftest import add_user


def test_bearer_and_connection_params() -> None:
    assert bearer_token("Bearer abc") == "abc"
    assert bearer_token("bearer  abc ") == "abc"
    assert bearer_token("Basic abc") is None
    assert bearer_token("Bearer ") is None
    assert bearer_token(None) is None
    assert connection_authorization({"Authorization": "Bearer a"}) == "Bearer a"
    assert connection_authorization({"authorization": "Bearer b"}) == "Bearer b"
    assert connection_authorization({}) is None
    assert connection_authorization(None) is None
    assert connection_authorization({"Authorization": ["x"]}) == ""  # present but unusable: refused


async def test_authenticate_access_tokens(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int, settings: Settings
) -> None:
    async with sessionmaker() as session:
        user = await add_user(session, org_id, "fin_510000")
        service = await add_user(session, org_id, "svc", is_service_account=True)
        await session.commit()
        assert user.id is not None and service.id is not None
    key = settings.SECRET_KEY

    async def who(authorization: str | None, secret_key: str = key) -> str | None:
        async with sessionmaker() as session:
            actor = await authenticate(session=session, authorization=authorization, secret_key=secret_key)
            return None if actor is None else actor.username

    token = issue_access_token(user.id, secret_key=key)
    assert await who(f"Bearer {token}") == "fin_510000"
    assert await who(f"Bearer {token}", secret_key="another key of at least thirty-two bytes") is None
    assert await who(f"Basic {token}") is None
    assert await who(None) is None
    assert await who("Bearer fp_unknown") is None
    # Service accounts use API tokens only, never access tokens.
    assert await who(f"Bearer {issue_access_token(service.id, secret_key=key)}") is None
