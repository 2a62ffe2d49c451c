"""The January compilation through the API (Art. 13 「各市（州）财政部门每年1月底前牵头汇总本地上年运行监控
情况报告，报财政厅、人力资源社会保障厅、省医保局、省税务局」): the prefecture's finance drafts and sends it in
January of the next year (numbered as its 财社 document, addressed to the four provincial bodies), each of
which acknowledges it once; one sent after the end of January is marked late, not refused."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration
from src.services.monitoring import compilations
from tests.factories import make_actor, make_user
from tests.schema.conftest import GraphQLClient
from tests.schema.monitoring.report_calls import (
    COMPILATION,
    COMPILATION_ACKNOWLEDGE,
    COMPILATION_CREATE,
    COMPILATION_SEND,
    COMPILATION_UPDATE,
    COMPILATIONS,
    call,
    ids,
)
from tests.services.conftest import database_state
from tests.services.monitoring.report_rows import goal_in_force, put_report

MED, HRSS = Administration.MEDICAL_SECURITY, Administration.HRSS
YEAR = 2026  # monitored; compiled in January 2027
PROVINCIAL = {
    ActorType.FINANCE: None,
    ActorType.HRSS: HRSS,
    ActorType.MEDICAL_SECURITY: MED,
    ActorType.TAX: None,
}
TEXT = {"summary": "全年基金运行平稳", "problems": "支出进度偏慢", "measures": ""}


async def year_end_reports(sessionmaker: async_sessionmaker[AsyncSession], *regions: str) -> None:
    """Each prefecture's accepted 2026 year-end report of employee medical insurance."""
    for region in regions:
        agency = await make_actor(
            sessionmaker, actor_type=ActorType.AGENCY, region_code=region, administration=MED
        )
        async with sessionmaker() as s:
            await put_report(s, await goal_in_force(s, region_code=region, year=YEAR), by=agency)
            await s.commit()


async def tokens(gql: GraphQLClient) -> dict[ActorType, str]:
    """财政厅、人社厅、省医保局、省税务局: a user of each."""
    found = {}
    for actor_type, administration in PROVINCIAL.items():
        user = await make_user(
            gql.sessionmaker, actor_type=actor_type, region_code="510000", administration=administration
        )
        found[actor_type] = gql.token_for(user)
    return found


def as_(gql: GraphQLClient, token: str) -> None:
    gql.http.headers["Authorization"] = f"Bearer {token}"


async def sent(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch, region: str, at: datetime
) -> dict[str, Any]:
    """The prefecture's finance drafts, completes and sends its compilation of 2026 at `at`."""
    await gql.login_as(ActorType.FINANCE, region)
    created = await call(gql, COMPILATION_CREATE, input={"regionCode": region, "year": YEAR, **TEXT})
    assert created["__typename"] == "MonitoringCompilationSuccess", created
    c = created["compilation"]
    assert (c["status"], c["documentNumber"], c["recipients"], c["late"]) == ("DRAFT", None, [], False)
    incomplete = await call(gql, COMPILATION_SEND, **ids(c))
    assert (incomplete["__typename"], incomplete["fields"]) == (
        "ValidationError", [{"field": "compilation.measures", "code": "REQUIRED"}],
    )  # fmt: skip
    c = (await call(gql, COMPILATION_UPDATE, input={**ids(c), "measures": "加快支出进度"}))["compilation"]
    monkeypatch.setattr(compilations, "utcnow", lambda: at)
    result = await call(gql, COMPILATION_SEND, **ids(c))
    assert result["__typename"] == "MonitoringCompilationSuccess", result
    compilation: dict[str, Any] = result["compilation"]
    return compilation


