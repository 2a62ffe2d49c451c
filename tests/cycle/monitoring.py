"""In-year monitoring (Art. 11–14): the pooling region's agency enters each quarter's actuals and the
execution of its budget (the tax department the contributions it collects) after each quarter ends; the
pooling region's finance evaluates June, which warns of the indicator left behind, and the administration
answers the warning; after the year the agency drafts the year-end 运行监控情况报告, the tax department
concurs, the agency submits it, finance and the administration accept it; a prefecture's finance compiles
its area's year-end reports in January and sends them to the four provincial bodies, each of which
acknowledges them. Printed: the 绩效运行监控表, the report and the compilation."""

from datetime import date
from decimal import Decimal
from typing import Any

from src.models.enums import ActorType, Administration
from tests.cycle.documents import document
from tests.cycle.state import PROVINCE, Cycle, Fund, call, ids
from tests.schema.monitoring.report_calls import (
    ACCEPT,
    COMPILATION_ACKNOWLEDGE,
    COMPILATION_CREATE,
    COMPILATION_SEND,
    CONCUR,
    CREATE,
    SUBMIT,
)

ACTUALS = """mutation($input: ActualsRecordInput!) { actualsRecord(input: $input) { __typename
  ... on ActualsRecordSuccess { created } ... on ValidationError { fields { field code message } } } }"""
EXECUTIONS = """mutation($input: ExecutionRecordInput!) { executionRecord(input: $input) { __typename
  ... on ExecutionRecordSuccess { created } ... on ValidationError { fields { field code message } } } }"""
EVALUATE = """mutation($input: MonitoringEvaluateInput!) { monitoringEvaluate(input: $input) { __typename
  ... on MonitoringEvaluateSuccess { goalLight raised { id rowVersion kind light subject } }
  ... on ValidationError { fields { field code message } } ... on UserError { code message } } }"""
RESPOND = """mutation($input: WarningRespondInput!) { warningRespond(input: $input) { __typename
  ... on WarningSuccess { warning { status response } } ... on ValidationError { fields { field code } }
  ... on UserError { code message } } }"""
QUARTERS = (3, 6, 9, 12)
PROVINCIAL_BODIES = (
    (ActorType.FINANCE, None),
    (ActorType.HRSS, Administration.HRSS),
    (ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY),
    (ActorType.TAX, None),
)
REPORT_TEXT = {
    "progress": "全年基金收支平稳，待遇按时足额发放，参保扩面按序时推进。",
    "problems": "个别指标完成进度偏慢，部分县（市、区）支出进度不均衡。",
    "measures": "按月通报指标完成和支出进度，督促相关地区加快工作。",
}


def behind(cycle: Cycle, fund: Fund) -> dict[str, Any]:
    """The indicator the year leaves behind: the first quantitative "≥" one (Art. 14 warns of it, Art. 18
    asks its cause and measures)."""
    return next(
        i for i in cycle.indicators[fund.code] if i["kind"] == "QUANTITATIVE" and i["comparator"] == "GE"
    )


def _row(indicator: dict[str, Any], month: int, share: Decimal) -> dict[str, Any]:
    """The actual of `month`: the target reached, times `share` for the indicator left behind."""
    row: dict[str, Any] = {"indicatorId": indicator["id"], "month": month}
    if indicator["kind"] == "QUALITATIVE":
        return {**row, "grade": "ACHIEVED", "likelihood": "CERTAIN"}
    value = Decimal(indicator["targetValue"]) * share
    if share < 1:
        row |= {"causeSystem": "经办系统切换，部分待遇延迟发放", "likelihood": "POSSIBLE"}
    if indicator["aggregation"] == "RATE":  # a rate is entered as its parts (Art. 13 合规性)
        return {**row, "numerator": str(value * 100), "denominator": "10000"}
    return {**row, "value": str(value)}


def _summable(indicator: dict[str, Any]) -> bool:
    """Entered by the regions below, the pooling region's figure their sum (Art. 6, 12)."""
    return indicator["kind"] == "QUANTITATIVE" and indicator["aggregation"] in ("SUM", "RATE")


async def _enter(cycle: Cycle, fund: Fund, month: int) -> None:
    """The quarter's figures, entered in the first days after it (Art. 13 及时性): the pooling region's
    agency its own, the region below its part of what sums (rates as numerator and denominator, the
    budget's execution), its tax department the contributions."""
    year = cycle.year + (month == 12)
    cycle.set_today(date(year, 1 if month == 12 else month + 1, 5))
    lagging = behind(cycle, fund)["id"]
    share = {3: Decimal("0.5"), 6: Decimal("0.5")}.get(month, Decimal("0.95"))
    rows = [_row(i, month, share if i["id"] == lagging else Decimal(1)) for i in cycle.indicators[fund.code]]
    summed = [r for r, i in zip(rows, cycle.indicators[fund.code], strict=True) if _summable(i)]
    own = [r for r in rows if r not in summed]
    for region, entered in ((fund.pooling_region, own), (fund.part_region, summed)):
        if entered:
            await cycle.login(ActorType.AGENCY, region, fund.administration)
            await call(cycle, ACTUALS, {"input": {"rows": entered}}, "ActualsRecordSuccess")
    budget = cycle.ids[cycle.key("budget", fund)]
    paid = {"budgetId": budget, "item": "BENEFITS", "month": month, "amount": str(500000 * month)}
    await cycle.login(ActorType.AGENCY, fund.part_region, fund.administration)
    await call(cycle, EXECUTIONS, {"input": {"rows": [paid]}}, "ExecutionRecordSuccess")
    await cycle.login(ActorType.TAX, fund.part_region)
    collected = {"budgetId": budget, "item": "CONTRIBUTION", "month": month, "amount": str(100000 * month)}
    await call(cycle, EXECUTIONS, {"input": {"rows": [collected]}}, "ExecutionRecordSuccess")


