"""The monitoring report through the API (Art. 13 「社会保险经办机构商税务部门具体实施绩效运行监控、形成运行
监控情况报告」): drafted by the agency, concurred with by the tax department on its current revision (an
edit voids it), submitted, returned with a reason, resubmitted, accepted by finance and the supervising
administration; its tables generated from the monitoring data, its steps and its lateness readable; bad
input answered as typed errors with nothing changed."""

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Indicator
from src.models.enums import ActorType, Administration
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services.monitoring import report_workflow
from tests.factories import make_actor, make_actual, make_user
from tests.schema.conftest import GraphQLClient
from tests.schema.monitoring.conftest import Target
from tests.schema.monitoring.report_calls import (
    ACCEPT,
    CONCUR,
    CREATE,
    REPORT,
    REPORTS,
    RETURN,
    SUBMIT,
    UPDATE,
    call,
    ids,
)
from tests.services.conftest import database_state

MED = Administration.MEDICAL_SECURITY
JUNE = {"regionCode": "510100", "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026, "month": 6}
IN_TIME = datetime(2026, 7, 10, 2, tzinfo=UTC)  # before 20 July: 30 June + MONITORING_REPORT_DUE_DAYS (20)
LATE = datetime(2026, 7, 27, 2, tzinfo=UTC)


async def june_actuals(sessionmaker: async_sessionmaker[AsyncSession], target: Target) -> None:
    """成都's agency entered 参保人数 to June: 50 of 320 万人 (a red light at half the year)."""
    agency = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code="510100", administration=MED
    )
    async with sessionmaker() as s:
        indicator = await s.get_one(Indicator, target.indicators["参保人数"])
        await make_actual(s, indicator, month=6, by=agency, value=Decimal(50))
        await s.commit()


async def drafted(gql: GraphQLClient) -> dict[str, Any]:
    await gql.login_as(ActorType.TAX, "510100")  # 成都's tax department exists (商税务部门)
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    created = await call(gql, CREATE, input={**JUNE, "progress": "上半年基金运行平稳"})
    assert created["__typename"] == "MonitoringReportSuccess", created
    report: dict[str, Any] = created["report"]
    return report


