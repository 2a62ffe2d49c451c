"""The monitoring report's and the January compilation's mutations (Art. 13), one successful call each, as
tests/schema/mutation_cases.py has every other mutation's (which imports this module to register them)."""

from typing import Any

from src.models.enums import ActorType, Administration
from src.models.monitoring import CompilationStatus, MonitoringCompilation, MonitoringReportStatus
from tests.factories import make_actor, make_user, region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import MED, PREFECTURE, PROVINCE, Call, by_id, by_input, case, drafter
from tests.services.monitoring.report_rows import goal_in_force, put_report

PROVINCIAL: dict[ActorType, Administration | None] = {
    ActorType.FINANCE: None,
    ActorType.HRSS: Administration.HRSS,
    ActorType.MEDICAL_SECURITY: MED,
    ActorType.TAX: None,
}


async def report(
    gql: GraphQLClient, status: MonitoringReportStatus, month: int = 6, year: int = 2026
) -> dict[str, Any]:
    """成都's employee medical report of 1-`month`月 in `status`, its narrative written and concurred with
    by 成都's tax department (which exists)."""
    agency = await make_actor(
        gql.sessionmaker, actor_type=ActorType.AGENCY, region_code=PREFECTURE, administration=MED
    )
    await make_user(gql.sessionmaker, actor_type=ActorType.TAX, region_code=PREFECTURE)
    async with gql.sessionmaker() as s:
        row = await put_report(
            s,
            await goal_in_force(s, region_code=PREFECTURE, year=year),
            by=agency,
            month=month,
            status=status,
        )
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version}


def on_report(name: str, status: MonitoringReportStatus, actor: ActorType, **fields: str) -> None:
    """A mutation on a report in `status` by `actor` of 成都 (by input when it takes fields)."""

    async def build(gql: GraphQLClient) -> Call:
        ids = await report(gql, status)
        await gql.login_as(
            actor, PREFECTURE, MED if actor in (ActorType.AGENCY, ActorType.MEDICAL_SECURITY) else None
        )
        if not fields:
            return Call(by_id(name), ids)
        input_type = {"monitoringReportUpdate": "MonitoringReportUpdateInput",
                      "monitoringReportTaxConcur": "MonitoringReportTaxConcurInput",
                      "monitoringReportReturn": "MonitoringReportReturnInput"}[name]  # fmt: skip
        return Call(by_input(name, input_type), {"input": {**ids, **fields}})

    case(name)(build)


DRAFT, SUBMITTED = MonitoringReportStatus.DRAFT, MonitoringReportStatus.SUBMITTED
on_report("monitoringReportUpdate", DRAFT, ActorType.AGENCY, progress="改")
on_report("monitoringReportTaxConcur", DRAFT, ActorType.TAX, opinion="同意")
on_report("monitoringReportSubmit", DRAFT, ActorType.AGENCY)
on_report("monitoringReportAccept", SUBMITTED, ActorType.FINANCE)
on_report("monitoringReportReturn", SUBMITTED, ActorType.FINANCE, reason="理由")


@case("monitoringReportCreate")
async def monitoring_report_create(gql: GraphQLClient) -> Call:
    async with gql.sessionmaker() as s:
        await goal_in_force(s, region_code=PREFECTURE, year=2026)
        await s.commit()
    await drafter(gql)
    fields = {"regionCode": PREFECTURE, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026, "month": 6}
    return Call(by_input("monitoringReportCreate", "MonitoringReportCreateInput"), {"input": fields})


@case("monitoringCompilationCreate")
async def monitoring_compilation_create(gql: GraphQLClient) -> Call:
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    fields = {"regionCode": PREFECTURE, "year": 2026, "summary": "总体平稳"}
    return Call(
        by_input("monitoringCompilationCreate", "MonitoringCompilationCreateInput"), {"input": fields}
    )


async def compilation(gql: GraphQLClient) -> dict[str, Any]:
    """成都's draft compilation of 2026, complete, with an accepted year-end report to compile and the four
    provincial bodies to send it to; 成都's finance logged in."""
    await report(gql, MonitoringReportStatus.ACCEPTED, month=12)
    for actor_type, administration in PROVINCIAL.items():
        await make_user(
            gql.sessionmaker, actor_type=actor_type, region_code=PROVINCE, administration=administration
        )
    finance = await make_actor(gql.sessionmaker, actor_type=ActorType.FINANCE, region_code=PREFECTURE)
    async with gql.sessionmaker() as s:
        row = MonitoringCompilation(
            region_id=await region_id(s, PREFECTURE), year=2026, status=CompilationStatus.DRAFT,
            summary="总体平稳", problems="支出偏慢", measures="加快支出",
            organization_id=finance.organization_id,
        )  # fmt: skip
        s.add(row)
        await s.commit()
        ids = {"id": str(row.id), "rowVersion": row.row_version}
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    return ids


@case("monitoringCompilationUpdate")
async def monitoring_compilation_update(gql: GraphQLClient) -> Call:
    ids = await compilation(gql)
    variables = {"input": {**ids, "summary": "改"}}
    return Call(by_input("monitoringCompilationUpdate", "MonitoringCompilationUpdateInput"), variables)


@case("monitoringCompilationSend")
async def monitoring_compilation_send(gql: GraphQLClient) -> Call:
    return Call(by_id("monitoringCompilationSend"), await compilation(gql))


@case("monitoringCompilationAcknowledge")
async def monitoring_compilation_acknowledge(gql: GraphQLClient) -> Call:
    ids = await compilation(gql)
    sent = await gql.data(by_id("monitoringCompilationSend"), ids)
    assert sent["monitoringCompilationSend"]["__typename"] == "MonitoringCompilationSuccess", sent
    await gql.login_as(ActorType.HRSS, PROVINCE, Administration.HRSS)  # 人社厅
    return Call(
        "mutation($id: ID!) { monitoringCompilationAcknowledge(id: $id) { __typename } }", {"id": ids["id"]}
    )
