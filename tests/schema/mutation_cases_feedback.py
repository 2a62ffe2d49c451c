"""The evaluation feedback's mutations (Art. 19), one successful call each, as tests/schema/mutation_cases.py
has every other mutation's (which imports this module to register them)."""

from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedback, EvaluationFeedbackRecipient, SelfEvaluation
from src.models.enums import ActorType
from src.models.evaluation import SelfEvaluationStatus
from src.models.feedback import FeedbackStatus
from src.services.actors import Actor
from tests.factories import make_actor, region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import (
    MED,
    PREFECTURE,
    PROVINCE,
    Call,
    by_id,
    by_input,
    case,
    self_evaluation,
)

TEXTS: dict[str, Any] = {
    "achievements": "基金运行平稳", "problems": "执行率偏低", "recommendations": "加强预算执行",
    "rectification": "按期整改", "application": "与下年度预算安排挂钩",
}  # fmt: skip


async def bodies(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Actor]:
    """财政厅, 省医保局, 省税务局 and 成都's finance, medical security bureau and medical agency: the letter's
    issuers and recipients (a user of each, so each organization exists)."""
    wanted = {
        "finance": (ActorType.FINANCE, PROVINCE, None),
        "medical": (ActorType.MEDICAL_SECURITY, PROVINCE, MED),
        "tax": (ActorType.TAX, PROVINCE, None),
        "region_finance": (ActorType.FINANCE, PREFECTURE, None),
        "region_medical": (ActorType.MEDICAL_SECURITY, PREFECTURE, MED),
        "region_agency": (ActorType.AGENCY, PREFECTURE, MED),
    }
    return {
        name: await make_actor(sessionmaker, actor_type=t, region_code=code, administration=a)
        for name, (t, code, a) in wanted.items()
    }


async def feedback(gql: GraphQLClient, status: FeedbackStatus) -> dict[str, Any]:
    """财政厅's feedback on 成都's accepted 2025 self-evaluation in `status`, written; a sent one addressed
    to 成都's three bodies."""
    actors = await bodies(gql.sessionmaker)
    evaluation = await self_evaluation(gql, SelfEvaluationStatus.ACCEPTED)
    async with gql.sessionmaker() as s:
        source = await s.get_one(SelfEvaluation, int(evaluation["id"]))
        row = EvaluationFeedback(
            region_id=source.region_id, province_id=await region_id(s, PROVINCE),
            fund_type_id=source.fund_type_id, year=source.year, self_evaluation_id=source.id or 0,
            status=status, organization_id=actors["finance"].organization_id, **TEXTS,
        )  # fmt: skip
        s.add(row)
        await s.flush()
        if status != FeedbackStatus.DRAFT:
            for name in ("region_finance", "region_medical", "region_agency"):
                s.add(
                    EvaluationFeedbackRecipient(
                        feedback_id=row.id or 0, organization_id=actors[name].organization_id,
                        actor_type=actors[name].actor_type,
                    )
                )  # fmt: skip
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version, "selfEvaluationId": evaluation["id"]}


@case("evaluationFeedbackCreate")
async def evaluation_feedback_create(gql: GraphQLClient) -> Call:
    await bodies(gql.sessionmaker)
    evaluation = await self_evaluation(gql, SelfEvaluationStatus.ACCEPTED)
    await gql.login_as(ActorType.FINANCE, PROVINCE)  # 财政厅牵头
    fields = {"selfEvaluationId": evaluation["id"]}
    return Call(by_input("evaluationFeedbackCreate", "EvaluationFeedbackCreateInput"), {"input": fields})


@case("evaluationFeedbackUpdate")
async def evaluation_feedback_update(gql: GraphQLClient) -> Call:
    target = await feedback(gql, FeedbackStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    change = {"id": target["id"], "rowVersion": target["rowVersion"], "rectification": "30日内整改"}
    return Call(by_input("evaluationFeedbackUpdate", "EvaluationFeedbackUpdateInput"), {"input": change})


@case("evaluationFeedbackSend")
async def evaluation_feedback_send(gql: GraphQLClient) -> Call:
    target = await feedback(gql, FeedbackStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return Call(by_id("evaluationFeedbackSend"), {"id": target["id"], "rowVersion": target["rowVersion"]})


@case("evaluationFeedbackAcknowledge")
async def evaluation_feedback_acknowledge(gql: GraphQLClient) -> Call:
    target = await feedback(gql, FeedbackStatus.SENT)
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)  # 「反馈相关地区和经办机构」
    document = "mutation($id: ID!) { evaluationFeedbackAcknowledge(id: $id) { __typename } }"
    return Call(document, {"id": target["id"]})
