"""API tokens: how service accounts (downstream systems) call the API. Administrators manage them.

The plaintext is shown once; only its SHA-256 hash and a short display prefix are stored. A token narrows
what its account may do, never widens it: a scope (READ runs no mutation), optionally a region (the account
acts only in that subtree) and an expiry. authentication.py authenticates them (with access tokens, by one
set of rules); the actor a token authenticates as carries the first two (Actor.read_only,
Actor.token_region_path), and src/services/policy.py applies them.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from pydantic import BaseModel
from sqlalchemy import or_, update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, Organization, Region, User
from src.models.auth import ApiTokenEventKind, ApiTokenScope
from src.models.base import utcnow
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import ErrorCode, FieldProblem, NotFound, ValidationFailed
from src.services.identity.tokens import aware, sha256
from src.subjects.events import record_event

API_TOKEN_PREFIX = "fp_"
API_TOKEN_DISPLAY_LENGTH = 10  # "fp_" and 7 characters: enough to tell tokens apart, far too few to guess
# last_used_at is informational: writing it on every request would turn each read into a write.
API_TOKEN_TOUCH_INTERVAL = timedelta(minutes=1)
ACTOR_NEUTRAL = "fundperf_actor_neutral"  # an execution option: the statement changes nothing an Actor holds
AUDIT_EXCLUDE = frozenset({"token_hash"})


class ApiTokenSpec(BaseModel):
    """What an administrator asks for (apiTokenCreate's input)."""

    name: str
    username: str
    scope: ApiTokenScope = ApiTokenScope.READ
    region_code: str | None = None  # None: wherever the account's organization acts
    expires_at: datetime | None = None  # None: until revoked; a time without offset is UTC


@dataclass(frozen=True)
class ApiTokenView:
    token: ApiToken
    user: User  # the service account it acts as


@dataclass(frozen=True)
class CreatedApiToken:
    view: ApiTokenView
    plaintext: str  # shown to the administrator once, never stored


async def _token_region(
    session: AsyncSession, user: User | None, region_code: str, problems: list[FieldProblem]
) -> Region | None:
    """The region a token is confined to: it must exist and lie within the account's organization's
    region (a token narrows its account's reach, never widens it)."""
    region = (await session.exec(select(Region).where(Region.code == region_code))).first()
    if region is None:
        problems.append(FieldProblem("input.regionCode", f"区划不存在：{region_code}", ErrorCode.NOT_FOUND))
        return None
    if user is None:
        return region
    home = (
        await session.exec(
            select(Region)
            .join(Organization, col(Organization.region_id) == Region.id)
            .where(Organization.id == user.organization_id)
        )
    ).one()
    if not region.path.startswith(home.path):
        problems.append(
            FieldProblem(
                "input.regionCode",
                f"区划 {region.name} 不在该服务账号所属单位的辖区（{home.name}）之内",
                ErrorCode.OUT_OF_RANGE,
            )
        )
    return region


async def _announce(session: AsyncSession, actor: Actor, token: ApiToken, operation: str) -> None:
    """Creating or revoking a token is an event, for administrators (src/domains/api_tokens.py)."""
    await record_event(
        session=session,
        kind=ApiTokenEventKind.API_TOKEN_CHANGED,
        subject=token,
        actor=actor,
        payload={"operation": operation},
    )


async def create_api_token(
    *, session: AsyncSession, actor: Actor, spec: ApiTokenSpec, now: datetime | None = None
) -> CreatedApiToken:
    """A new API token for a service account (administrators only). Does not commit."""
    policy.require(actor, policy.Action.API_TOKEN_MANAGE)
    problems: list[FieldProblem] = []
    name = spec.name.strip()
    if not name:
        problems.append(FieldProblem("input.name", "请填写令牌名称", ErrorCode.REQUIRED))
    elif len(name) > 100:
        problems.append(FieldProblem("input.name", "令牌名称不能超过 100 个字符", ErrorCode.OUT_OF_RANGE))
    user = (await session.exec(select(User).where(User.username == spec.username))).first()
    if user is None:
        problems.append(FieldProblem("input.username", f"用户不存在：{spec.username}", ErrorCode.NOT_FOUND))
    elif not user.is_service_account:
        problems.append(FieldProblem("input.username", "只能为服务账号创建 API 令牌"))
    elif not user.is_active:
        problems.append(FieldProblem("input.username", "该服务账号已停用"))
    account = user if user is not None and user.is_service_account else None
    region = None
    if spec.region_code is not None:
        region = await _token_region(session, account, spec.region_code, problems)
    expires_at = aware(spec.expires_at) if spec.expires_at is not None else None
    if expires_at is not None and expires_at <= (now or utcnow()):
        problems.append(FieldProblem("input.expiresAt", "到期时间必须晚于当前时间", ErrorCode.OUT_OF_RANGE))
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
        scope=spec.scope,
        region_id=region.id if region is not None else None,
        expires_at=expires_at,
    )
    await audit.created(
        session=session, actor=actor, operation="apiTokenCreate", row=token, exclude=AUDIT_EXCLUDE
    )
    await _announce(session, actor, token, "apiTokenCreate")
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
        await _announce(session, actor, token, "apiTokenRevoke")
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


async def note_api_token_use(*, session: AsyncSession, token: ApiToken, now: datetime) -> None:
    """Records that `token` (just authenticated: src/services/identity/authentication.py) was used at `now`,
    unless it was within API_TOKEN_TOUCH_INTERVAL; commits when it writes."""
    cutoff = now - API_TOKEN_TOUCH_INTERVAL
    if token.last_used_at is not None and aware(token.last_used_at) > cutoff:
        return
    # Conditional: of concurrent requests (or server processes) with one token, one writes a minute.
    touch = (
        update(ApiToken)
        .where(
            col(ApiToken.id) == token.id,
            or_(col(ApiToken.last_used_at).is_(None), col(ApiToken.last_used_at) <= cutoff),
        )
        .values(last_used_at=now)
        # No actor is made of last_used_at: the actor cache keeps its entries (actor_changes.py).
        .execution_options(synchronize_session=False, **{ACTOR_NEUTRAL: True})
    )
    await session.exec(touch)
    await session.commit()