async def _june_warned_and_answered(cycle: Cycle, fund: Fund) -> None:
    cycle.set_today(date(cycle.year, 7, 20))
    await cycle.login(ActorType.FINANCE, fund.pooling_region)
    period = {"regionCode": fund.pooling_region, "fundTypeCode": fund.code, "year": cycle.year, "month": 6}
    evaluated = await call(cycle, EVALUATE, {"input": period}, "MonitoringEvaluateSuccess")
    warning = next(w for w in evaluated["raised"] if w["subject"] == behind(cycle, fund)["level3"])
    await cycle.login(fund.administration_actor, fund.pooling_region, fund.administration)
    answer = {**ids(warning), "kind": "CORRECTION", "note": "已约谈经办机构，按月通报发放进度"}
    answered = await call(cycle, RESPOND, {"input": answer}, "WarningSuccess")
    assert answered["warning"]["response"] == "CORRECTION", answered


async def _year_end_report(cycle: Cycle, fund: Fund) -> str:
    cycle.set_today(date(cycle.year + 1, 1, 10))
    region = fund.pooling_region
    await cycle.login(ActorType.AGENCY, region, fund.administration)
    opening = {"regionCode": region, "fundTypeCode": fund.code, "year": cycle.year, "month": 12}
    report = (await call(cycle, CREATE, {"input": {**opening, **REPORT_TEXT}}, "MonitoringReportSuccess"))[
        "report"
    ]
    await cycle.login(ActorType.TAX, region)
    concur = {"input": {**ids(report), "opinion": "征缴数据已核对，同意。"}}
    report = (await call(cycle, CONCUR, concur, "MonitoringReportSuccess"))["report"]
    await cycle.login(ActorType.AGENCY, region, fund.administration)
    report = (await call(cycle, SUBMIT, ids(report), "MonitoringReportSuccess"))["report"]
    for body, administration in ((ActorType.FINANCE, None), (fund.administration_actor, fund.administration)):
        await cycle.login(body, region, administration)
        report = (await call(cycle, ACCEPT, ids(report), "MonitoringReportSuccess"))["report"]
    assert report["status"] == "ACCEPTED" and not report["late"], report
    report_id: str = report["id"]
    return report_id


async def _compiled(cycle: Cycle, region: str) -> str:
    """The prefecture's January compilation of its year-end reports, sent and acknowledged (Art. 13)."""
    cycle.set_today(date(cycle.year + 1, 1, 20))
    await cycle.login(ActorType.FINANCE, region)
    text = {"summary": "全市基金运行总体平稳", "problems": "个别指标进度偏慢", "measures": "加强按月调度"}
    opening = {"regionCode": region, "year": cycle.year, **text}
    compilation = (await call(cycle, COMPILATION_CREATE, {"input": opening}, "MonitoringCompilationSuccess"))[
        "compilation"
    ]
    sent = await call(cycle, COMPILATION_SEND, ids(compilation), "MonitoringCompilationSuccess")
    assert sent["compilation"]["documentNumber"] and not sent["compilation"]["late"], sent
    for body, administration in PROVINCIAL_BODIES:
        await cycle.login(body, PROVINCE, administration)
        await call(cycle, COMPILATION_ACKNOWLEDGE, {"id": compilation["id"]}, "MonitoringCompilationSuccess")
    compilation_id: str = compilation["id"]
    return compilation_id


async def run(cycle: Cycle) -> None:
    for fund in cycle.funds:
        for month in QUARTERS[:2]:
            await _enter(cycle, fund, month)
        await _june_warned_and_answered(cycle, fund)
        for month in QUARTERS[2:]:
            await _enter(cycle, fund, month)
        report = await _year_end_report(cycle, fund)
        cycle.ids[cycle.key("monitoring_report", fund)] = report
        await cycle.login(ActorType.FINANCE, fund.pooling_region)
        await document(cycle, "MONITORING_TABLE", report)
        await document(cycle, "MONITORING_REPORT", report)
    for region in sorted({f.pooling_region for f in cycle.funds if f.prefecture_pooled}):
        compilation = await _compiled(cycle, region)
        await cycle.login(ActorType.FINANCE, region)
        await document(cycle, "MONITORING_COMPILATION", compilation)