async def test_art13_a_compilation_cycle_through_the_api(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await year_end_reports(sessionmaker, "510100", "511800")
    bodies = await tokens(gql)
    c = await sent(gql, monkeypatch, "510100", datetime(2027, 1, 20, 2, tzinfo=UTC))
    assert (c["status"], c["statusLabel"], c["dueOn"], c["late"]) == ("SENT", "已报送", "2027-01-31", False)
    assert c["documentNumber"].startswith("成财社〔2027〕"), c["documentNumber"]
    assert [
        (r["organization"]["actorType"], r["organization"]["region"]["code"]) for r in c["recipients"]
    ] == [(t.value, "510000") for t in PROVINCIAL]
    assert not any(r["acknowledged"] for r in c["recipients"])
    assert [(r["region"]["code"], r["month"], r["status"]) for r in c["reports"]] == [
        ("510100", 12, "ACCEPTED")
    ]
    after = await call(gql, COMPILATION_UPDATE, input={**ids(c), "summary": "改"})
    assert (after["__typename"], after["code"]) == ("InvalidTransitionError", "NOT_EDITABLE")

    # Each of the four provincial bodies reads and acknowledges it, once.
    for actor_type, token in bodies.items():
        as_(gql, token)
        done = await call(gql, COMPILATION_ACKNOWLEDGE, id=c["id"])
        assert done["__typename"] == "MonitoringCompilationSuccess", (actor_type, done)
        mine = next(
            r for r in done["compilation"]["recipients"] if r["organization"]["actorType"] == actor_type
        )
        assert mine["acknowledged"] and mine["acknowledgedAt"]
        # The reports compiled, as each reads them: 人社厅 reads none of the medical funds' (scope.py).
        assert len(done["compilation"]["reports"]) == (0 if actor_type == ActorType.HRSS else 1)
    again = await call(gql, COMPILATION_ACKNOWLEDGE, id=c["id"])
    assert (again["__typename"], again["code"]) == ("InvalidTransitionError", "ALREADY_ACKNOWLEDGED")
    read = await call(gql, COMPILATION, id=c["id"])
    assert all(r["acknowledged"] for r in read["recipients"])

    # 雅安市 sends on 3 February: marked late, not refused.
    late = await sent(gql, monkeypatch, "511800", datetime(2027, 2, 3, 2, tzinfo=UTC))
    assert (late["status"], late["late"], late["dueOn"]) == ("SENT", True, "2027-01-31")
    as_(gql, bodies[ActorType.FINANCE])
    listed = (await gql.data(COMPILATIONS, {"filter": {"year": YEAR}}))["monitoringCompilations"]
    assert sorted((n["id"], n["late"]) for n in listed["nodes"]) == sorted(
        [(c["id"], False), (late["id"], True)]
    )


async def test_art13_only_the_provincial_bodies_acknowledge(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], monkeypatch: pytest.MonkeyPatch
) -> None:
    await year_end_reports(sessionmaker, "510100")
    await tokens(gql)
    c = await sent(gql, monkeypatch, "510100", datetime(2027, 1, 20, 2, tzinfo=UTC))
    before = await database_state(sessionmaker)
    body = await gql.query(COMPILATION_ACKNOWLEDGE, {"id": c["id"]})  # 成都's finance, its sender
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    unknown = await call(gql, COMPILATION_ACKNOWLEDGE, id="999999")
    assert unknown["__typename"] == "NotFoundError"
    assert await database_state(sessionmaker) == before
    await gql.login_as(ActorType.FINANCE, "510300")  # 自贡市 reads nothing of 成都's
    outside = await call(gql, COMPILATION, id=c["id"])
    assert outside["__typename"] == "NotFoundError"


async def test_art13_compilation_bad_input_changes_nothing(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.FINANCE, "510100")
    c = (await call(gql, COMPILATION_CREATE, input={"regionCode": "510100", "year": YEAR, **TEXT}))[
        "compilation"
    ]
    before = await database_state(sessionmaker)
    answers = [
        (COMPILATION_UPDATE, {"input": {**ids(c), "summary": "长" * 10_001}}),
        (COMPILATION_UPDATE, {"input": {**ids(c), "problems": "问题\x1b[0m"}}),
        (COMPILATION_UPDATE, {"input": {**ids(c), "rowVersion": 9, "summary": "x"}}),
        (COMPILATION_UPDATE, {"input": {**ids(c), "id": "999999", "summary": "x"}}),
        (COMPILATION_CREATE, {"input": {"regionCode": "510100", "year": YEAR, **TEXT}}),
        (COMPILATION_CREATE, {"input": {"regionCode": "999999", "year": YEAR, **TEXT}}),
        (COMPILATION_CREATE, {"input": {"regionCode": "510100", "year": 1999, **TEXT}}),
        (COMPILATION_SEND, {"id": c["id"], "rowVersion": 9}),
    ]
    found = []
    for document, variables in answers:
        result = next(iter((await gql.data(document, variables)).values()))
        found.append(
            (result["__typename"], result.get("code"), [f["field"] for f in result.get("fields", [])])
        )
    assert found == [
        ("ValidationError", "VALIDATION_FAILED", ["input.summary"]),
        ("ValidationError", "VALIDATION_FAILED", ["input.problems"]),
        ("ConflictError", "STALE_VERSION", []),
        ("NotFoundError", "NOT_FOUND", []),
        ("ConflictError", "COMPILATION_EXISTS", []),
        ("NotFoundError", "NOT_FOUND", []),
        ("ValidationError", "VALIDATION_FAILED", ["input.year"]),
        ("ValidationError", "VALIDATION_FAILED", ["compilation.measures"]),
    ]
    assert await database_state(sessionmaker) == before
