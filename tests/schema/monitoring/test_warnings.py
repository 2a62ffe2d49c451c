"""Evaluating and answering warnings through the API (Art. 13, 14): typed results, refusals by field or as
FORBIDDEN, the list and the open counts as each reader may read them."""

from decimal import Decimal
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Indicator
from src.models.enums import ActorType, Administration, GoalStatus
from tests.factories import make_actor, make_actual, make_goal
from tests.schema.conftest import GraphQLClient

MED = Administration.MEDICAL_SECURITY
EVALUATE = """mutation($input: MonitoringEvaluateInput!) { monitoringEvaluate(input: $input) {
  __typename
  ... on MonitoringEvaluateSuccess { goalLight redPeriods adjustmentReview
        raised { id rowVersion kind light ratio subject status region { code } fundType { code } } }
  ... on ValidationError { fields { field code message } }
  ... on UserError { message code }
} }"""
RESPOND = """mutation($input: WarningRespondInput!) { %s(input: $input) {
  __typename
  ... on WarningSuccess { warning { id status statusLabel response responseNote urgeDueOn rowVersion }
                          adjustmentGoal { id version status adjustmentReason } }
  ... on ValidationError { fields { field code } }
  ... on UserError { message code }
} }"""
WARNINGS = """query($filter: WarningFilter) { warnings(filter: $filter, first: 50) {
  totalCount nodes { id status subject light kindLabel region { code } } } }"""
