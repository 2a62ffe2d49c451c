"""A page of monitoring reports — with their generated tables, steps and due dates — and a page of
compilations — with their recipients and compiled reports — cost the same number of SQL statements
whatever their size (no N+1)."""

from datetime import UTC, datetime

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import MonitoringCompilationRecipient, Organization
from src.models.enums import ActorType, Administration, BudgetItem, QualitativeGrade
from src.models.monitoring import (
    CompilationStatus,
    MonitoringCompilation,
    MonitoringReportStatus,
    MonitoringReportTransition,
)
from src.seed.reference import load_reference_data
from src.services.actors import Actor
from tests.conftest import StatementCounter, truncate_all
from tests.factories import make_actor
from tests.schema.conftest import GraphQLClient
from tests.services.monitoring.report_rows import (
    CAP,
    COUNT,
    POLICY,
    RATE,
    add_actual,
    add_execution,
    add_warning,
    goal_in_force,
    put_report,
)

MED = Administration.MEDICAL_SECURITY
PREFECTURES = ["510100", "510300", "510400", "510500", "510600", "510700", "510800", "510900", "511000"]
REPORTS = """{ monitoringReports(first: 50) { totalCount nodes {
  id status periodLabel dueOn late taxConcurred region { code } fundType { code } drafterOrganization { name }
  transitions { action reason user { username } organization { name } }
  tables { elapsed goalLight goalLightLabel executionLight goal { id region { code } }
           indicators { level3 light lightLabel actualValue numerator causes { cause text } likelihoodLabel }
           execution { label light lightLabel rate } } } } }"""
COMPILATIONS = """{ monitoringCompilations(first: 50) { totalCount nodes {
  id dueOn late documentNumber region { code } organization { name }
  recipients { acknowledged organization { name region { code } } }
  reports { id region { code } fundType { code } tables { goalLight } } } } }"""


async def _area(sessionmaker: async_sessionmaker[AsyncSession], region: str, province: list[int]) -> None:
    """The prefecture's accepted 2026 year-end report on its entries, execution and a warning, its steps,
    and its compilation sent to the province's bodies."""
    agency = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code=region, administration=MED
    )
    finance = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code=region)
    async with sessionmaker() as s:
        target = await goal_in_force(s, region_code=region, year=2026)
        for level3, values in [
            (COUNT, {"value": "900", "cause_funding": "经费到位晚"}),
            (RATE, {"numerator": "95", "denominator": "100"}),
            (CAP, {"value": "4"}),
            (POLICY, {"grade": QualitativeGrade.ACHIEVED}),
        ]:
            await add_actual(s, target, level3, by=agency, region_code=region, month=12, **values)  # type: ignore[arg-type]
        await add_execution(s, target, BudgetItem.BENEFITS, "1000", by=agency, region_code=region, month=12)
        await add_warning(s, target, month=12, level3=COUNT)
        report = await put_report(s, target, by=agency)
        for action in ("SUBMIT", "ACCEPT"):
            s.add(_step(report.id or 0, action, agency))
        compilation = MonitoringCompilation(
            region_id=target.goal.region_id, year=2026, status=CompilationStatus.SENT, summary="平稳",
            organization_id=finance.organization_id, sent_at=datetime(2027, 1, 20, tzinfo=UTC),
            document_number=f"财社〔2027〕{region}号",
        )  # fmt: skip
        s.add(compilation)
        await s.flush()
        s.add_all(
            MonitoringCompilationRecipient(compilation_id=compilation.id or 0, organization_id=organization)
            for organization in province
        )
        await s.commit()


def _step(report_id: int, action: str, by: Actor) -> MonitoringReportTransition:
    return MonitoringReportTransition(
        report_id=report_id, action=action, from_status=MonitoringReportStatus.SUBMITTED,
        to_status=MonitoringReportStatus.ACCEPTED, user_id=by.user_id, organization_id=by.organization_id,
    )  # fmt: skip


async def _province(sessionmaker: async_sessionmaker[AsyncSession]) -> list[int]:
    bodies = [
        (ActorType.FINANCE, None),
        (ActorType.HRSS, Administration.HRSS),
        (ActorType.MEDICAL_SECURITY, MED),
    ]
    found = []
    for actor_type, administration in [*bodies, (ActorType.TAX, None)]:
        actor = await make_actor(
            sessionmaker, actor_type=actor_type, region_code="510000", administration=administration
        )
        found.append(actor.organization_id)
    async with sessionmaker() as s:
        assert len({(await s.get_one(Organization, o)).id for o in found}) == 4
    return found


@pytest.mark.parametrize("query", [REPORTS, COMPILATIONS], ids=["reports", "compilations"])
async def test_art13_a_page_costs_the_same_statements_at_any_size(
    gql: GraphQLClient,
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    count_statements: StatementCounter,
    query: str,
) -> None:
    counts, sizes = [], []
    for size in (2, 9):
        await truncate_all(engine)
        async with sessionmaker() as s:
            await load_reference_data(session=s)
            await s.commit()
        province = await _province(sessionmaker)
        for region in PREFECTURES[:size]:
            await _area(sessionmaker, region, province)
        await gql.login_as(ActorType.FINANCE, "510000")
        count_statements.reset()
        page = next(iter((await gql.data(query)).values()))
        counts.append(count_statements.count)
        sizes.append(page["totalCount"])
        for node in page["nodes"]:  # the page really holds what each item reads
            tables = [node["tables"]] if "tables" in node else [r["tables"] for r in node["reports"]]
            assert tables and all(t["goalLight"] for t in tables)
    assert sizes == [2, 9]
    assert counts[0] == counts[1], (counts, count_statements.statements)
