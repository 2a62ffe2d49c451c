"""API tokens: how service accounts (downstream systems) call the API. Administrators manage them.

The plaintext is shown once; only its SHA-256 hash and a short display prefix are stored.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, User
from src.models.base import utcnow
from src.services import audit, policy
from src.services.actors import Actor, load_actor
from src.services.errors import ErrorCode, FieldProblem, NotFound, ValidationFailed
from src.services.identity.tokens import aware, sha256

API_TOKEN_PREFIX = "fp_"
API_TOKEN_DISPLAY_LENGTH = 10  # "fp_" and 7 characters: enough to tell tokens apart, far too few to guess
# last_used_at is informational: writing it on every request would turn each read into a write.
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
AUDIT_EXCLUDE = frozenset({"token_hash"})


@dataclass(frozen=True)
class ApiTokenView:
    token: ApiToken
    user: User  # the service account it acts as


@dataclass(frozen=True)
class CreatedApiToken:
    view: ApiTokenView
    plaintext: str  # shown to the administrator once, never stored


async def create_api_token(
    *, session: AsyncSession, actor: Actor, name: str, username: str
) -> CreatedApiToken:
    """A new API token for a service account (administrators only). Does not commit."""
    policy.require(actor, policy.Action.API_TOKEN_MANAGE)
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
        token_hash=sha256(plaintext),
        created_by_id=actor.user_id,
    )
    await audit.created(
        session=session, actor=actor, operation="apiTokenCreate", row=token, exclude=AUDIT_EXCLUDE
    )
    return CreatedApiToken(ApiTokenView(token, user), plaintext)


async def revoke_api_token(*, session: AsyncSession, actor: Actor, token_id: int) -> ApiTokenView:
    """Revoke an API token (administrators only); revoking a revoked one changes nothing. Does not commit."""
    policy.require(actor, policy.Action.API_TOKEN_MANAGE)
    row = (
        await session.exec(
            select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id).where(ApiToken.id == token_id)
        )
    ).first()
    if row is None:
        raise NotFound("API 令牌", token_id)
    token, user = row
    if token.revoked_at is None:
        async with audit.changing(
            session=session, actor=actor, operation="apiTokenRevoke", row=token, exclude=AUDIT_EXCLUDE
        ):
            token.revoked_at = utcnow()
    return ApiTokenView(token, user)


async def list_api_tokens(
    *, session: AsyncSession, actor: Actor, include_revoked: bool = True
) -> list[ApiTokenView]:
    """Every API token, newest first (administrators only)."""
    policy.require(actor, policy.Action.API_TOKEN_MANAGE)
    stmt = select(ApiToken, User).join(User, col(User.id) == ApiToken.user_id)
    if not include_revoked:
        stmt = stmt.where(col(ApiToken.revoked_at).is_(None))
    rows = (await session.exec(stmt.order_by(col(ApiToken.created_at).desc(), col(ApiToken.id).desc()))).all()
    return [ApiTokenView(token, user) for token, user in rows]


async def api_token_actor(session: AsyncSession, token: str, now: datetime) -> Actor | None:
    """The service account behind a live API token; notes its use (at most once a minute) and commits."""
    row = (await session.exec(select(ApiToken).where(ApiToken.token_hash == sha256(token)))).first()
    if row is None or row.revoked_at is not None:
        return None
    actor = await load_actor(session=session, user_id=row.user_id)
    if actor is None or not actor.is_service_account:
        return None
    if row.last_used_at is None or aware(row.last_used_at) <= now - API_TOKEN_TOUCH_INTERVAL:
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
