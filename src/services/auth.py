"""Credentials: passwords, access tokens (JWT), refresh tokens, API tokens, and turning a request's
credentials into an Actor.

Only hashes of refresh and API tokens are stored. Refresh tokens rotate on every use, and a family (the
tokens descending from one login) is revoked as a whole when one of its used tokens comes back: a sign
that it was stolen. Service accounts never log in with a password; they use API tokens.
"""

import asyncio
import hashlib
import logging
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, RefreshToken, User
from src.models.base import utcnow
from src.services import audit
from src.services.actors import Actor, load_actor
from src.services.errors import (
    DomainError,
    ErrorCode,
    FieldProblem,
    Forbidden,
    NotFound,
    Unauthenticated,
    ValidationFailed,
)
from src.services.ratelimit import Limit, RateLimiter
from src.settings import Settings
from src.settings import settings as default_settings

logger = logging.getLogger(__name__)

ACCESS_TOKEN_TTL = timedelta(minutes=15)
JWT_ALGORITHM = "HS256"
API_TOKEN_PREFIX = "fp_"
API_TOKEN_DISPLAY_LENGTH = 10  # "fp_" and 7 characters: enough to tell tokens apart, far too few to guess
# last_used_at is informational: writing it on every request would turn each read into a write.
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
MAX_USERNAME_KEY = 100  # usernames are at most 64 characters; longer ones cannot exist
_hasher = PasswordHasher()


class InvalidCredentials(DomainError):
    """Wrong username or password, or an unusable refresh token. Never says which."""

    message = "用户名或密码错误"
    code = "INVALID_CREDENTIALS"


class TooManyAttempts(DomainError):
    code = "TOO_MANY_ATTEMPTS"

    def __init__(self, retry_after_seconds: int) -> None:
        super().__init__(f"登录尝试过于频繁，请 {retry_after_seconds} 秒后再试")
        self.retry_after_seconds = retry_after_seconds


SESSION_EXPIRED = "登录已失效，请重新登录"


# --- passwords -----------------------------------------------------------------------------------------


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_urlsafe(16))


def _check_password(user: User | None, password: str) -> bool:
    if user is None or not user.is_active or user.is_service_account or not user.password_hash:
        # The same argon2 work as a real check, so timing does not tell which usernames can log in.
        verify_password(_dummy_hash(), password)
        return False
    return verify_password(user.password_hash, password)


# --- access tokens ---------------------------------------------------------------------------------------


def issue_access_token(
    user_id: int,
    *,
    now: datetime | None = None,
    ttl: timedelta = ACCESS_TOKEN_TTL,
    secret_key: str | None = None,
) -> str:
    now = now or datetime.now(UTC)
    claims = {
        "sub": str(user_id),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
        "typ": "access",
    }
    return jwt.encode(claims, secret_key or default_settings.SECRET_KEY, algorithm=JWT_ALGORITHM)


def access_token_user_id(token: str, *, secret_key: str | None = None) -> int | None:
    """The user id of a valid, unexpired access token; None for anything else."""
    try:
        claims = jwt.decode(
            token,
            secret_key or default_settings.SECRET_KEY,
            algorithms=[JWT_ALGORITHM],
            options={"require": ["exp", "sub"]},
        )
    except jwt.PyJWTError:
        return None
    if claims.get("typ") != "access":
        return None
    try:
        return int(claims["sub"])
    except (TypeError, ValueError):
        return None


def bearer_token(authorization: str | None) -> str | None:
    if not authorization:
        return None
    scheme, _, token = authorization.partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def connection_authorization(params: Mapping[str, object] | None) -> str | None:
    """The Authorization value of a WebSocket connection_init payload; None when it carries none.

    A value that is present but not a string is returned as "" so that it is refused, not ignored.
    """
    if not params:
        return None
    value = params.get("Authorization", params.get("authorization"))
    if value is None:
        return None
    return value if isinstance(value, str) else ""


async def authenticate(
    *,
    session: AsyncSession,
    authorization: str | None,
    secret_key: str | None = None,
    now: datetime | None = None,
) -> Actor | None:
    """The actor behind an `Authorization: Bearer ...` value (access token or API token), or None when
    absent or invalid. May commit `session` (an API token's last_used_at)."""
    token = bearer_token(authorization)
    if token is None:
        return None
    if token.startswith(API_TOKEN_PREFIX):
        return await _api_token_actor(session, token, now or utcnow())
    user_id = access_token_user_id(token, secret_key=secret_key)
    if user_id is None:
        return None
    actor = await load_actor(session=session, user_id=user_id)
    # A user turned into a service account since the token was issued no longer logs in interactively.
    return None if actor is None or actor.is_service_account else actor


