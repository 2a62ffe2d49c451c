"""Login sessions: password login, refresh-token rotation and expiry, and the login limits (with the rate
limiter in memory and in Redis)."""

import asyncio
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
from src.services.identity.ratelimit import InMemoryRateLimiter, RateLimiter
from src.services.identity.tokens import access_token_user_id
from src.settings import Settings
from tests.conftest import make_settings
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
    assert sessions.login_keys(" FIN_510000 ", "10.0.0.1") == sessions.LoginKeys(
        user_and_address="login:user+addr:10.0.0.1 fin_510000",
        address="login:addr:10.0.0.1",
        user="login:user:fin_510000",
        user_backoff="login:user-backoff:fin_510000",
    )
    assert sessions.login_keys("u", None).address == "login:addr:unknown"
    # An IPv6 address and a username with a colon cannot make another pair's key.
    pair = sessions.login_keys("b:c", "a").user_and_address
    assert pair != sessions.login_keys("c", "a:b").user_and_address


def test_the_username_backoff_doubles_up_to_its_maximum() -> None:
    settings = make_settings()
    assert [sessions.username_backoff_seconds(n, settings) for n in range(1, 10)] == [
        1, 2, 4, 8, 16, 32, 60, 60, 60,
    ]  # fmt: skip
    assert sessions.username_backoff_seconds(10**6, make_settings(LOGIN_BACKOFF_MAX_SECONDS=5)) == 5


def test_login_limits_default_to_a_lock_per_pair_and_a_backoff_per_username() -> None:
    settings = Settings(_env_file=None)
    assert settings.LOGIN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS == 5
    assert settings.LOGIN_MAX_FAILURES_PER_ADDRESS == 20
    assert settings.LOGIN_MAX_FAILURES_PER_USERNAME == 50
    assert settings.FORWARDED_ALLOW_IPS == ""


class Attempts:
    """Logins of user "u" (password "pw") through the service, with one limiter; each says what came of it."""

    def __init__(
        self, sessionmaker: async_sessionmaker[AsyncSession], limiter: RateLimiter, settings: Settings
    ) -> None:
        self.sessionmaker, self.limiter, self.settings = sessionmaker, limiter, settings

    async def __call__(self, password: str, address: str, username: str = "u") -> str:
        async with self.sessionmaker() as session:
            try:
                await sessions.login(
                    session=session,
                    username=username,
                    password=password,
                    address=address,
                    limiter=self.limiter,
                    settings=self.settings,
                )
            except sessions.InvalidCredentials:
                return "invalid"
            except sessions.TooManyAttempts as refused:
                return f"wait {refused.retry_after_seconds}"
            await session.commit()
            return "ok"

    async def sessions_opened(self) -> int:
        async with self.sessionmaker() as session:
            return len((await session.exec(select(RefreshToken))).all())


async def test_wrong_passwords_from_one_address_lock_only_that_address_out(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int, limiter: RateLimiter
) -> None:
    """Finding 6b: five wrong passwords from anywhere used to lock the user out everywhere for 15 minutes."""
    async with sessionmaker() as session:
        await add_user(session, org_id, "u", password_hash=hash_password("pw"))
        await session.commit()
    attempt = Attempts(sessionmaker, limiter, make_settings())
    assert [await attempt("guess", "10.6.6.6") for _ in range(5)] == ["invalid"] * 5
    refused = await attempt("pw", "10.6.6.6")  # the attacker's address: locked for the window
    assert refused.startswith("wait ") and 890 <= int(refused.split()[1]) <= 900
    assert (await attempt("pw", "10.6.6.6", username=" U ")).startswith("wait ")  # case does not help
    assert await attempt("pw", "10.0.0.7") == "ok"  # the real user, elsewhere, is not
    assert await attempt.sessions_opened() == 1


async def test_failures_per_username_from_many_addresses_only_slow_it_down(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int, limiter: RateLimiter
) -> None:
    async with sessionmaker() as session:
        await add_user(session, org_id, "u", password_hash=hash_password("pw"))
        await session.commit()
    settings = make_settings(LOGIN_MAX_FAILURES_PER_USERNAME=3)
    attempt = Attempts(sessionmaker, limiter, settings)
    # A guesser spread over many addresses: no pair and no address reaches its limit.
    assert [await attempt("guess", f"10.1.0.{i}") for i in range(3)] == ["invalid"] * 3
    assert await attempt("guess", "10.1.0.3") == "invalid"  # beyond the threshold: checked, backoff starts
    assert await attempt("guess", "10.1.0.4") == "wait 1"  # within the backoff: refused unchecked
    # The real user is slowed down (seconds, not 15 minutes), and refusals do not count against it: more
    # than its pair's limit of them does not lock it out.
    assert [await attempt("pw", "10.0.0.7") for _ in range(6)] == ["wait 1"] * 6
    await asyncio.sleep(1.1)
    assert await attempt("pw", "10.0.0.7") == "ok"
    assert await attempt.sessions_opened() == 1