async def test_art13_a_report_cycle_through_the_api(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    target: Target,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    await june_actuals(sessionmaker, target)
    r = await drafted(gql)
    assert (r["status"], r["periodLabel"], r["contentRevision"], r["taxConcurred"]) == (
        "DRAFT",
        "1-6月",
        0,
        False,
    )
    assert (r["region"]["code"], r["fundType"]["code"], r["drafterOrganization"]["actorType"]) == (
        "510100", "EMPLOYEE_MEDICAL", "AGENCY",
    )  # fmt: skip
    r = (await call(gql, UPDATE, input={**ids(r), "problems": "支出偏慢", "measures": "加快支出"}))["report"]
    assert (r["progress"], r["problems"], r["contentRevision"]) == ("上半年基金运行平稳", "支出偏慢", 1)

    await gql.login_as(ActorType.TAX, "510100")
    r = (await call(gql, CONCUR, input={**ids(r), "opinion": "同意"}))["report"]
    assert (r["taxConcurred"], r["taxConcurredRevision"]) == (True, 1)

    await gql.login_as(ActorType.AGENCY, "510100", MED)  # an edit voids the concurrence
    r = (await call(gql, UPDATE, input={**ids(r), "measures": "加快支出进度"}))["report"]
    assert (r["contentRevision"], r["taxConcurred"], r["taxConcurredRevision"]) == (2, False, 1)
    refused = await call(gql, SUBMIT, **ids(r))
    assert (refused["__typename"], refused["code"]) == ("PreconditionFailedError", "TAX_CONCURRENCE_REQUIRED")

    await gql.login_as(ActorType.TAX, "510100")
    r = (await call(gql, CONCUR, input=ids(r)))["report"]
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    monkeypatch.setattr(report_workflow, "utcnow", lambda: IN_TIME)
    r = (await call(gql, SUBMIT, **ids(r)))["report"]
    assert (r["status"], r["late"], r["dueOn"]) == ("SUBMITTED", False, "2026-07-20")

    await gql.login_as(ActorType.FINANCE, "510100")
    no_reason = await call(gql, RETURN, input={**ids(r), "reason": "  "})
    assert (no_reason["__typename"], no_reason["fields"]) == (
        "ValidationError", [{"field": "input.reason", "code": "REQUIRED"}],
    )  # fmt: skip
    r = (await call(gql, RETURN, input={**ids(r), "reason": "请补充县区支出分析"}))["report"]
    assert (r["status"], r["returnReason"]) == ("RETURNED", "请补充县区支出分析")

    await gql.login_as(ActorType.AGENCY, "510100", MED)  # resubmitted after the due day: marked, not refused
    monkeypatch.setattr(report_workflow, "utcnow", lambda: LATE)
    r = (await call(gql, SUBMIT, **ids(r)))["report"]
    assert (r["status"], r["returnReason"], r["late"]) == ("SUBMITTED", None, True)

    await gql.login_as(ActorType.FINANCE, "510100")
    r = (await call(gql, ACCEPT, **ids(r)))["report"]
    assert (r["status"], r["financeAcceptedAt"] is not None) == ("SUBMITTED", True)
    twice = await call(gql, ACCEPT, **ids(r))
    assert (twice["__typename"], twice["code"]) == ("InvalidTransitionError", "ALREADY_ACCEPTED")
    await gql.login_as(ActorType.MEDICAL_SECURITY, "510100", MED)
    r = (await call(gql, ACCEPT, **ids(r)))["report"]
    assert r["status"] == "ACCEPTED" and r["statusLabel"] == "已审核通过"

    read = await call(gql, REPORT, id=r["id"])
    steps = [
        (t["action"], t["toStatus"], t["reason"], t["organization"]["actorType"]) for t in read["transitions"]
    ]
    assert steps == [
        ("TAX_CONCUR", "DRAFT", "同意", "TAX"),
        ("TAX_CONCUR", "DRAFT", None, "TAX"),
        ("SUBMIT", "SUBMITTED", None, "AGENCY"),
        ("RETURN", "RETURNED", "请补充县区支出分析", "FINANCE"),
        ("SUBMIT", "SUBMITTED", None, "AGENCY"),
        ("ACCEPT", "SUBMITTED", "财政部门审核通过", "FINANCE"),
        ("ACCEPT", "ACCEPTED", "主管行政部门审核通过", "MEDICAL_SECURITY"),
    ]
    assert all(t["user"]["username"] and t["at"] for t in read["transitions"])
    tables = read["tables"]
    assert (tables["elapsed"], tables["goal"]["id"]) == ("50", str(target.goal_id))
    lines = {line["level3"]: line for line in tables["indicators"]}
    assert len(lines) == 8
    count = lines["参保人数"]
    assert (count["actualValue"], count["light"], count["lightLabel"], count["entries"]) == (
        "50.0000", "RED", "红灯", 1,
    )  # fmt: skip
    assert tables["goalLight"] == "RED" and tables["goalLightLabel"] == "红灯"
    unentered = lines["参保对象满意度"]
    assert (unentered["light"], unentered["lightLabel"], unentered["actualValue"]) == ("NONE", "未填报", None)
    assert all(row["lightLabel"] for row in tables["execution"])  # never a light without its text
    assert [row["label"] for row in tables["execution"] if row["total"]] == ["基金收入", "基金支出"]


async def test_art13_who_reads_a_report(gql: GraphQLClient, target: Target) -> None:
    """A draft is read in its region and above; once submitted, as the fund's other records (scope.py)."""
    report = await drafted(gql)
    for reader, region, administration, sees in [
        (ActorType.FINANCE, "510000", None, True),
        (ActorType.AGENCY, "511800", MED, False),  # another prefecture
        (ActorType.HRSS, "510100", Administration.HRSS, False),  # not its administration's fund
        (ActorType.NATIONAL, "510000", None, False),  # a draft
    ]:
        await gql.login_as(reader, region, administration)
        listed = (await gql.data(REPORTS, {"filter": {"year": 2026}}))["monitoringReports"]
        one = await call(gql, REPORT, id=report["id"])
        assert (listed["totalCount"] == 1, one["__typename"] == "MonitoringReport") == (sees, sees), reader


async def test_art13_bad_input_is_answered_as_typed_errors_and_changes_nothing(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], target: Target
) -> None:
    report = await drafted(gql)
    tax = gql.token_for(await make_user(sessionmaker, actor_type=ActorType.TAX, region_code="510100"))
    before = await database_state(sessionmaker)
    too_long = "长" * (FREE_TEXT_MAX_LENGTH + 1)
    answers = [
        (UPDATE, {"input": {**ids(report), "progress": too_long}}),
        (UPDATE, {"input": {**ids(report), "problems": "问题\x07"}}),
        (UPDATE, {"input": {**ids(report) | {"id": "999999"}, "progress": "x"}}),
        (UPDATE, {"input": {**ids(report) | {"rowVersion": 7}, "progress": "x"}}),
        (CREATE, {"input": {**JUNE, "measures": too_long}}),
        (CREATE, {"input": {**JUNE, "month": 5}}),  # not a period's end (quarterly by default)
        (CREATE, {"input": {**JUNE, "regionCode": "999999"}}),
        (CREATE, {"input": JUNE}),  # the period's report exists
        (SUBMIT, ids(report)),  # 存在问题 and 改进措施 not written yet
    ]
    found = []
    for document, variables in answers:
        result = next(iter((await gql.data(document, variables)).values()))
        found.append(
            (result["__typename"], result.get("code"), [f["field"] for f in result.get("fields", [])])
        )
    assert found == [
        ("ValidationError", "VALIDATION_FAILED", ["input.progress"]),
        ("ValidationError", "VALIDATION_FAILED", ["input.problems"]),
        ("NotFoundError", "NOT_FOUND", []),
        ("ConflictError", "STALE_VERSION", []),
        ("ValidationError", "VALIDATION_FAILED", ["input.measures"]),
        ("ValidationError", "VALIDATION_FAILED", ["input.month"]),
        ("NotFoundError", "NOT_FOUND", []),
        ("ConflictError", "MONITORING_REPORT_EXISTS", []),
        ("ValidationError", "VALIDATION_FAILED", ["report.problems", "report.measures"]),
    ]
    body = await gql.query(UPDATE, {"input": {**ids(report) | {"id": "abc"}, "progress": "x"}})
    assert body["errors"][0]["extensions"]["code"] == "INVALID_ID"
    gql.http.headers["Authorization"] = f"Bearer {tax}"
    stale = await call(gql, CONCUR, input=ids(report) | {"rowVersion": 7})
    assert (stale["__typename"], stale["code"], stale["currentVersion"]) == (
        "ConflictError",
        "STALE_VERSION",
        1,
    )
    assert await database_state(sessionmaker) == before
