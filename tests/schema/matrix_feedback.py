"""The evaluation feedback's rows of the authorization matrix (Art. 19), imported by
test_authorization_matrix.py into its CASES: 财政厅 creates, writes and sends it (a draft sits at the
province, seen there only); the region's finance, medical security bureau and medical agency acknowledge a
sent one (seen by the region and the province)."""

from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedback, EvaluationFeedbackRecipient, Organization, Region
from src.models.enums import ActorType, Administration
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus
from src.models.feedback import FeedbackStatus
from tests.factories import region_id
from tests.schema.test_authorization_matrix import (
    EVALUATION_INPUT,
    FIN,
    PREFECTURE_TARGET,
    PROVINCE_TARGET,
    TRANSITION,
    Builder,
    Case,
    ids,
    only,
    self_evaluation,
)

REGION = "510100"  # the pooling region fed back (成都)
PROVINCE = "510000"
# The province's cases also place actors in the region, so the letter's recipients exist; they see no draft.
WITH_REGION = {**PROVINCE_TARGET, "part": REGION}
TEXTS: dict[str, Any] = {
    "achievements": "成效", "problems": "问题", "recommendations": "建议", "rectification": "整改",
    "application": "应用",
}  # fmt: skip
ACKNOWLEDGERS = only(("FINANCE", "own"), ("MEDICAL_SECURITY", "own"), ("AGENCY_MED", "own"))


async def body(session: AsyncSession, region: str, actor_type: ActorType) -> int:
    """The region's organization of `actor_type` for the medical fund (finance: the one of the region)."""
    stmt = select(Organization.id).join(Region, col(Region.id) == Organization.region_id)
    stmt = stmt.where(Region.code == region, Organization.actor_type == actor_type)
    if actor_type in (ActorType.AGENCY, ActorType.MEDICAL_SECURITY):
        stmt = stmt.where(Organization.administration == Administration.MEDICAL_SECURITY)
    found = (await session.exec(stmt.order_by(col(Organization.id)))).first()
    assert found is not None
    return found


async def accepted(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    """成都's accepted self-evaluation of `year` (whatever region the case targets)."""
    target = await self_evaluation(SelfEvaluationStatus.ACCEPTED)(session, REGION, year)
    return {**target, "selfEvaluationId": target["id"]}


def feedback_in(status: FeedbackStatus) -> Builder:
    """财政厅's feedback on 成都's accepted self-evaluation of `year`, written; a sent one addressed to 成都's
    three bodies. A draft is the province's only (seen at "own" when the case targets the province)."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        source = await session.get_one(SelfEvaluation, int((await accepted(session, region, year))["id"]))
        row = EvaluationFeedback(
            region_id=source.region_id, province_id=await region_id(session, PROVINCE),
            fund_type_id=source.fund_type_id, year=year, self_evaluation_id=source.id or 0, status=status,
            organization_id=await body(session, PROVINCE, ActorType.FINANCE), **TEXTS,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        if status != FeedbackStatus.DRAFT:
            for actor_type in (ActorType.FINANCE, ActorType.MEDICAL_SECURITY, ActorType.AGENCY):
                recipient = EvaluationFeedbackRecipient(
                    feedback_id=row.id or 0, organization_id=await body(session, REGION, actor_type),
                    actor_type=actor_type,
                )  # fmt: skip
                session.add(recipient)
        await session.flush()
        seen = {"provinceOnly": True} if status == FeedbackStatus.DRAFT else {}
        return {"id": str(row.id), "rowVersion": row.row_version, "status": status.value, **seen}

    return build


def _create_target() -> Builder:
    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        return await accepted(session, region, year)

    return build


FEEDBACK_CASES: dict[str, Case] = {
    # Art. 19: 财政厅牵头 writes and sends the feedback; 「反馈相关地区和经办机构」 acknowledge it.
    "evaluationFeedbackCreate": Case(
        True,
        _create_target(),
        EVALUATION_INPUT.format("evaluationFeedbackCreate", "EvaluationFeedbackCreateInput"),
        lambda t: {"input": {"selfEvaluationId": t["selfEvaluationId"]}},
        FIN,
        relations=WITH_REGION,
    ),
    "evaluationFeedbackUpdate": Case(
        True,
        feedback_in(FeedbackStatus.DRAFT),
        EVALUATION_INPUT.format("evaluationFeedbackUpdate", "EvaluationFeedbackUpdateInput"),
        lambda t: {"input": {**ids(t), "rectification": "30日内整改"}},
        FIN,
        relations=WITH_REGION,
    ),
    "evaluationFeedbackSend": Case(
        True,
        feedback_in(FeedbackStatus.DRAFT),
        TRANSITION.format("evaluationFeedbackSend"),
        ids,
        FIN,
        relations=WITH_REGION,
    ),
    "evaluationFeedbackAcknowledge": Case(
        False,
        feedback_in(FeedbackStatus.SENT),
        "mutation($id: ID!) { evaluationFeedbackAcknowledge(id: $id) { __typename } }",
        lambda t: {"id": t["id"]},
        ACKNOWLEDGERS,
        relations=PREFECTURE_TARGET,
    ),
}
