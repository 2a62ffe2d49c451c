"""Registering webhooks: administrators create, change and delete them. Inputs are checked here, before
anything is stored; the secret is stored to sign deliveries and never shown again (nor audited)."""

from pydantic import BaseModel
from sqlalchemy import func
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.filters import resolve_filter
from src.events.reads import data_version
from src.events.webhooks.targets import TargetRules
from src.events.webhooks.validation import checked_url_problem, name_problem, secret_problem
from src.models import FundType, Region, User
from src.models.base import utcnow
from src.models.webhook import Webhook, WebhookEventKind
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import ErrorCode, FieldProblem, Forbidden, NotFound, ValidationFailed
from src.subjects.events import record_event

MAX_WEBHOOKS = 100  # `webhooks` lists them all
MANAGE_MESSAGE = "仅系统管理员可以管理 Webhook"
ENTITY = "Webhook"
# Not in the audit trail: the secret, and what the dispatcher changes on every delivery.
AUDIT_EXCLUDE = frozenset({"secret", "updated_at", "lease_until", "retry_at", "last_event_id"})
CHANGEABLE = ("name", "url", "secret", "enabled")  # webhookUpdate's fields, as the API names them


class WebhookSpec(BaseModel):
    """What an administrator registers (webhookCreate's input)."""

    name: str
    url: str
    secret: str
    username: str  # the user whose visibility the hook has
    kinds: list[str] = []  # registered event kinds; empty: every kind
    region_code: str | None = None
    include_descendants: bool = True
    fund_type_code: str | None = None


class WebhookChanges(BaseModel):
    """webhookUpdate: None leaves a value as it is."""

    name: str | None = None
    url: str | None = None
    secret: str | None = None
    enabled: bool | None = None


async def _announce(
    session: AsyncSession, actor: Actor, hook: Webhook, operation: str, **touched: object
) -> None:
    """Every change of a hook is an event, for administrators (src/domains/webhooks.py); never its secret."""
    payload = {"operation": operation, **touched}
    await record_event(
        session=session, kind=WebhookEventKind.WEBHOOK_CHANGED, subject=hook, actor=actor, payload=payload
    )


def require_manager(actor: Actor) -> None:
    """Administrators manage webhooks, under the rule that lets them manage API tokens (policy.py): not
    with a read-only token, nor with one confined to a region (a hook spans every region)."""
    if not policy.allowed(actor, policy.Action.API_TOKEN_MANAGE):
        raise Forbidden(policy.READ_ONLY_MESSAGE if actor.read_only else MANAGE_MESSAGE)


def _problems(*found: FieldProblem | None) -> list[FieldProblem]:
    return [p for p in found if p is not None]


async def _hook_user(session: AsyncSession, username: str, problems: list[FieldProblem]) -> User | None:
    user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None:
        problems.append(FieldProblem("input.username", f"用户不存在：{username}", ErrorCode.NOT_FOUND))
    elif not user.is_active:
        problems.append(FieldProblem("input.username", "该用户已停用"))
    return user


async def _filter_ids(
    session: AsyncSession, spec: WebhookSpec, problems: list[FieldProblem]
) -> tuple[int | None, int | None]:
    """The region and fund the filter names, by id; unknown codes are problems of `input.filter`."""
    try:
        await resolve_filter(
            session=session,
            region_code=spec.region_code,
            fund_type_code=spec.fund_type_code,
            field_prefix="input.filter",
        )
    except ValidationFailed as exc:
        problems.extend(exc.problems)
        return None, None
    region_id = fund_type_id = None
    if spec.region_code is not None:
        region_id = (await session.exec(select(Region.id).where(Region.code == spec.region_code))).one()
    if spec.fund_type_code is not None:
        fund_type_id = (
            await session.exec(select(FundType.id).where(FundType.code == spec.fund_type_code))
        ).one()
    return region_id, fund_type_id


