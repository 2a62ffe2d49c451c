"""Art. 7, 10: the pooling region's agency compiles the draft fund budget (budgetCreate, budgetUpdate); its
finance approves it. One budget per pooling region, fund and year; lines checked by field; a refusal writes
nothing."""

import asyncio
from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, Event, FundBudget, FundBudgetLine
from src.models.enums import ActorType, Administration, BudgetStatus
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.factories import make_budget, make_user
from tests.schema.conftest import GraphQLClient

MED = Administration.MEDICAL_SECURITY
HRSS = Administration.HRSS
CHENGDU = "510100"
RESULT = """__typename
  ... on FundBudgetSuccess { budget { id year status rowVersion region { code } fundType { code }
    revenueTotal expenditureTotal
    lines { category item initialAmount adjustedAmount currentAmount } } }
  ... on UserError { message code }
  ... on ValidationError { fields { field code message } }
  ... on InvalidTransitionError { currentStatus }"""
CREATE = f"mutation($input: BudgetCreateInput!) {{ budgetCreate(input: $input) {{ {RESULT} }} }}"
UPDATE = f"mutation($input: BudgetUpdateInput!) {{ budgetUpdate(input: $input) {{ {RESULT} }} }}"


def line(item: str, initial: str, adjusted: str | None = None) -> dict[str, Any]:
    return {"item": item, "initialAmount": initial, "adjustedAmount": adjusted}


LINES = [
    line("BENEFITS", "800000.00"),
    line("CONTRIBUTION", "900000.50", "950000.50"),
    line("FISCAL_SUBSIDY", "100000"),
    line("CURRENT_BALANCE", "-20000.25"),  # a deficit: balances may be negative
]


def create_input(region: str = CHENGDU, fund: str = "EMPLOYEE_MEDICAL", **extra: Any) -> dict[str, Any]:
    return {"input": {"regionCode": region, "fundTypeCode": fund, "year": 2026, "lines": LINES, **extra}}


async def counts(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int, int, int]:
    async with sessionmaker() as s:
        budgets = (await s.exec(select(func.count()).select_from(FundBudget))).one()
        lines = (await s.exec(select(func.count()).select_from(FundBudgetLine))).one()
        audits = (
            await s.exec(
                select(func.count())
                .select_from(AuditEvent)
                .where(col(AuditEvent.operation).in_(["budgetCreate", "budgetUpdate"]))
            )
        ).one()
        events = (
            await s.exec(select(func.count()).select_from(Event).where(Event.kind == "BUDGET_CHANGED"))
        ).one()
    return budgets, lines, audits, events


async def test_art7_the_pooling_regions_agency_creates_a_draft_budget(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.AGENCY, CHENGDU, MED)
    result = (await gql.data(CREATE, create_input()))["budgetCreate"]
    assert result["__typename"] == "FundBudgetSuccess", result
    budget = result["budget"]
    assert (budget["year"], budget["status"], budget["region"]["code"]) == (2026, "DRAFT", CHENGDU)
    # Ordered as BudgetItem, each line's category implied by its item.
    assert [(r["item"], r["category"]) for r in budget["lines"]] == [
        ("CONTRIBUTION", "REVENUE"),
        ("FISCAL_SUBSIDY", "REVENUE"),
        ("BENEFITS", "EXPENDITURE"),
        ("CURRENT_BALANCE", "BALANCE"),
    ]
    assert budget["lines"][0]["currentAmount"] == "950000.50"
    assert Decimal(budget["revenueTotal"]) == Decimal("1050000.50")
    assert Decimal(budget["lines"][3]["initialAmount"]) == Decimal("-20000.25")
    assert await counts(sessionmaker) == (1, 4, 1, 1)

    again = (await gql.data(CREATE, create_input()))["budgetCreate"]
    assert again["__typename"] == "ConflictError" and again["code"] == "BUDGET_EXISTS", again
    assert await counts(sessionmaker) == (1, 4, 1, 1)


