"""Real records of the monitoring documents' subjects, for the document checker and the template lint
(tests/reports/test_monitoring_documents.py, test_render.py): 成都市's employee and resident medical
funds with goals in force of eight indicators of every kind, the regions' entries, budget execution and
warnings — a 2026 half-year report of the resident fund as a draft, the 2025 year-end reports accepted —
and 成都市's January compilation of 2025 sent, 德阳市's still a draft. Bodies named as the demo names
them."""

from decimal import Decimal

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Indicator, Organization, Region
from src.models.enums import (
    ActorType,
    Administration,
    Aggregation,
    BudgetItem,
    Comparator,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.models.monitoring import (
    CompletionLikelihood,
    Light,
    MonitoringCompilation,
    MonitoringDocumentKind,
    MonitoringReportStatus,
    WarningStatus,
)
from src.services.actors import Actor
from src.services.monitoring import compilations
from src.services.monitoring.compilations import CompilationText
from tests.factories import make_actor, make_budget, make_goal
from tests.services.conftest import Sessionmaker, act
from tests.services.monitoring.report_rows import (
    GoalInForce,
    add_actual,
    add_execution,
    add_warning,
    put_report,
)

MED = Administration.MEDICAL_SECURITY
BODIES: dict[str, list[tuple[ActorType, Administration | None, str]]] = {
    "510000": [
        (ActorType.FINANCE, None, "四川省财政厅"),
        (ActorType.HRSS, Administration.HRSS, "四川省人力资源和社会保障厅"),
        (ActorType.MEDICAL_SECURITY, MED, "四川省医疗保障局"),
        (ActorType.TAX, None, "国家税务总局四川省税务局"),
    ],
    "510100": [
        (ActorType.FINANCE, None, "成都市财政局"),
        (ActorType.HRSS, Administration.HRSS, "成都市人力资源和社会保障局"),
        (ActorType.MEDICAL_SECURITY, MED, "成都市医疗保障局"),
        (ActorType.AGENCY, MED, "成都市医疗保障事务中心"),
        (ActorType.TAX, None, "国家税务总局成都市税务局"),
    ],
    "510600": [
        (ActorType.FINANCE, None, "德阳市财政局"),
        (ActorType.MEDICAL_SECURITY, MED, "德阳市医疗保障局"),
        (ActorType.AGENCY, MED, "德阳市医疗保障事务中心"),
        (ActorType.TAX, None, "国家税务总局德阳市税务局"),
    ],
}
# (一级, 二级, 三级, comparator, target, unit, aggregation)
INDICATORS = [
    (
        IndicatorCategory.DECISION,
        "政策制定",
        "医保政策按规定制定和调整",
        Comparator.GRADE,
        None,
        "",
        Aggregation.NONE,
    ),
    (IndicatorCategory.PROCESS, "基金预算管理", "基金预算执行率", Comparator.GE, "90", "%", Aggregation.RATE),
    (IndicatorCategory.PROCESS, "基金预算管理", "基金结余率", Comparator.LE, "5", "%", Aggregation.NONE),
    (IndicatorCategory.OUTPUT, "数量指标", "年末参保人数", Comparator.GE, "1050", "万人", Aggregation.SUM),
    (
        IndicatorCategory.OUTPUT,
        "质量指标",
        "医保待遇按时足额支付率",
        Comparator.GE,
        "100",
        "%",
        Aggregation.RATE,
    ),
    (IndicatorCategory.OUTPUT, "时效指标", "医疗费用结算时限", Comparator.LE, "30", "天", Aggregation.NONE),
    (
        IndicatorCategory.BENEFIT,
        "社会效益指标",
        "基本医疗保险参保率",
        Comparator.GE,
        "95",
        "%",
        Aggregation.RATE,
    ),
    (IndicatorCategory.BENEFIT, "满意度指标", "参保群众满意度", Comparator.GE, "90", "%", Aggregation.RATE),
]


async def _bodies(session: AsyncSession) -> None:
    """The bodies by their names: those on record already (a test's users) renamed, the others added."""
    for code, rows in BODIES.items():
        region = (await session.exec(select(Region).where(Region.code == code))).one()
        for actor_type, administration, name in rows:
            stmt = select(Organization).where(
                Organization.region_id == region.id,
                Organization.actor_type == actor_type,
                col(Organization.administration).is_(None)
                if administration is None
                else Organization.administration == administration,
            )
            found = (await session.exec(stmt)).first()
            organization = found or Organization(
                name=name, actor_type=actor_type, administration=administration, region_id=region.id or 0
            )
            organization.name = name
            session.add(organization)
    await session.flush()


async def _goal(session: AsyncSession, region: str, fund: str, year: int) -> GoalInForce:
    goal = await make_goal(
        session, region_code=region, fund_code=fund, year=year, status=GoalStatus.ISSUED, indicators=0
    )
    goal.content = (
        "参保扩面稳步推进，年末参保人数达到1050万人以上；\n"
        "医保待遇按时足额支付，基金收支平衡、略有结余，结余率控制在5%以内。"
    )
    session.add(goal)
    rows = []
    for order, (level1, level2, level3, comparator, target, unit, aggregation) in enumerate(INDICATORS):
        qualitative = comparator == Comparator.GRADE
        rows.append(
            Indicator(
                goal_id=goal.id or 0,
                level1=level1,
                level2=level2,
                level3=level3,
                sort_order=order,
                kind=IndicatorKind.QUALITATIVE if qualitative else IndicatorKind.QUANTITATIVE,
                comparator=comparator,
                target_value=Decimal(target) if target else None,
                unit=unit,
                aggregation=aggregation,
                target_grade=QualitativeGrade.ACHIEVED if qualitative else None,
                weight=Decimal("12.5"),
            )
        )
    session.add_all(rows)
    await session.flush()
    budget = await make_budget(session, region_code=region, fund_code=fund, year=year)
    return GoalInForce(goal, budget, {i.level3: i for i in rows})


async def _entries(session: AsyncSession, target: GoalInForce, by: Actor, month: int, scale: int) -> None:
    """成都市's own figures and two districts' parts: a spread of lights, causes and a likelihood."""
    region = "510100" if target.goal.region_id == (await _region_id(session, "510100")) else "510600"
    parts = ["510104", "510105"] if region == "510100" else ["510603", "510604"]
    await add_actual(
        session,
        target,
        "医保政策按规定制定和调整",
        by=by,
        region_code=region,
        month=month,
        grade=QualitativeGrade.ACHIEVED,
        likelihood=CompletionLikelihood.CERTAIN,
    )
    await add_actual(
        session,
        target,
        "基金预算执行率",
        by=by,
        region_code=region,
        month=month,
        numerator=str(42 * scale),
        denominator=str(100 * month // 12 * 1),
        cause_funding="部分财政补助资金下半年拨付",
        forecast="预计全年可达90%",
        likelihood=CompletionLikelihood.POSSIBLE,
    )
    await add_actual(
        session,
        target,
        "基金结余率",
        by=by,
        region_code=region,
        month=month,
        value="6.20",
        cause_system="门诊共济改革后支出结构变化",
        cause_other="异地就医结算清算滞后",
        forecast="预计年末回落至5%左右",
        likelihood=CompletionLikelihood.POSSIBLE,
    )
    for part, value in zip(parts, ("560", "521"), strict=True):
        await add_actual(session, target, "年末参保人数", by=by, region_code=part, month=month, value=value)
    for part, (paid, due) in zip(parts, (("129876", "130000"), ("99120", "100000")), strict=True):
        await add_actual(
            session,
            target,
            "医保待遇按时足额支付率",
            by=by,
            region_code=part,
            month=month,
            numerator=paid,
            denominator=due,
            forecast="全年按时足额支付",
        )
    await add_actual(session, target, "医疗费用结算时限", by=by, region_code=region, month=month, value="24")
    await add_actual(
        session,
        target,
        "基本医疗保险参保率",
        by=by,
        region_code=region,
        month=month,
        numerator="9612",
        denominator="10000",
        likelihood=CompletionLikelihood.CERTAIN,
    )
    for item, amount in (
        (BudgetItem.CONTRIBUTION, 1_150_000 * scale),
        (BudgetItem.FISCAL_SUBSIDY, 900_000 * scale),
        (BudgetItem.BENEFITS, 950_000 * scale),
        (BudgetItem.OTHER_EXPENDITURE, 10_000 * scale),
    ):
        await add_execution(
            session, target, item, str(Decimal(amount) / 2), by=by, region_code=parts[0], month=month
        )
        await add_execution(
            session, target, item, str(Decimal(amount) / 2), by=by, region_code=parts[1], month=month
        )
    await add_warning(
        session,
        target,
        month=month,
        level3="基金结余率",
        light=Light.RED,
        deviation="24.00",
        status=WarningStatus.ANSWERED,
    )
    await add_warning(
        session, target, month=month, item=BudgetItem.OTHER_EXPENDITURE, light=Light.RED, deviation="-66.67"
    )


async def _region_id(session: AsyncSession, code: str) -> int:
    region = (await session.exec(select(Region).where(Region.code == code))).one()
    return region.id or 0


async def real_monitoring_records(sessionmaker: Sessionmaker) -> dict[str, tuple[str, int]]:
    """The records, by name: (document kind, subject id)."""
    async with sessionmaker() as session:
        await _bodies(session)
        await session.commit()
    chengdu = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code="510100", administration=MED
    )
    deyang = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code="510600", administration=MED
    )
    finance = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code="510100")
    deyang_finance = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code="510600")
    async with sessionmaker() as session:
        half = await _goal(session, "510100", "RESIDENT_MEDICAL", 2026)
        await _entries(session, half, chengdu, 6, 1)
        draft = await put_report(session, half, by=chengdu, month=6, status=MonitoringReportStatus.DRAFT)
        reports = {}
        for fund in ("EMPLOYEE_MEDICAL", "RESIDENT_MEDICAL"):
            year_end = await _goal(session, "510100", fund, 2025)
            await _entries(session, year_end, chengdu, 12, 2)
            reports[fund] = await put_report(session, year_end, by=chengdu)
        deyang_goal = await _goal(session, "510600", "EMPLOYEE_MEDICAL", 2025)
        await _entries(session, deyang_goal, deyang, 12, 2)
        await put_report(session, deyang_goal, by=deyang)
        await session.commit()
    text = CompilationText(
        summary="2025年，全市职工医保和居民医保基金运行总体平稳，参保扩面和待遇支付目标如期实现。",
        problems="基金结余率高于目标，部分县（市、区）其他支出执行进度偏慢。",
        measures="加强基金预算执行监控，督促县（市、区）加快支出进度，按程序评估调整结余率目标。",
    )
    sent = await act(
        sessionmaker,
        lambda s: compilations.create_compilation(
            session=s, actor=finance, region_code="510100", year=2025, text=text
        ),
    )
    sent = await act(
        sessionmaker,
        lambda s: compilations.send_compilation(
            session=s, actor=finance, compilation_id=sent.id or 0, row_version=sent.row_version
        ),
    )
    drafted: MonitoringCompilation = await act(
        sessionmaker,
        lambda s: compilations.create_compilation(
            session=s, actor=deyang_finance, region_code="510600", year=2025, text=text
        ),
    )
    table, report, compilation = (
        MonitoringDocumentKind.MONITORING_TABLE,
        MonitoringDocumentKind.MONITORING_REPORT,
        MonitoringDocumentKind.MONITORING_COMPILATION,
    )
    accepted = reports["EMPLOYEE_MEDICAL"].id or 0
    return {
        "table_draft": (table, draft.id or 0),
        "table_accepted": (table, accepted),
        "report_draft": (report, draft.id or 0),
        "report_accepted": (report, accepted),
        "compilation_sent": (compilation, sent.id or 0),
        "compilation_draft": (compilation, drafted.id or 0),
    }


__all__ = ["Goal", "real_monitoring_records"]
