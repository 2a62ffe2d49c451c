"""Login sessions: a password opens one (a refresh-token family), refresh tokens rotate, logout ends it.

A revoked refresh token coming back means it was copied: the whole family is revoked. Service accounts never
log in with a password; they use API tokens.

Failed logins are limited so that guessing is slow but nobody can lock another user out:
- per username and client address (LOGIN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS, 5): that pair is refused
  for the rest of the window; the same user from another address is not;
- per client address (LOGIN_MAX_FAILURES_PER_ADDRESS, 20), whatever the usernames: refused for the window;
- per username from every address (LOGIN_MAX_FAILURES_PER_USERNAME, 50): no lock, a backoff. Beyond the
  threshold one attempt may be checked every few seconds (1, 2, 4 ... LOGIN_BACKOFF_MAX_SECONDS, doubling
  with each further failure); attempts in between are refused unchecked and count nowhere, so the real
  user gets in after the backoff.
"""

import asyncio
import logging
import secrets
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import RefreshToken, User
from src.models.base import utcnow
from src.services.actors import Actor, load_actor
from src.services.errors import AuthErrorCode, DomainError
from src.services.identity.passwords import check_password, hash_password, needs_rehash
from src.services.identity.ratelimit import Limit, RateLimiter
from src.services.identity.tokens import ACCESS_TOKEN_TTL, issue_access_token, sha256
from src.settings import Settings

logger = logging.getLogger(__name__)

MAX_USERNAME_KEY = 100  # usernames are at most 64 characters; longer ones cannot exist
SESSION_EXPIRED = "登录已失效，请重新登录"


class InvalidCredentials(DomainError):
    """Wrong username or password, or an unusable refresh token. Never says which."""

    message = "用户名或密码错误"
    code = AuthErrorCode.INVALID_CREDENTIALS


class TooManyAttempts(DomainError):
    code = AuthErrorCode.TOO_MANY_ATTEMPTS

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"登录尝试过于频繁，请 {retry_after_seconds} 秒后再试")
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class IssuedTokens:
    actor: Actor
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token is valid


async def _issue(session: AsyncSession, actor: Actor, family_id: str, settings: Settings) -> IssuedTokens:
    refresh_token = secrets.token_urlsafe(32)  # 256 bits
    now = utcnow()
    session.add(
        RefreshToken(
            user_id=actor.user_id,
            token_hash=sha256(refresh_token),
            created_at=now,
            expires_at=now + timedelta(days=settings.REFRESH_TOKEN_DAYS),
            family_id=family_id,
        )
    )
    await session.flush()
    return IssuedTokens(
        actor=actor,
        access_token=issue_access_token(actor.user_id, now=now, secret_key=settings.SECRET_KEY),
        refresh_token=refresh_token,
        expires_in=int(ACCESS_TOKEN_TTL.total_seconds()),
    )


@dataclass(frozen=True)
class LoginKeys:
    user_and_address: str
    address: str
    user: str
    user_backoff: str  # exists while the username's backoff runs


def login_keys(username: str, address: str | None) -> LoginKeys:
    """Rate-limit keys; case and spacing variants of a username count against the same one."""
    name = username.strip().casefold()[:MAX_USERNAME_KEY]
    client = address or "unknown"  # an address has no spaces: "<address> <name>" is unambiguous
    return LoginKeys(
        user_and_address=f"login:user+addr:{client} {name}",
        address=f"login:addr:{client}",
        user=f"login:user:{name}",
        user_backoff=f"login:user-backoff:{name}",
    )


def username_backoff_seconds(excess_failures: int, settings: Settings) -> int:
    """1, 2, 4, ... seconds for the 1st, 2nd, 3rd ... failure beyond the per-username threshold, capped."""
    doubled = 1 << min(max(excess_failures, 1) - 1, 30)
    return max(1, min(settings.LOGIN_BACKOFF_MAX_SECONDS, doubled))


