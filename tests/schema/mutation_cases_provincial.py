"""The provincial evaluation's and the July summary's mutations (Art. 17), one successful call each, as
tests/schema/mutation_cases.py has every other mutation's (which imports this module to register them)."""

from typing import Any

from src.models.enums import ActorType, PoolingLevel
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationStatus,
    ProvincialEvaluationSummary,
)
from tests.factories import fund_type_id, make_actor, region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import MED, PROVINCE, Call, by_id, by_input, case

EVALUATED = 2025
NARRATIVE: dict[str, Any] = {
    "overview": "概况", "work": "工作", "conclusion": "结论", "analysis": "分析", "problems": "问题",
    "suggestions": "建议",
}  # fmt: skip
P = ProvincialEvaluationStatus


async def provincial(gql: GraphQLClient, status: P, **extra: Any) -> dict[str, Any]:
    """The province's evaluation of the employee medical fund of 2025 in `status`, its narrative written."""
    finance = await make_actor(gql.sessionmaker, actor_type=ActorType.FINANCE, region_code=PROVINCE)
    async with gql.sessionmaker() as s:
        row = ProvincialEvaluation(
            region_id=await region_id(s, PROVINCE), fund_type_id=await fund_type_id(s, "EMPLOYEE_MEDICAL"),
            year=EVALUATED, pooling_level=PoolingLevel.PREFECTURE, status=status,
            opener_organization_id=finance.organization_id, **NARRATIVE, **extra,
        )  # fmt: skip
        s.add(row)
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version}


async def summary(gql: GraphQLClient) -> dict[str, Any]:
    """财政厅's draft summary of 2025, written, with the medical fund's evaluation approved."""
    await provincial(gql, P.APPROVED)
    finance = await make_actor(gql.sessionmaker, actor_type=ActorType.FINANCE, region_code=PROVINCE)
    async with gql.sessionmaker() as s:
        row = ProvincialEvaluationSummary(
            region_id=await region_id(s, PROVINCE), year=EVALUATED, organization_id=finance.organization_id,
            overview="总体", problems="问题", next_steps="下一步",
        )  # fmt: skip
        s.add(row)
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version}


@case("provincialEvaluationOpen")
async def provincial_evaluation_open(gql: GraphQLClient) -> Call:
    await gql.login_as(ActorType.FINANCE, PROVINCE)  # 财政厅牵头
    fields = {"regionCode": PROVINCE, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": EVALUATED}
    return Call(by_input("provincialEvaluationOpen", "ProvincialEvaluationOpenInput"), {"input": fields})


@case("provincialEvaluationUpdate")
async def provincial_evaluation_update(gql: GraphQLClient) -> Call:
    target = await provincial(gql, P.DRAFT)
    await gql.login_as(ActorType.AGENCY, PROVINCE, MED)  # the provincial medical agency
    change = {**target, "analysis": "新分析"}
    return Call(by_input("provincialEvaluationUpdate", "ProvincialEvaluationUpdateInput"), {"input": change})


@case("provincialEvaluationTaxConcur")
async def provincial_evaluation_tax_concur(gql: GraphQLClient) -> Call:
    target = await provincial(gql, P.DRAFT)
    await gql.login_as(ActorType.TAX, PROVINCE)  # 省税务局
    document = by_input("provincialEvaluationTaxConcur", "ProvincialEvaluationTaxConcurInput")
    return Call(document, {"input": target})


@case("provincialEvaluationSubmit")
async def provincial_evaluation_submit(gql: GraphQLClient) -> Call:
    await gql.login_as(ActorType.TAX, PROVINCE)  # the tax department that concurred
    target = await provincial(gql, P.DRAFT, tax_concurred_revision=0)
    await gql.login_as(ActorType.AGENCY, PROVINCE, MED)  # 送财政厅: the provincial agency
    return Call(by_id("provincialEvaluationSubmit"), target)


@case("provincialEvaluationApprove")
async def provincial_evaluation_approve(gql: GraphQLClient) -> Call:
    target = await provincial(gql, P.SUBMITTED)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return Call(by_id("provincialEvaluationApprove"), target)


@case("provincialEvaluationReturn")
async def provincial_evaluation_return(gql: GraphQLClient) -> Call:
    target = await provincial(gql, P.SUBMITTED)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    back = {**target, "reason": "原因分析不充分"}
    return Call(by_input("provincialEvaluationReturn", "ProvincialEvaluationReturnInput"), {"input": back})


@case("provincialEvaluationSummaryCreate")
async def provincial_evaluation_summary_create(gql: GraphQLClient) -> Call:
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    document = by_input("provincialEvaluationSummaryCreate", "ProvincialEvaluationSummaryCreateInput")
    return Call(document, {"input": {"regionCode": PROVINCE, "year": EVALUATED}})


@case("provincialEvaluationSummaryUpdate")
async def provincial_evaluation_summary_update(gql: GraphQLClient) -> Call:
    target = await summary(gql)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    change = {**target, "nextSteps": "强化结果应用"}
    document = by_input("provincialEvaluationSummaryUpdate", "ProvincialEvaluationSummaryUpdateInput")
    return Call(document, {"input": change})


@case("provincialEvaluationSummarySend")
async def provincial_evaluation_summary_send(gql: GraphQLClient) -> Call:
    target = await summary(gql)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return Call(by_id("provincialEvaluationSummarySend"), target)