async def create_webhook(
    *, session: AsyncSession, actor: Actor, spec: WebhookSpec, targets: TargetRules
) -> Webhook:
    """A new, enabled hook; it receives the events written from now on. `targets`: where a hook may send
    (WEBHOOK_ALLOWED_NETWORKS). Does not commit."""
    require_manager(actor)
    # The URL's host is resolved before the first statement: no transaction waits for DNS.
    problems = _problems(
        name_problem("input.name", spec.name),
        await checked_url_problem("input.url", spec.url, targets),
        secret_problem("input.secret", spec.secret),
    )
    user = await _hook_user(session, spec.username, problems)
    region_id, fund_type_id = await _filter_ids(session, spec, problems)
    count = (await session.exec(select(func.count()).select_from(Webhook))).one()
    if count >= MAX_WEBHOOKS:
        problems.append(FieldProblem("input", f"Webhook 最多 {MAX_WEBHOOKS} 个", ErrorCode.OUT_OF_RANGE))
    if problems:
        raise ValidationFailed(problems)
    assert user is not None and user.id is not None
    hook = Webhook(
        name=spec.name.strip(),
        url=spec.url,
        secret=spec.secret,
        user_id=user.id,
        kinds=sorted({str(kind) for kind in spec.kinds}),
        region_id=region_id,
        include_descendants=spec.include_descendants,
        fund_type_id=fund_type_id,
        last_event_id=await data_version(session=session),
        created_by_id=actor.user_id,
    )
    await audit.created(
        session=session, actor=actor, operation="webhookCreate", row=hook, exclude=AUDIT_EXCLUDE
    )
    await _announce(session, actor, hook, "webhookCreate")
    return hook


async def _get(session: AsyncSession, webhook_id: int) -> Webhook:
    hook = await session.get(Webhook, webhook_id)
    if hook is None:
        raise NotFound(ENTITY, webhook_id)
    return hook


async def update_webhook(
    *,
    session: AsyncSession,
    actor: Actor,
    webhook_id: int,
    row_version: int,
    changes: WebhookChanges,
    targets: TargetRules,
) -> Webhook:
    """Changes a hook. Enabling a disabled one starts afresh: no failures counted, no reason, no retry
    waiting; so does a new URL or secret (the next attempt goes out at once). A URL given is checked
    against `targets` (WEBHOOK_ALLOWED_NETWORKS). Does not commit."""
    require_manager(actor)
    hook = await _get(session, webhook_id)
    url = changes.url
    problems = _problems(
        name_problem("input.name", changes.name) if changes.name is not None else None,
        await checked_url_problem("input.url", url, targets) if url is not None else None,
        secret_problem("input.secret", changes.secret) if changes.secret is not None else None,
    )
    if problems:
        raise ValidationFailed(problems)
    await claim(session=session, row=hook, expected_version=row_version)
    before = {name: getattr(hook, name) for name in CHANGEABLE}
    async with audit.changing(
        session=session, actor=actor, operation="webhookUpdate", row=hook, exclude=AUDIT_EXCLUDE
    ) as extra:
        hook.updated_at = utcnow()  # claim() set it in the database; the row returned shows it too
        if changes.name is not None:
            hook.name = changes.name.strip()
        if changes.url is not None and changes.url != hook.url:
            hook.url = changes.url
            hook.retry_at = None
        if changes.secret is not None and changes.secret != hook.secret:
            hook.secret = changes.secret
            hook.retry_at = None
            extra["secretChanged"] = True
        if changes.enabled is True and not hook.enabled:
            hook.enabled = True
            hook.consecutive_failures = 0
            hook.disabled_reason = None
            hook.retry_at = None
        elif changes.enabled is False:
            hook.enabled = False
    fields = [name for name in CHANGEABLE if getattr(hook, name) != before[name]]
    await _announce(session, actor, hook, "webhookUpdate", fields=fields)
    return hook


async def delete_webhook(*, session: AsyncSession, actor: Actor, webhook_id: int) -> int:
    """Deletes a hook and its delivery records. Does not commit."""
    require_manager(actor)
    hook = await _get(session, webhook_id)
    before = audit.snapshot(hook, exclude=AUDIT_EXCLUDE)
    await _announce(session, actor, hook, "webhookDelete")
    await session.delete(hook)
    await session.flush()
    await audit.record(
        session=session,
        actor=actor,
        operation="webhookDelete",
        target_type=ENTITY,
        target_id=webhook_id,
        before=before,
        after={},
    )
    return webhook_id
