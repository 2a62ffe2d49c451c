"""API tokens: what service accounts call the API with; administrators manage them."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken
from src.models.base import utcnow
from src.services.actors import Actor, load_actor
from src.services.errors import Forbidden
from src.services.identity.api_tokens import (
    API_TOKEN_PREFIX,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
)
from src.services.identity.authentication import authenticate
from src.settings import Settings
from tests.services.identity.conftest import add_user


@pytest.fixture
async def admin(sessionmaker: async_sessionmaker[AsyncSession], org_id: int) -> Actor:
    """An administrator; the organization also has a service account "svc"."""
    async with sessionmaker() as session:
        user = await add_user(session, org_id, "admin", is_admin=True)
        await add_user(session, org_id, "svc", is_service_account=True)
        await session.commit()
        assert user.id is not None
        actor = await load_actor(session=session, user_id=user.id)
    assert actor is not None and actor.is_admin
    return actor


async def test_api_token_use_is_recorded_at_most_once_a_minute(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor, settings: Settings
) -> None:
    async with sessionmaker() as session:
        created = await create_api_token(session=session, actor=admin, name="t", username="svc")
        await session.commit()
    assert created.plaintext.startswith(API_TOKEN_PREFIX)
    header = f"Bearer {created.plaintext}"
    start = utcnow()

    async def use(at: timedelta) -> datetime:
        async with sessionmaker() as session:
            found = await authenticate(
                session=session, authorization=header, secret_key=settings.SECRET_KEY, now=start + at
            )
            assert found is not None and found.username == "svc"
        async with sessionmaker() as session:
            token = (await session.exec(select(ApiToken))).one()
            assert token.last_used_at is not None
            return token.last_used_at.replace(tzinfo=None)

    first = await use(timedelta(0))
    assert await use(timedelta(seconds=30)) == first  # no write
    assert await use(timedelta(seconds=61)) != first


async def test_a_revoked_token_no_longer_authenticates(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor, settings: Settings
) -> None:
    async with sessionmaker() as session:
        created = await create_api_token(session=session, actor=admin, name="t", username="svc")
        await session.commit()
        token_id = created.view.token.id
        assert token_id is not None
        await revoke_api_token(session=session, actor=admin, token_id=token_id)
        await session.commit()
    async with sessionmaker() as session:
        header = f"Bearer {created.plaintext}"
        actor = await authenticate(session=session, authorization=header, secret_key=settings.SECRET_KEY)
        assert actor is None
        [view] = await list_api_tokens(session=session, actor=admin)
        assert view.token.revoked_at is not None and view.user.username == "svc"
        assert await list_api_tokens(session=session, actor=admin, include_revoked=False) == []


async def test_api_tokens_are_for_administrators_only(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor
) -> None:
    not_admin = replace(admin, is_admin=False)
    async with sessionmaker() as session:
        with pytest.raises(Forbidden):
            await list_api_tokens(session=session, actor=not_admin)
        with pytest.raises(Forbidden):
            await create_api_token(session=session, actor=not_admin, name="t", username="svc")
        with pytest.raises(Forbidden):
            await revoke_api_token(session=session, actor=not_admin, token_id=1)
