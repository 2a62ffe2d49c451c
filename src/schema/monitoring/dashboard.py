"""The `monitoring(regionCode, year, month)` query: a region's dashboard (Art. 12, 13), read by the service in
a fixed number of statements (services/monitoring/dashboard.py); the types here only present it."""

from datetime import date
from decimal import Decimal
from typing import Annotated

import strawberry

from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import related
from src.schema.enums import (
    Aggregation,
    BudgetItem,
    Comparator,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.schema.errors import NotFoundError, ValidationError
from src.schema.funds.types import FundType
from src.schema.goals.loaders import INDICATORS_PER_GOAL
from src.schema.goals.types import Goal
from src.schema.list_sizes import max_items
from src.schema.monitoring.comparison import ComplianceKind, Light, TimelinessStatus, View
from src.schema.permissions import IsAuthenticated
from src.schema.regions.loaders import CHILDREN_PER_REGION, region_by_id
from src.schema.regions.types import Region
from src.schema.transaction import current_actor
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.monitoring import dashboard as service
from src.services.monitoring.assessment import ExecutionAssessment, IndicatorAssessment

FUNDS = 20  # fund types: reference data, seven today (「其他依法设立的」 may add a few)
PROBLEMS = 100  # compliance problems listed per fund (the first ones; problemCount tells how many)


@strawberry.type(description="运行监控：一项指标的最新完成情况与灯")
class IndicatorMonitoring:
    lineage_id: strawberry.ID
    level1: IndicatorCategory
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    aggregation: Aggregation
    unit: str
    target_value: Decimal | None
    target_grade: QualitativeGrade | None
    month: int | None = strawberry.field(description="所用数据的月份（1-N月累计，截至所查月份的最新一期）")
    actual_value: Decimal | None = strawberry.field(description="完成值；比率按汇总后的分子分母重算")
    numerator: Decimal | None
    denominator: Decimal | None
    actual_grade: QualitativeGrade | None
    expected: Decimal | None = strawberry.field(description="按时间进度的预期值（金额、人数按月份折算）")
    ratio: Decimal | None = strawberry.field(description="完成值为预期的百分比")
    deviation: Decimal | None
    light: Light
    reported: int = strawberry.field(description="数据来自的统筹地区数（汇总时）")

    @strawberry.field
    def light_label(self) -> str:
        return label_zh(self.light)

    @classmethod
    def of(cls, a: IndicatorAssessment, reported: int) -> "IndicatorMonitoring":
        line, figure = a.indicator, a.figure
        return cls(
            lineage_id=strawberry.ID(str(line.lineage_id)), level1=line.level1, level2=line.level2,
            level3=line.level3, kind=line.kind, comparator=line.comparator, aggregation=line.aggregation,
            unit=line.unit, target_value=line.target_value, target_grade=line.target_grade, month=a.month,
            actual_value=figure.value if figure else None, numerator=figure.numerator if figure else None,
            denominator=figure.denominator if figure else None, actual_grade=figure.grade if figure else None,
            expected=a.expected, ratio=a.lit.ratio, deviation=a.lit.deviation, light=a.lit.light,
            reported=reported,
        )  # fmt: skip


@strawberry.type(description="运行监控：一个预算科目的执行进度与灯（执行率 ÷ 时间进度）")
class ExecutionMonitoring:
    item: BudgetItem
    budget: Decimal | None = strawberry.field(description="调整后预算数（无调整为年初预算）")
    month: int | None
    executed: Decimal | None = strawberry.field(description="1-N月累计执行数")
    rate: Decimal | None = strawberry.field(description="预算执行率（%）")
    progress: Decimal | None = strawberry.field(description="执行进度为序时进度的百分比")
    light: Light
    large_deviation: bool = strawberry.field(description="执行偏差较大（第十四条）")

    @strawberry.field
    def item_label(self) -> str:
        return label_zh(self.item)

    @classmethod
    def of(cls, e: ExecutionAssessment) -> "ExecutionMonitoring":
        return cls(
            item=e.item, budget=e.budget, month=e.month, executed=e.executed, rate=e.rate,
            progress=e.lit.ratio, light=e.lit.light, large_deviation=e.lit.large_deviation,
        )  # fmt: skip


@strawberry.type(description="及时性：各项数据是否在期末后规定日数内填报")
class Timeliness:
    due_on: date | None
    expected: int
    on_time: int
    late: int
    missing: int = strawberry.field(description="逾期仍未填报")
    pending: int = strawberry.field(description="未到期限、尚未填报")
    status: TimelinessStatus

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)


@strawberry.type(description="合规性问题")
class ComplianceProblem:
    kind: ComplianceKind
    subject: str
    message: str
    region_id: strawberry.Private[int | None]
    region: Region | None = related(
        Region, region_by_id, "region_id", optional=True, description="汇总时：所属统筹地区"
    )

    @strawberry.field
    def kind_label(self) -> str:
        return label_zh(self.kind)


