"""Login sessions: password login, refresh-token rotation and expiry."""

from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import RefreshToken, User
from src.models.base import utcnow
from src.services.identity import sessions
from src.services.identity.passwords import hash_password, needs_rehash, verify_password
from src.services.identity.ratelimit import InMemoryRateLimiter
from src.services.identity.tokens import access_token_user_id
from src.settings import Settings
from tests.services.identity.conftest import add_user


async def test_login_issues_tokens_signed_with_the_settings_key(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int, settings: Settings
) -> None:
    async with sessionmaker() as session:
        user = await add_user(session, org_id, "u", password_hash=hash_password("pw"))
        issued = await sessions.login(
            session=session,
            username="u",
            password="pw",
            address=None,
            limiter=InMemoryRateLimiter(),
            settings=settings,
        )
        await session.commit()
    assert access_token_user_id(issued.access_token, secret_key=settings.SECRET_KEY) == user.id
    assert access_token_user_id(issued.access_token, secret_key="x" * 32) is None
    assert issued.expires_in == 900


async def test_login_upgrades_an_outdated_password_hash(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int, settings: Settings
) -> None:
    # Other parameters than the hasher in use (the tests' cheap one): due for a rehash.
    outdated = PasswordHasher(time_cost=2, memory_cost=8, parallelism=1).hash("pw")
    assert needs_rehash(outdated)
    async with sessionmaker() as session:
        await add_user(session, org_id, "old", password_hash=outdated)
        issued = await sessions.login(
            session=session,
            username="old",
            password="pw",
            address=None,
            limiter=InMemoryRateLimiter(),
            settings=settings,
        )
        await session.commit()
        assert issued.actor.username == "old"
    async with sessionmaker() as session:
        user = (await session.exec(select(User).where(User.username == "old"))).one()
    assert user.password_hash is not None and user.password_hash != outdated
    assert verify_password(user.password_hash, "pw") and not needs_rehash(user.password_hash)


async def test_an_expired_refresh_token_is_refused_without_revoking_the_family(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int, settings: Settings
) -> None:
    async with sessionmaker() as session:
        await add_user(session, org_id, "u", password_hash=hash_password("pw"))
        first = await sessions.login(
            session=session,
            username="u",
            password="pw",
            address="10.0.0.1",
            limiter=InMemoryRateLimiter(),
            settings=settings,
        )
        second = await sessions.refresh(session=session, refresh_token=first.refresh_token, settings=settings)
        await session.commit()
    async with sessionmaker() as session:
        rows = (await session.exec(select(RefreshToken))).all()
        assert len({r.family_id for r in rows}) == 1 and len(rows) == 2
        current = next(r for r in rows if r.revoked_at is None)
        current.expires_at = utcnow() - timedelta(seconds=1)
        session.add(current)
        await session.commit()
    async with sessionmaker() as session:
        with pytest.raises(sessions.InvalidCredentials):
            await sessions.refresh(session=session, refresh_token=second.refresh_token, settings=settings)
        assert (
            await session.exec(select(RefreshToken).where(RefreshToken.id == current.id))
        ).one().revoked_at is None


def test_login_keys_ignore_case_and_spacing() -> None:
    assert sessions.login_keys(" FIN_510000 ", "10.0.0.1") == ("login:user:fin_510000", "login:addr:10.0.0.1")
    assert sessions.login_keys("u", None)[1] == "login:addr:unknown"