async def _throttle(limiter: RateLimiter, keys: LoginKeys, settings: Settings) -> None:
    """Counts the attempt as a failure up front, so that concurrent guesses cannot all slip in under a limit
    while the (slow) checks run; a success takes it back. Raises TooManyAttempts when over a limit."""
    window = settings.LOGIN_FAILURE_WINDOW_SECONDS
    per_pair = Limit(settings.LOGIN_MAX_FAILURES_PER_USERNAME_AND_ADDRESS, window)
    per_address = Limit(settings.LOGIN_MAX_FAILURES_PER_ADDRESS, window)
    over_pair = await limiter.hit(keys.user_and_address, per_pair) > per_pair.max_attempts
    over_address = await limiter.hit(keys.address, per_address) > per_address.max_attempts
    if over_pair or over_address:
        wait = max(
            await limiter.retry_after(keys.user_and_address, per_pair),
            await limiter.retry_after(keys.address, per_address),
        )
        raise TooManyAttempts(max(wait, 1))

    per_user = Limit(settings.LOGIN_MAX_FAILURES_PER_USERNAME, window)
    failures = await limiter.hit(keys.user, per_user)
    if failures <= per_user.max_attempts:
        return
    # Beyond the threshold: an attempt claims the slot, which starts the backoff until the next one.
    backoff = Limit(1, username_backoff_seconds(failures - per_user.max_attempts, settings))
    if await limiter.hit(keys.user_backoff, backoff) > backoff.max_attempts:
        wait = await limiter.retry_after(keys.user_backoff, backoff)
        # Not checked, so not a failure: nobody's count grows (the real user's pair least of all).
        for key in (keys.user, keys.user_and_address, keys.address):
            await limiter.undo(key)
        raise TooManyAttempts(max(wait, 1))


async def login(
    *,
    session: AsyncSession,
    username: str,
    password: str,
    address: str | None,
    limiter: RateLimiter,
    settings: Settings,
) -> IssuedTokens:
    """Check a password and open a session (a new refresh-token family).

    Over a limit of failed attempts (see the module's docstring), refuses without checking the password.
    Does not commit.
    """
    keys = login_keys(username, address)
    await _throttle(limiter, keys, settings)

    user = (await session.exec(select(User).where(User.username == username))).first()
    # argon2 takes tens of milliseconds of CPU: off the event loop, so other requests keep flowing.
    if not await asyncio.to_thread(check_password, user, password):
        raise InvalidCredentials()
    assert user is not None and user.id is not None and user.password_hash is not None
    # The user's own typos from here are forgotten; the username's and the address's counts only lose this
    # attempt (a success must not hand a guesser elsewhere a fresh allowance).
    await limiter.reset(keys.user_and_address)
    await limiter.undo(keys.user)
    await limiter.undo(keys.address)
    if needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, password)
    actor = await load_actor(session=session, user_id=user.id)
    assert actor is not None, "an active user has an organization"
    return await _issue(session, actor, secrets.token_hex(16), settings)


async def _revoke_family(session: AsyncSession, family_id: str) -> None:
    stmt = (
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    await session.exec(stmt)


async def _find(session: AsyncSession, refresh_token: str) -> RefreshToken | None:
    stmt = select(RefreshToken).where(RefreshToken.token_hash == sha256(refresh_token))
    return (await session.exec(stmt)).first()


async def refresh(*, session: AsyncSession, refresh_token: str, settings: Settings) -> IssuedTokens:
    """Exchange a refresh token for new tokens of the same family; the old one is revoked.

    A revoked token coming back means it was copied: the whole family is revoked and that revocation is
    committed here, before refusing (the caller's transaction rolls back on the refusal).
    """
    row = await _find(session, refresh_token)
    if row is None:
        raise InvalidCredentials(SESSION_EXPIRED)
    now = utcnow()
    if row.revoked_at is None and row.expires_at <= now:
        raise InvalidCredentials(SESSION_EXPIRED)
    # The conditional UPDATE decides between two concurrent uses of one token: exactly one rotates it.
    claim = (
        update(RefreshToken)
        .where(col(RefreshToken.id) == row.id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if (await session.exec(claim)).rowcount != 1:
        await _revoke_family(session, row.family_id)
        await session.commit()
        logger.warning("refresh token reused: family %s of user %s revoked", row.family_id, row.user_id)
        raise InvalidCredentials(SESSION_EXPIRED)
    actor = await load_actor(session=session, user_id=row.user_id)
    if actor is None or actor.is_service_account:
        raise InvalidCredentials(SESSION_EXPIRED)
    return await _issue(session, actor, row.family_id, settings)


async def logout(*, session: AsyncSession, refresh_token: str) -> bool:
    """End the session the refresh token belongs to (its whole family); False if the token is unknown.
    Does not commit."""
    row = await _find(session, refresh_token)
    if row is None:
        return False
    await _revoke_family(session, row.family_id)
    return True