async def test_art10_a_draft_is_edited_and_an_approved_budget_is_not(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.AGENCY, CHENGDU, MED)
    created = (await gql.data(CREATE, create_input()))["budgetCreate"]["budget"]
    ids = {"id": created["id"], "rowVersion": created["rowVersion"]}
    lines = [line("OTHER_REVENUE", "5.5"), line("ACCUMULATED_BALANCE", "-1.00")]
    updated = (await gql.data(UPDATE, {"input": {**ids, "lines": lines}}))["budgetUpdate"]
    assert updated["__typename"] == "FundBudgetSuccess", updated
    assert [r["item"] for r in updated["budget"]["lines"]] == ["OTHER_REVENUE", "ACCUMULATED_BALANCE"]
    assert updated["budget"]["rowVersion"] == created["rowVersion"] + 1
    assert await counts(sessionmaker) == (1, 2, 2, 2)

    stale = (await gql.data(UPDATE, {"input": {**ids, "lines": LINES}}))["budgetUpdate"]
    assert stale["__typename"] == "ConflictError" and stale["code"] == "STALE_VERSION"

    async with sessionmaker() as s:
        row = await s.get_one(FundBudget, int(created["id"]))
        row.status = BudgetStatus.APPROVED
        s.add(row)
        await s.commit()
        version = row.row_version
    variables = {"input": {"id": created["id"], "rowVersion": version, "lines": LINES}}
    refused = await gql.data(UPDATE, variables)
    assert refused["budgetUpdate"]["__typename"] == "InvalidTransitionError"
    assert refused["budgetUpdate"]["code"] == "ALREADY_APPROVED"
    assert refused["budgetUpdate"]["currentStatus"] == "APPROVED"
    assert await counts(sessionmaker) == (1, 2, 2, 2)


