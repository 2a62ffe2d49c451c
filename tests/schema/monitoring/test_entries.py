"""actualsRecord, executionRecord, actuals and executions (Art. 5, 6, 12, 13, 14) through the API: many
rows, all or nothing, every bad row's fields at once, refusals as the API answers them, the audit trail of a
correction, and what each region reads back."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration
from src.models.monitoring import BudgetExecution, IndicatorActual
from src.settings import Settings
from tests.conftest import make_settings
from tests.schema.conftest import GraphQLClient
from tests.schema.monitoring.conftest import Target

MED = Administration.MEDICAL_SECURITY
RATE = "待遇按时足额发放率"
ACTUALS = """mutation($input: ActualsRecordInput!) { actualsRecord(input: $input) {
  __typename
  ... on ActualsRecordSuccess { created corrected unchanged
        actuals { id month value numerator denominator rowVersion region { code } indicator { level3 } } }
  ... on ValidationError { fields { field message code } }
  ... on ConflictError { code currentVersion }
  ... on NotFoundError { entity key } } }"""
EXECUTIONS = """mutation($input: ExecutionRecordInput!) { executionRecord(input: $input) {
  __typename
  ... on ExecutionRecordSuccess {
        created corrected unchanged executions { item itemLabel amount region { code } } }
  ... on ValidationError { fields { field message code } } } }"""
READ_ACTUALS = """query($goal: ID!) { actuals(goalId: $goal, first: 50) {
  totalCount nodes { month value region { code } likelihoodLabel } } }"""


@pytest.fixture
def settings() -> Settings:
    return make_settings(MONITORING_ENTRY_MAX_ROWS=5)


def rate_row(target: Target, month: int, numerator: str, denominator: str, **extra: Any) -> dict[str, Any]:
    row = {"indicatorId": str(target.indicators[RATE]), "month": month}
    return {**row, "numerator": numerator, "denominator": denominator, **extra}


async def login(gql: GraphQLClient, region: str, actor_type: ActorType = ActorType.AGENCY) -> None:
    administration = MED if actor_type == ActorType.AGENCY else None
    await gql.login_as(actor_type, region, administration)


async def count(sessionmaker: async_sessionmaker[AsyncSession], model: Any) -> int:
    async with sessionmaker() as session:
        return int((await session.exec(select(func.count()).select_from(model))).one())


async def test_art13_a_county_records_many_rows_and_reads_them_back(
    gql: GraphQLClient, target: Target
) -> None:
    await login(gql, "510104")
    rows = [
        rate_row(target, 5, "980", "1000", likelihood="POSSIBLE"),
        rate_row(target, 6, "1990", "2000", forecast="预计全年达到 99.5%\n已督促补发"),
        {"indicatorId": str(target.indicators["参保人数"]), "month": 6, "value": "41.2"},
    ]
    done = (await gql.data(ACTUALS, {"input": {"rows": rows}}))["actualsRecord"]
    assert done["__typename"] == "ActualsRecordSuccess", done
    assert (done["created"], done["corrected"], done["unchanged"]) == (3, 0, 0)
    assert [a["value"] for a in done["actuals"]] == ["98.0000", "99.5000", "41.2000"]
    assert {a["region"]["code"] for a in done["actuals"]} == {"510104"}
    assert done["actuals"][0]["indicator"]["level3"] == RATE
    mine = (await gql.data(READ_ACTUALS, {"goal": str(target.goal_id)}))["actuals"]
    assert mine["totalCount"] == 3 and mine["nodes"][0]["likelihoodLabel"] == "有可能"
    await login(gql, "510100", ActorType.FINANCE)  # the prefecture above sees its counties' parts
    assert (await gql.data(READ_ACTUALS, {"goal": str(target.goal_id)}))["actuals"]["totalCount"] == 3
    await login(gql, "510105")  # a neighbouring county does not
    assert (await gql.data(READ_ACTUALS, {"goal": str(target.goal_id)}))["actuals"]["totalCount"] == 0


async def test_art13_one_bad_row_stores_nothing_and_every_bad_field_is_named(
    gql: GraphQLClient, target: Target, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await login(gql, "510104")
    rows = [
        rate_row(target, 1, "1", "2"),
        rate_row(target, 2, "3", "0"),
        {"indicatorId": str(target.indicators["技能提升补贴发放人次"]), "month": 2, "value": "2.5"},
        rate_row(target, 7, "1", "2"),
    ]
    done = (await gql.data(ACTUALS, {"input": {"rows": rows}}))["actualsRecord"]
    assert done["__typename"] == "ValidationError"
    assert [(f["field"], f["code"]) for f in done["fields"]] == [
        ("input.rows.1.denominator", "OUT_OF_RANGE"),
        ("input.rows.2.value", "OUT_OF_RANGE"),
        ("input.rows.3.month", "OUT_OF_RANGE"),
    ]
    assert "须大于 0" in done["fields"][0]["message"] and "须为整数" in done["fields"][1]["message"]
    assert await count(sessionmaker, IndicatorActual) == 0


async def test_art13_text_and_size_limits_are_checked_at_the_edge(gql: GraphQLClient, target: Target) -> None:
    await login(gql, "510104")
    bad = [rate_row(target, 1, "1", "2", remark="控制\x00字符")]
    done = (await gql.data(ACTUALS, {"input": {"rows": bad}}))["actualsRecord"]
    assert [(f["field"], f["code"]) for f in done["fields"]] == [("input.rows.0.remark", "INVALID")]
    many = [rate_row(target, m, "1", "2") for m in range(1, 7)]  # six rows; this app takes five
    done = (await gql.data(ACTUALS, {"input": {"rows": many}}))["actualsRecord"]
    assert [(f["field"], f["code"]) for f in done["fields"]] == [("input.rows", "OUT_OF_RANGE")]
    assert "至多填报 5 行" in done["fields"][0]["message"]
    done = (await gql.data(ACTUALS, {"input": {"rows": []}}))["actualsRecord"]
    assert [(f["field"], f["code"]) for f in done["fields"]] == [("input.rows", "REQUIRED")]


async def test_art6_the_prefecture_does_not_enter_its_counties_sum(
    gql: GraphQLClient, target: Target
) -> None:
    await login(gql, "510100")
    body = await gql.query(ACTUALS, {"input": {"rows": [rate_row(target, 1, "1", "2")]}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert "各县（市、区）经办机构分别填报" in body["errors"][0]["message"]
    # What does not sum is the prefecture's own: a qualitative grade.
    grade = {
        "indicatorId": str(target.indicators["政策调整落实及时性"]),
        "month": 1,
        "grade": "PARTLY_ACHIEVED",
    }
    done = (await gql.data(ACTUALS, {"input": {"rows": [grade]}}))["actualsRecord"]
    assert done["__typename"] == "ActualsRecordSuccess"


async def test_art14_a_correction_needs_a_reason_and_shows_in_the_audit_trail(
    gql: GraphQLClient, target: Target
) -> None:
    await login(gql, "510104")
    await gql.data(ACTUALS, {"input": {"rows": [rate_row(target, 3, "90", "100")]}})
    corrected = {"rows": [rate_row(target, 3, "96", "100", rowVersion=1)]}
    done = (await gql.data(ACTUALS, {"input": corrected}))["actualsRecord"]
    assert [(f["field"], f["code"]) for f in done["fields"]] == [("input.reason", "REQUIRED")]
    done = (await gql.data(ACTUALS, {"input": {**corrected, "reason": "补录漏报人次"}}))["actualsRecord"]
    assert (done["corrected"], done["actuals"][0]["rowVersion"], done["actuals"][0]["value"]) == (
        1,
        2,
        "96.0000",
    )
    stale = (await gql.data(ACTUALS, {"input": {**corrected, "reason": "再次更正"}}))["actualsRecord"]
    assert (stale["__typename"], stale["code"], stale["currentVersion"]) == (
        "ConflictError",
        "STALE_VERSION",
        2,
    )
    await gql.login_as()  # 财政厅 reads the audit trail
    trail = await gql.data(
        """{ auditEvents(filter: {targetType: "IndicatorActual"}) {
             nodes { operation changes user { username } } } }"""
    )
    correction = trail["auditEvents"]["nodes"][-1]
    assert correction["operation"] == "actualsRecord"
    assert correction["changes"]["value"] == {"before": "90.0000", "after": "96.0000"}
    assert correction["changes"]["reason"] == {"before": None, "after": "补录漏报人次"}


async def test_art5_execution_by_line_the_tax_department_enters_contributions(
    gql: GraphQLClient, target: Target, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    budget = str(target.budget_id)
    await login(gql, "510104", ActorType.TAX)
    rows = [{"budgetId": budget, "item": "CONTRIBUTION", "month": 6, "amount": "1200000.5"}]
    done = (await gql.data(EXECUTIONS, {"input": {"rows": rows}}))["executionRecord"]
    assert done["executions"] == [
        {
            "item": "CONTRIBUTION",
            "itemLabel": "社会保险费收入",
            "amount": "1200000.50",
            "region": {"code": "510104"},
        }
    ]
    benefits = [{"budgetId": budget, "item": "BENEFITS", "month": 6, "amount": "1"}]
    body = await gql.query(EXECUTIONS, {"input": {"rows": benefits}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await login(gql, "510104")
    bad = [{**benefits[0], "amount": "-5"}, {**benefits[0], "month": 5, "amount": "0.001"}]
    done = (await gql.data(EXECUTIONS, {"input": {"rows": bad}}))["executionRecord"]
    assert [f["field"] for f in done["fields"]] == ["input.rows.0.amount", "input.rows.1.amount"]
    assert await count(sessionmaker, BudgetExecution) == 1
    read = """query($b: ID!) { executions(budgetId: $b, month: 6, regionCode: "510104") {
                totalCount nodes { item amount } } }"""
    assert (await gql.data(read, {"b": budget}))["executions"]["totalCount"] == 1