COUNTS = (
    """{ warningOpenCounts(regionCode: "510000", year: 2026) { open region { code } fundType { code } } }"""
)
JUNE = {"regionCode": "510100", "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026, "month": 6}


async def june(gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    """成都's issued goal (four indicators: three quantitative ≥ 95.5%, one qualitative) with June's
    actuals far behind for the three."""
    agency = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code="510100", administration=MED
    )
    async with sessionmaker() as s:
        goal = await make_goal(s, region_code="510100", status=GoalStatus.ISSUED)
        for indicator in (await s.exec(select(Indicator).where(Indicator.goal_id == goal.id))).all():
            if indicator.target_value is not None:
                await make_actual(s, indicator, month=6, by=agency, value=Decimal(10))
        await s.commit()


async def evaluated(gql: GraphQLClient, sessionmaker: Any) -> list[dict[str, Any]]:
    await june(gql, sessionmaker)
    await gql.login_as(ActorType.FINANCE, "510100")
    result = (await gql.data(EVALUATE, {"input": JUNE}))["monitoringEvaluate"]
    assert result["__typename"] == "MonitoringEvaluateSuccess", result
    raised: list[dict[str, Any]] = result["raised"]
    return raised


async def test_art14_evaluate_through_the_api(gql: GraphQLClient, sessionmaker: Any) -> None:
    raised = await evaluated(gql, sessionmaker)
    assert [(w["kind"], w["light"], w["ratio"], w["subject"], w["status"]) for w in raised] == [
        ("INDICATOR", "RED", "10.47", f"指标{i}", "OPEN") for i in (1, 2, 3)
    ]
    again = (await gql.data(EVALUATE, {"input": JUNE}))["monitoringEvaluate"]
    assert (again["raised"], again["goalLight"], again["redPeriods"]) == ([], "RED", 1)


async def test_art13_evaluation_refusals_through_the_api(gql: GraphQLClient, sessionmaker: Any) -> None:
    await june(gql, sessionmaker)
    await gql.login_as(ActorType.FINANCE, "510100")
    may = (await gql.data(EVALUATE, {"input": {**JUNE, "month": 5}}))["monitoringEvaluate"]
    assert may["__typename"] == "ValidationError" and may["fields"][0]["field"] == "input.month"
    unknown = (await gql.data(EVALUATE, {"input": {**JUNE, "regionCode": "999999"}}))["monitoringEvaluate"]
    assert unknown["__typename"] == "NotFoundError"
    await gql.login_as(ActorType.FINANCE, "510000")  # medical funds are pooled by prefecture
    province = (await gql.data(EVALUATE, {"input": {**JUNE, "regionCode": "510000"}}))["monitoringEvaluate"]
    assert (province["__typename"], province["code"]) == (
        "PreconditionFailedError",
        "EVALUATION_NOT_POOLING_REGION",
    )
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    body = await gql.query(EVALUATE, {"input": JUNE})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def respond(gql: GraphQLClient, name: str, warning: dict[str, Any], **fields: Any) -> dict[str, Any]:
    ids = {"id": warning["id"], "rowVersion": warning["rowVersion"]}
    result: dict[str, Any] = (await gql.data(RESPOND % name, {"input": {**ids, **fields}}))[name]
    return result


async def test_art14_answers_through_the_api(gql: GraphQLClient, sessionmaker: Any) -> None:
    first, second, third = await evaluated(gql, sessionmaker)
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    draft = await respond(gql, "warningResponseDraft", first, kind="CORRECTION", note="初稿\n第二行")
    assert (draft["warning"]["status"], draft["warning"]["statusLabel"]) == ("RESPONSE_DRAFT", "处置意见草稿")
    bad = await respond(gql, "warningRespond", draft["warning"], kind="URGE", urgeDueOn="2020-01-01")
    assert (bad["__typename"], bad["fields"]) == (
        "ValidationError",
        [{"field": "input.urgeDueOn", "code": "OUT_OF_RANGE"}],
    )
    control = await respond(gql, "warningRespond", draft["warning"], kind="CORRECTION", note="纠\x07偏")
    assert control["__typename"] == "ValidationError" and control["fields"][0]["field"] == "input.note"
    given = await respond(gql, "warningRespond", draft["warning"], kind="CORRECTION", note="加大征缴")
    assert (given["warning"]["status"], given["warning"]["responseNote"]) == ("ANSWERED", "加大征缴")
    again = await respond(gql, "warningRespond", given["warning"], kind="CORRECTION", note="x")
    assert (again["__typename"], again["code"]) == ("InvalidTransitionError", "WARNING_ALREADY_ANSWERED")
    stale = await respond(gql, "warningRespond", second | {"rowVersion": 9}, kind="CLOSE", note="x")
    assert (stale["__typename"], stale["code"]) == ("ConflictError", "STALE_VERSION")
    adjusted = await respond(
        gql, "warningRespond", second, kind="ADJUSTMENT", note="目标偏高", fundEffect="无"
    )
    goal = adjusted["adjustmentGoal"]
    assert (goal["version"], goal["status"], goal["adjustmentReason"]) == (2, "DRAFT", "目标偏高")
    await gql.login_as(ActorType.TAX, "510100")
    body = await gql.query(
        RESPOND % "warningRespond",
        {"input": {"id": third["id"], "rowVersion": 1, "kind": "CLOSE", "note": "x"}},
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


async def test_art14_lists_and_counts_as_each_reader_reads_them(
    gql: GraphQLClient, sessionmaker: Any
) -> None:
    first, *_ = await evaluated(gql, sessionmaker)
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    await respond(gql, "warningResponseDraft", first, kind="CORRECTION", note="初稿")
    await gql.login_as(ActorType.FINANCE, "510000")
    below = {"year": 2026, "regionCode": "510000", "includeDescendants": True}
    listed = (await gql.data(WARNINGS, {"filter": below}))["warnings"]
    assert listed["totalCount"] == 3 and {n["region"]["code"] for n in listed["nodes"]} == {"510100"}
    drafts = (await gql.data(WARNINGS, {"filter": {**below, "status": ["RESPONSE_DRAFT"]}}))["warnings"]
    assert [n["id"] for n in drafts["nodes"]] == [first["id"]]  # the province reads 成都's drafts
    assert (await gql.data(COUNTS))["warningOpenCounts"] == [
        {"open": 3, "region": {"code": "510100"}, "fundType": {"code": "EMPLOYEE_MEDICAL"}}
    ]
    await gql.login_as(ActorType.AGENCY, "510104", MED)  # a county of 成都: no draft of its prefecture
    county = (await gql.data(WARNINGS, {"filter": {"year": 2026}}))["warnings"]
    assert county["totalCount"] == 2 and first["id"] not in {n["id"] for n in county["nodes"]}
    await gql.login_as(ActorType.AGENCY, "510300", MED)  # a neighbour reads none
    assert (await gql.data(WARNINGS, {"filter": {"year": 2026}}))["warnings"]["totalCount"] == 0
    missing = await gql.data("query($id: ID!) { warning(id: $id) { __typename } }", {"id": first["id"]})
    assert missing["warning"]["__typename"] == "NotFoundError"