async def test_art6_only_the_funds_pooling_region_has_a_budget(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # 职工医保 is pooled at the prefecture: neither the province nor a county compiles its budget.
    for region in ("510000", "510104"):
        await gql.login_as(ActorType.AGENCY, region, MED)
        result = (await gql.data(CREATE, create_input(region)))["budgetCreate"]
        assert result["__typename"] == "ValidationError", result
        assert [f["field"] for f in result["fields"]] == ["input.regionCode"]
    # 工伤 is pooled at the province (统收统支): the province's agency does, 成都's does not.
    await gql.login_as(ActorType.AGENCY, CHENGDU, HRSS)
    wrong = (await gql.data(CREATE, create_input(CHENGDU, "WORK_INJURY")))["budgetCreate"]
    assert wrong["__typename"] == "ValidationError"
    await gql.login_as(ActorType.AGENCY, "510000", HRSS)
    right = (await gql.data(CREATE, create_input("510000", "WORK_INJURY")))["budgetCreate"]
    assert right["__typename"] == "FundBudgetSuccess", right
    assert await counts(sessionmaker) == (1, 4, 1, 1)


async def test_art7_only_the_agency_of_the_region_and_administration_drafts(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    wrong_bodies: list[tuple[ActorType, str, Administration | None]] = [
        (ActorType.FINANCE, CHENGDU, None),  # finance approves, it does not compile
        (ActorType.MEDICAL_SECURITY, CHENGDU, MED),
        (ActorType.TAX, CHENGDU, None),
        (ActorType.AGENCY, CHENGDU, HRSS),  # the other administration's agency
        (ActorType.AGENCY, "510000", MED),  # the province's agency, for 成都
        (ActorType.AGENCY, "510300", MED),  # 自贡's agency, for 成都
    ]
    for actor, region, administration in wrong_bodies:
        await gql.login_as(actor, region, administration)
        body = await gql.query(CREATE, create_input())
        assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN", (actor, region, body)
    async with sessionmaker() as s:
        budget = await make_budget(s, region_code=CHENGDU)
        await s.commit()
    await gql.login_as(ActorType.FINANCE, CHENGDU)
    variables = {"input": {"id": str(budget.id), "rowVersion": budget.row_version, "lines": LINES}}
    assert (await gql.query(UPDATE, variables))["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await gql.login_as(ActorType.AGENCY, "510300", MED)  # 自贡 cannot read 成都's budget: absent
    assert (await gql.data(UPDATE, variables))["budgetUpdate"]["__typename"] == "NotFoundError"
    assert await counts(sessionmaker) == (1, 10, 0, 0)  # the factory's budget, every item, untouched


async def test_bad_lines_are_refused_by_field_and_nothing_is_written(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.AGENCY, CHENGDU, MED)
    bad = [
        line("CONTRIBUTION", "1.00"),
        line("CONTRIBUTION", "2.00"),  # the item twice
        line("BENEFITS", "-1"),  # an expenditure is never negative
        line("INTEREST", "0.001"),  # three places
        line("TRANSFER_IN", "1", "1" + "0" * 16),  # beyond the Money column's 16 whole digits
        line("ACCUMULATED_BALANCE", "-3.10"),  # a balance may be negative: fine
    ]
    result = (await gql.data(CREATE, create_input(lines=bad)))["budgetCreate"]
    assert result["__typename"] == "ValidationError", result
    assert [(f["field"], f["code"]) for f in result["fields"]] == [
        ("input.lines.1.item", "DUPLICATE"),
        ("input.lines.2.initialAmount", "OUT_OF_RANGE"),
        ("input.lines.3.initialAmount", "OUT_OF_RANGE"),
        ("input.lines.4.adjustedAmount", "OUT_OF_RANGE"),
    ]
    for lines, field in (([], "input.lines"), ([line("BENEFITS", "1")] * 11, "input.lines")):
        refused = (await gql.data(CREATE, create_input(lines=lines)))["budgetCreate"]
        assert [f["field"] for f in refused["fields"]] == [field], refused
    nan = await gql.query(CREATE, create_input(lines=[line("BENEFITS", "NaN")]))
    assert nan["data"]["budgetCreate"]["__typename"] == "ValidationError", nan
    year = (await gql.data(CREATE, create_input(year=1999)))["budgetCreate"]
    assert [f["field"] for f in year["fields"]] == ["input.year"]
    assert await counts(sessionmaker) == (0, 0, 0, 0)

    created = (await gql.data(CREATE, create_input()))["budgetCreate"]["budget"]
    variables = {"input": {"id": created["id"], "rowVersion": created["rowVersion"], "lines": bad}}
    assert (await gql.data(UPDATE, variables))["budgetUpdate"]["__typename"] == "ValidationError"
    assert await counts(sessionmaker) == (1, 4, 1, 1)  # the draft's lines are as they were


async def test_two_agencies_creating_at_once_one_wins(
    live_url: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    # The unique constraint decides (region, fund, year): the loser gets BUDGET_EXISTS, never a 500.
    users = [
        await make_user(sessionmaker, actor_type=ActorType.AGENCY, region_code=CHENGDU, administration=MED)
        for _ in range(2)
    ]
    headers = [
        {"Authorization": f"Bearer {issue_access_token(u.id or 0, secret_key=settings.SECRET_KEY)}"}
        for u in users
    ]
    async with httpx.AsyncClient(base_url=live_url, timeout=30) as client:
        for year in range(2026, 2030):
            variables = create_input(year=year)
            posts = [client.post("/graphql", json={"query": CREATE, "variables": variables}, headers=h)
                     for h in headers]  # fmt: skip
            bodies = [r.json() for r in await asyncio.gather(*posts)]
            names = sorted(b["data"]["budgetCreate"]["__typename"] for b in bodies)
            assert names == ["ConflictError", "FundBudgetSuccess"], bodies
    assert await counts(sessionmaker) == (4, 16, 4, 4)