@strawberry.type(description="合规性：预算执行不超预算、累计结余不为负、填报数据前后一致")
class Compliance:
    ok: bool
    problem_count: int
    problems: list[ComplianceProblem] = strawberry.field(metadata=max_items(PROBLEMS))


@strawberry.type(description="有效性：各指标的灯（目标的灯为其中最差者）")
class Effectiveness:
    light: Light
    green: int
    yellow: int
    red: int
    blue: int
    unlit: int = strawberry.field(description="未填报")


@strawberry.type(description="一个险种的运行监控")
class FundMonitoring:
    fund_type: FundType
    view: View
    goal: Goal | None = strawberry.field(description="有效的绩效目标（汇总时为全省统一的区域目标）")
    light: Light = strawberry.field(description="目标的灯：各指标中最差者")
    indicators: list[IndicatorMonitoring] = strawberry.field(metadata=max_items(INDICATORS_PER_GOAL))
    execution: list[ExecutionMonitoring] = strawberry.field(metadata=max_items(len(BudgetItem)))
    open_warnings: int = strawberry.field(description="待处置预警数")
    adjustment_review: bool = strawberry.field(description="有目标连续红灯达规定期数，提请评估调整")
    timeliness: Timeliness
    compliance: Compliance
    effectiveness: Effectiveness
    pooling_region_ids: strawberry.Private[tuple[int, ...]]

    @strawberry.field
    def view_label(self) -> str:
        return label_zh(self.view)

    @strawberry.field(metadata=max_items(CHILDREN_PER_REGION), description="数据所来自的统筹地区")
    async def pooling_regions(self, info: Info) -> list[Region]:
        ids = list(self.pooling_region_ids[:CHILDREN_PER_REGION])
        rows = await info.context.loaders[region_by_id].load_many(ids)
        return [Region.from_row(r) for r in rows if r is not None]


@strawberry.type(description="地区运行监控（第十二、十三条）：各险种目标完成与预算执行")
class MonitoringDashboard:
    region: Region
    year: int
    month: int
    funds: list[FundMonitoring] = strawberry.field(metadata=max_items(FUNDS))


MonitoringResult = Annotated[
    MonitoringDashboard | NotFoundError | ValidationError, strawberry.union("MonitoringResult")
]


def _fund(f: service.FundDashboard) -> FundMonitoring:
    t, c, e = f.timeliness, f.compliance, f.effectiveness
    return FundMonitoring(
        fund_type=FundType.from_row(f.fund),
        view=f.view,
        goal=Goal.from_row(f.goal) if f.goal is not None else None,
        light=e.light,
        indicators=[IndicatorMonitoring.of(a, n) for a, n in zip(f.indicators, f.reported, strict=True)],
        execution=[ExecutionMonitoring.of(x) for x in f.execution],
        open_warnings=f.open_warnings,
        adjustment_review=f.adjustment_review,
        timeliness=Timeliness(
            due_on=t.due_on,
            expected=t.expected,
            on_time=t.on_time,
            late=t.late,
            missing=t.missing,
            pending=t.pending,
            status=t.status,
        ),
        compliance=Compliance(
            ok=c.ok,
            problem_count=len(c.problems),
            problems=[
                ComplianceProblem(kind=p.kind, subject=p.subject, message=p.message, region_id=p.region_id)
                for p in c.problems[:PROBLEMS]
            ],
        ),
        effectiveness=Effectiveness(
            light=e.light,
            green=e.count(Light.GREEN),
            yellow=e.count(Light.YELLOW),
            red=e.count(Light.RED),
            blue=e.count(Light.BLUE),
            unlit=e.count(Light.NONE),
        ),
        pooling_region_ids=f.pooling_region_ids,
    )


@strawberry.type
class MonitoringQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description="地区运行监控：各险种的目标、指标最新完成值与灯、预算执行、待处置预警、及时性合规性有效性",
    )
    async def monitoring(self, info: Info, region_code: str, year: int, month: int) -> MonitoringResult:
        if not 1 <= month <= 12 or not 2000 <= year <= 2100:
            field, message = (
                ("month", "月份须在 1 至 12 之间") if not 1 <= month <= 12 else ("year", "年度超出范围")
            )
            raise ValidationFailed([FieldProblem(field, message, ErrorCode.OUT_OF_RANGE)])
        async with info.context.sessionmaker() as session:
            board = await service.dashboard(
                session=session, actor=current_actor(info), region_code=region_code, year=year, month=month
            )
        return MonitoringDashboard(
            region=Region.from_row(board.region),
            year=board.year,
            month=board.month,
            funds=[_fund(f) for f in board.funds[:FUNDS]],
        )
