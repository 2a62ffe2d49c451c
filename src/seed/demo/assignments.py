"""The demo assignment (Art. 17 委托第三方具体实施): one 2025 self-evaluation of a fund pooled at a
prefecture, still a draft, entrusted by that prefecture's finance to the demo third party (THIRD_PARTY_NAME,
user `thirdparty`) from 1 April 2026; the third party's user fills in some of its lines in April, as
itself, so the audit trail shows them as its edits. Through the services, as the API would.

The period runs to 30 June 2027: the demo's today is late 2026, and the README's walkthrough shows the
third party reading and editing what it is assigned now.
"""

from datetime import UTC, date, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, User
from src.models.enums import ActorType, PoolingLevel
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus
from src.services.actors import load_actor
from src.services.assignments.assignments import AssignmentRequest, create_assignment
from src.services.evaluation.self_evaluation_edits import LineEdit, SelfEvaluationEdit, update_self_evaluation
from src.services.evaluation.self_evaluations import lines_of

STARTS_ON, ENDS_ON = date(2026, 4, 1), date(2027, 6, 30)
ASSIGNED_AT = datetime(2026, 3, 25, 2, tzinfo=UTC)  # 10:00 Beijing time, before the period
EDITED_AT = datetime(2026, 4, 20, 2, tzinfo=UTC)
NOTE = "委托第三方机构具体实施2025年度绩效自评（第十七条），经办机构配合提供资料"
CAUSE = "（第三方评价）经核查，年度内参保扩面工作推进不均衡，部分县（市、区）完成进度偏慢。"
MEASURES = "（第三方建议）建立按月调度机制，对进度滞后的县（市、区）开展专项督导。"


async def _user(session: AsyncSession, actor_type: ActorType, region_id: int | None = None) -> User:
    stmt = select(User).join(Organization, col(Organization.id) == User.organization_id)
    stmt = stmt.where(Organization.actor_type == actor_type, col(User.is_service_account).is_(False))
    if region_id is not None:
        stmt = stmt.where(Organization.region_id == region_id)
    user = (await session.exec(stmt.order_by(col(User.id)))).first()
    assert user is not None and user.id is not None
    return user


async def add_assignment(session: AsyncSession) -> int:
    """The assignment and the third party's edits; the number of assignments made (0 without a draft)."""
    drafts = select(SelfEvaluation).where(
        SelfEvaluation.status == SelfEvaluationStatus.DRAFT,
        SelfEvaluation.pooling_level == PoolingLevel.PREFECTURE,
    )
    evaluation = (await session.exec(drafts.order_by(col(SelfEvaluation.id)))).first()
    if evaluation is None or evaluation.id is None:
        return 0
    finance = await load_actor(
        session=session, user_id=(await _user(session, ActorType.FINANCE, evaluation.region_id)).id or 0
    )
    assert finance is not None
    firm_user = await _user(session, ActorType.THIRD_PARTY)
    request = AssignmentRequest(
        "SelfEvaluation", evaluation.id, firm_user.organization_id, STARTS_ON, ENDS_ON, NOTE
    )
    row = await create_assignment(session=session, actor=finance, request=request, now=ASSIGNED_AT)
    row.created_at = row.updated_at = ASSIGNED_AT
    firm = await load_actor(session=session, user_id=firm_user.id or 0, now=EDITED_AT)
    assert firm is not None and firm.assignments
    lines = await lines_of(session, evaluation.id)
    explained = [line for line in lines if not line.met or line.deviates][:2] or lines[:1]
    edit = SelfEvaluationEdit(
        lines=tuple(
            LineEdit(indicator_lineage_id=line.indicator_lineage_id, cause=CAUSE, measures=MEASURES)
            for line in explained
        )
    )
    await update_self_evaluation(
        session=session,
        actor=firm,
        evaluation_id=evaluation.id,
        row_version=evaluation.row_version,
        edit=edit,
    )
    return 1