# --- login, refresh, logout ------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedTokens:
    actor: Actor
    access_token: str
    refresh_token: str
    expires_in: int  # seconds the access token is valid


def _sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _aware(value: datetime) -> datetime:
    # SQLite hands back naive datetimes; every stored time is UTC.
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


async def _issue(session: AsyncSession, actor: Actor, family_id: str, config: Settings) -> IssuedTokens:
    refresh_token = secrets.token_urlsafe(32)  # 256 bits
    now = utcnow()
    session.add(
        RefreshToken(
            user_id=actor.user_id,
            token_hash=_sha256(refresh_token),
            created_at=now,
            expires_at=now + timedelta(days=config.REFRESH_TOKEN_DAYS),
            family_id=family_id,
        )
    )
    await session.flush()
    return IssuedTokens(
        actor=actor,
        access_token=issue_access_token(actor.user_id, now=now, secret_key=config.SECRET_KEY),
        refresh_token=refresh_token,
        expires_in=int(ACCESS_TOKEN_TTL.total_seconds()),
    )


def login_keys(username: str, address: str | None) -> tuple[str, str]:
    """Rate-limit keys; case and spacing variants of a username count against the same one."""
    return (
        f"login:user:{username.strip().casefold()[:MAX_USERNAME_KEY]}",
        f"login:addr:{address or 'unknown'}",
    )


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

    Over the limit of failed attempts for the username or the address, refuses without checking the
    password. Does not commit.
    """
    user_key, address_key = login_keys(username, address)
    per_user = Limit(settings.LOGIN_MAX_FAILURES_PER_USERNAME, settings.LOGIN_FAILURE_WINDOW_SECONDS)
    per_address = Limit(settings.LOGIN_MAX_FAILURES_PER_ADDRESS, settings.LOGIN_FAILURE_WINDOW_SECONDS)
    # Count the attempt as a failure before checking: concurrent guesses cannot all slip in under the
    # limit while the (slow) checks run. A success takes it back.
    over_user = await limiter.hit(user_key, per_user) > per_user.max_attempts
    over_address = await limiter.hit(address_key, per_address) > per_address.max_attempts
    if over_user or over_address:
        wait = max(
            await limiter.retry_after(user_key, per_user),
            await limiter.retry_after(address_key, per_address),
        )
        raise TooManyAttempts(max(wait, 1))

    user = (await session.exec(select(User).where(User.username == username))).first()
    # argon2 takes tens of milliseconds of CPU: off the event loop, so other requests keep flowing.
    if not await asyncio.to_thread(_check_password, user, password):
        raise InvalidCredentials()
    assert user is not None and user.id is not None and user.password_hash is not None
    await limiter.reset(user_key)
    await limiter.undo(address_key)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = await asyncio.to_thread(hash_password, password)
    actor = await load_actor(session=session, user_id=user.id)
    assert actor is not None, "an active user has an organization"
    return await _issue(session, actor, secrets.token_hex(16), settings)


async def _revoke_family(session: AsyncSession, family_id: str, now: datetime) -> None:
    stmt = (
        update(RefreshToken)
        .where(col(RefreshToken.family_id) == family_id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    await session.exec(stmt)


async def refresh(*, session: AsyncSession, refresh_token: str, settings: Settings) -> IssuedTokens:
    """Exchange a refresh token for new tokens of the same family; the old one is revoked.

    A revoked token coming back means it was copied: the whole family is revoked and that revocation is
    committed here, before refusing (the caller's transaction rolls back on the refusal).
    """
    row = (
        await session.exec(select(RefreshToken).where(RefreshToken.token_hash == _sha256(refresh_token)))
    ).first()
    if row is None:
        raise InvalidCredentials(SESSION_EXPIRED)
    now = utcnow()
    if row.revoked_at is None and _aware(row.expires_at) <= now:
        raise InvalidCredentials(SESSION_EXPIRED)
    # The conditional UPDATE decides between two concurrent uses of one token: exactly one rotates it.
    claim = (
        update(RefreshToken)
        .where(col(RefreshToken.id) == row.id, col(RefreshToken.revoked_at).is_(None))
        .values(revoked_at=now)
        .execution_options(synchronize_session=False)
    )
    if (await session.exec(claim)).rowcount != 1:
        await _revoke_family(session, row.family_id, now)
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
    row = (
        await session.exec(select(RefreshToken).where(RefreshToken.token_hash == _sha256(refresh_token)))
    ).first()
    if row is None:
        return False
    await _revoke_family(session, row.family_id, utcnow())
    return True


# --- API tokens --------------------------------------------------------------------------------------------


def require_admin(actor: Actor | None) -> Actor:
    if actor is None:
        raise Unauthenticated()
    if not actor.is_admin:
        raise Forbidden("仅系统管理员可以管理 API 令牌")
    return actor


@dataclass(frozen=True)
class ApiTokenView:
    token: ApiToken
    user: User  # the service account it acts as


@dataclass(frozen=True)
class CreatedApiToken:
    view: ApiTokenView
    plaintext: str  # shown to the administrator once, never stored


AUDIT_EXCLUDE = frozenset({"token_hash"})


async def create_api_token(
    *, session: AsyncSession, actor: Actor | None, name: str, username: str
) -> CreatedApiToken:
    """A new API token for a service account (administrators only). Does not commit."""
    admin = require_admin(actor)
    problems: list[FieldProblem] = []
    name = name.strip()
    if not name:
        problems.append(FieldProblem("input.name", "请填写令牌名称", ErrorCode.REQUIRED))
    elif len(name) > 100:
        problems.append(FieldProblem("input.name", "令牌名称不能超过 100 个字符", ErrorCode.OUT_OF_RANGE))
    user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None:
        problems.append(FieldProblem("input.username", f"用户不存在：{username}", ErrorCode.NOT_FOUND))
    elif not user.is_service_account:
        problems.append(FieldProblem("input.username", "只能为服务账号创建 API 令牌"))
    elif not user.is_active:
        problems.append(FieldProblem("input.username", "该服务账号已停用"))
    if problems:
        raise ValidationFailed(problems)
    assert user is not None and user.id is not None

    plaintext = API_TOKEN_PREFIX + secrets.token_urlsafe(30)  # 40 characters, 240 random bits
    token = ApiToken(
        name=name,
        user_id=user.id,
        prefix=plaintext[:API_TOKEN_DISPLAY_LENGTH],
        token_hash=_sha256(plaintext),
        created_by_id=admin.user_id,
    )
    session.add(token)
    await session.flush()
    await audit.record(
        session=session,
        actor=admin,
        operation="apiTokenCreate",
        target_type="ApiToken",
        target_id=token.id,
        before={},
        after=audit.snapshot(token, exclude=AUDIT_EXCLUDE),
    )
    return CreatedApiToken(ApiTokenView(token, user), plaintext)


async def revoke_api_token(*, session: AsyncSession, actor: Actor | None, token_id: int) -> ApiTokenView:
    """Revoke an API token (administrators only); revoking a revoked one changes nothing. Does not commit."""
    admin = require_admin(actor)
    row = (
        await session.exec(
            select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id).where(ApiToken.id == token_id)
        )
    ).first()
    if row is None:
        raise NotFound("API 令牌", token_id)
    token, user = row
    if token.revoked_at is None:
        before = audit.snapshot(token, exclude=AUDIT_EXCLUDE)
        token.revoked_at = utcnow()
        session.add(token)
        await session.flush()
        await audit.record(
            session=session,
            actor=admin,
            operation="apiTokenRevoke",
            target_type="ApiToken",
            target_id=token.id,
            before=before,
            after=audit.snapshot(token, exclude=AUDIT_EXCLUDE),
        )
    return ApiTokenView(token, user)


async def list_api_tokens(
    *, session: AsyncSession, actor: Actor | None, include_revoked: bool = True
) -> list[ApiTokenView]:
    """Every API token, newest first (administrators only)."""
    require_admin(actor)
    stmt = select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id)
    if not include_revoked:
        stmt = stmt.where(col(ApiToken.revoked_at).is_(None))
    rows = (await session.exec(stmt.order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc()))).all()
    return [ApiTokenView(token, user) for token, user in rows]


async def _api_token_actor(session: AsyncSession, token: str, now: datetime) -> Actor | None:
    row = (await session.exec(select(ApiToken).where(ApiToken.token_hash == _sha256(token)))).first()
    if row is None or row.revoked_at is not None:
        return None
    actor = await load_actor(session=session, user_id=row.user_id)
    if actor is None or not actor.is_service_account:
        return None
    if row.last_used_at is None or _aware(row.last_used_at) <= now - API_TOKEN_TOUCH_INTERVAL:
        cutoff = now - API_TOKEN_TOUCH_INTERVAL
        touch = (
            update(ApiToken)
            .where(
                col(ApiToken.id) == row.id,
                or_(col(ApiToken.last_used_at).is_(None), col(ApiToken.last_used_at) <= cutoff),
            )
            .values(last_used_at=now)
            .execution_options(synchronize_session=False)
        )
        await session.exec(touch)
        await session.commit()
    return actor
