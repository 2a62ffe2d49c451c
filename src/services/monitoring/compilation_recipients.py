"""Who a compilation goes to and their acknowledgement (Art. 13): 财政厅、人力资源社会保障厅、省医保局、
省税务局 — the province's body of each of the four types — each acknowledges (签收) it once."""

from sqlalchemy import update
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import MonitoringCompilationRecipient, Organization, Region
from src.models.base import utcnow
from src.models.enums import ActorType, RegionLevel, label_zh
from src.models.monitoring import CompilationEventKind, CompilationStatus, MonitoringCompilation
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import (
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    PreconditionFailed,
)
from src.services.monitoring.compilation_reads import visible_compilation
from src.subjects.events import record_event

# In the order the text names them (and 主送 lists them).
RECIPIENT_TYPES = (ActorType.FINANCE, ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX)
# As Art. 13 names them (「报财政厅、人力资源社会保障厅、省医保局、省税务局」), where a body is not on record.
RECIPIENT_NAMES = dict(
    zip(RECIPIENT_TYPES, ("财政厅", "人力资源社会保障厅", "省医保局", "省税务局"), strict=True)
)


async def provincial_recipients(session: AsyncSession, region: Region) -> list[Organization]:
    """财政厅、人社厅、省医保局、省税务局: the province's body of each of the four types (the first on
    record)."""
    province = region
    while province.level != RegionLevel.PROVINCE and province.parent_id is not None:
        above = await session.get(Region, province.parent_id)
        assert above is not None
        province = above
    stmt = select(Organization).where(
        Organization.region_id == province.id, col(Organization.actor_type).in_(list(RECIPIENT_TYPES))
    )
    found: dict[ActorType, Organization] = {}
    for organization in (await session.exec(stmt.order_by(col(Organization.id)))).all():
        found.setdefault(organization.actor_type, organization)
    missing = [label_zh(t) for t in RECIPIENT_TYPES if t not in found]
    if missing:
        raise PreconditionFailed(
            f"{province.name}尚未设置{'、'.join(missing)}，汇总报告无处报送；请系统管理员先建立这些单位",
            code=MonitoringReportErrorCode.RECIPIENT_MISSING,
        )
    return [found[t] for t in RECIPIENT_TYPES]


async def acknowledge_compilation(
    *, session: AsyncSession, actor: Actor, compilation_id: int
) -> MonitoringCompilation:
    """A recipient acknowledges a sent compilation (签收), once. Recipients act independently: no
    row_version to name, the recipient's own row decides (one acknowledgement each, even at once)."""
    compilation, scope = await visible_compilation(
        session=session, actor=actor, compilation_id=compilation_id
    )
    policy.require(actor, policy.Action.MONITORING_COMPILATION_ACKNOWLEDGE, scope)
    operation = "monitoringCompilationAcknowledge"
    if compilation.status != CompilationStatus.SENT:
        raise InvalidTransition(
            "汇总报告尚未报送", current_status=compilation.status.value, operation=operation,
            code=GoalErrorCode.WRONG_STATUS,
        )  # fmt: skip
    stmt = select(MonitoringCompilationRecipient).where(
        MonitoringCompilationRecipient.compilation_id == compilation.id,
        MonitoringCompilationRecipient.organization_id == actor.organization_id,
    )
    recipient = (await session.exec(stmt)).first()
    if recipient is None:
        raise Forbidden("该汇总报告未报送本单位，无需签收")
    now = utcnow()
    claimed = await session.exec(
        update(MonitoringCompilationRecipient)
        .where(col(MonitoringCompilationRecipient.id) == recipient.id)
        .where(col(MonitoringCompilationRecipient.acknowledged_at).is_(None))
        .values(acknowledged_at=now)
        .execution_options(synchronize_session=False)
    )
    if claimed.rowcount != 1:
        raise InvalidTransition(
            "本单位已签收该汇总报告", current_status=compilation.status.value, operation=operation,
            code=MonitoringReportErrorCode.ALREADY_ACKNOWLEDGED,
        )  # fmt: skip
    await audit.record(
        session=session,
        actor=actor,
        operation=operation,
        target_type="MonitoringCompilationRecipient",
        target_id=recipient.id,
        before={"acknowledged_at": None},
        after={"acknowledged_at": now.isoformat()},
        extra={"compilation_id": compilation.id},
    )
    payload = {"organizationId": actor.organization_id, "acknowledgedAt": now.isoformat()}
    await record_event(
        session=session,
        kind=CompilationEventKind.MONITORING_COMPILATION_ACKNOWLEDGED,
        subject=compilation,
        actor=actor,
        payload=payload,
    )
    return compilation
