"""A monitoring report's generated tables as GraphQL shows them (FORMS §3, 绩效运行监控表): each indicator's
progress 1-N月 with its light, and the budget's execution against the time (序时进度) — never typed by hand
(src/services/monitoring/report_tables.py). Every light comes with its text (绿灯、黄灯 …), never alone."""

from decimal import Decimal

import strawberry

from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.enums import BudgetItem, Comparator, IndicatorCategory, IndicatorKind, QualitativeGrade
from src.schema.goals.loaders import INDICATORS_PER_GOAL, goal_by_id
from src.schema.goals.types import Goal, visible_goals
from src.schema.list_sizes import max_items
from src.schema.monitoring.comparison import CompletionLikelihood, DeviationCause, Light
from src.services.monitoring.comparison import Lit
from src.services.monitoring.report_lines import ExecutionLine, IndicatorLine
from src.services.monitoring.report_tables import MonitoringTables

strawberry.enum(
    DeviationCause, description="偏差原因分析类别：经费保障、制度保障、人员保障、硬件条件保障、其他"
)
EXECUTION_ROWS = 20  # 基金收入, 基金支出 and each flow line under them


@strawberry.type(description="偏差原因分析：一个类别及其说明（各地区填报的说明合并）")
class DeviationCauseText:
    cause: DeviationCause
    cause_label: str
    text: str


@strawberry.type(description="绩效指标执行情况：一个指标 1-N 月的完成情况、灯及其文字")
class MonitoringIndicatorProgress:
    indicator_lineage_id: strawberry.ID = strawberry.field(description="指标沿革标识（跨目标版本不变）")
    level1: IndicatorCategory
    level1_label: str
    level2: str
    level3: str
    kind: IndicatorKind
    comparator: Comparator
    comparator_label: str = strawberry.field(description="指标性质符号（≥、≤、=、定性）")
    unit: str
    target_value: Decimal | None = strawberry.field(description="年初目标值")
    target_grade: QualitativeGrade | None
    actual_value: Decimal | None = strawberry.field(
        description="1-N月执行情况（比率类由各地区分子、分母分别相加后计算）"
    )
    grade: QualitativeGrade | None = strawberry.field(description="定性指标的完成等级（各地区中最差者）")
    numerator: Decimal | None
    denominator: Decimal | None
    light: Light
    light_label: str = strawberry.field(description="灯的文字：绿灯、黄灯、红灯、蓝灯或未填报")
    ratio: Decimal | None = strawberry.field(description="完成值为预期（序时进度）的百分比")
    deviation: Decimal | None = strawberry.field(description="偏差（%），负数为低于预期")
    forecast: str = strawberry.field(description="全年预计完成情况")
    causes: list[DeviationCauseText] = strawberry.field(
        metadata=max_items(len(DeviationCause)), description="偏差原因分析（填写了的类别）"
    )
    likelihood: CompletionLikelihood | None = strawberry.field(description="完成目标可能性（各地区中最低者）")
    likelihood_label: str | None
    remark: str = strawberry.field(description="备注")
    entries: int = strawberry.field(description="汇总的填报条数（统筹地区及其组成部分）")

    @classmethod
    def of(cls, line: IndicatorLine) -> "MonitoringIndicatorProgress":
        i, lit = line.indicator, line.lit
        return cls(
            indicator_lineage_id=strawberry.ID(str(i.lineage_id)),
            level1=i.level1,
            level1_label=label_zh(i.level1),
            level2=i.level2,
            level3=i.level3,
            kind=i.kind,
            comparator=i.comparator,
            comparator_label=label_zh(i.comparator),
            unit=i.unit,
            target_value=i.target_value,
            target_grade=i.target_grade,
            actual_value=line.actual,
            grade=line.grade,
            numerator=line.numerator,
            denominator=line.denominator,
            light=lit.light,
            light_label=label_zh(lit.light),
            ratio=lit.ratio,
            deviation=lit.deviation,
            forecast=line.forecast,
            causes=[
                DeviationCauseText(cause=cause, cause_label=label_zh(cause), text=text)
                for cause, text in line.causes.items()
            ],
            likelihood=line.likelihood,
            likelihood_label=label_zh(line.likelihood) if line.likelihood is not None else None,
            remark=line.remark,
            entries=line.entries,
        )


@strawberry.type(description="年度预算执行情况：一个收支科目（或基金收入、基金支出合计）1-N 月的执行")
class MonitoringExecutionRow:
    label: str = strawberry.field(description="科目名称，或 基金收入 / 基金支出 合计")
    item: BudgetItem | None = strawberry.field(description="预算科目；合计行为空")
    initial_amount: Decimal | None = strawberry.field(description="年初预算数（元）")
    budget_amount: Decimal | None = strawberry.field(description="调整后预算数（元；未调整为年初数）")
    executed_amount: Decimal | None = strawberry.field(description="1-N月执行数（元）")
    rate: Decimal | None = strawberry.field(description="执行率（%）")
    light: Light
    light_label: str = strawberry.field(description="灯的文字：与序时进度比较")
    ratio: Decimal | None = strawberry.field(description="执行进度为序时进度的百分比")
    deviation: Decimal | None
    large_deviation: bool = strawberry.field(description="执行偏差较大，应及时按规定调整（第十四条）")

    @strawberry.field(description="合计行（基金收入、基金支出）")
    def total(self) -> bool:
        return self.item is None

    @classmethod
    def of(cls, line: ExecutionLine) -> "MonitoringExecutionRow":
        lit: Lit = line.lit
        return cls(
            label=line.label,
            item=line.item,
            initial_amount=line.initial,
            budget_amount=line.budget,
            executed_amount=line.executed,
            rate=line.rate,
            light=lit.light,
            light_label=label_zh(lit.light),
            ratio=lit.ratio,
            deviation=lit.deviation,
            large_deviation=lit.large_deviation,
        )


@strawberry.type(description="绩效运行监控表：由监控数据生成（第十三条目标比较法），不可手工填写")
class MonitoringReportTables:
    year: int
    month: int
    elapsed: Decimal = strawberry.field(description="序时进度（%）：1-N 月占全年的比例")
    goal_light: Light = strawberry.field(description="目标的灯：各指标中最差者")
    goal_light_label: str
    execution_light: Light = strawberry.field(description="预算执行的灯：各科目中最差者")
    execution_light_label: str
    indicators: list[MonitoringIndicatorProgress] = strawberry.field(
        metadata=max_items(INDICATORS_PER_GOAL), description="绩效指标执行情况（按指标顺序）"
    )
    execution: list[MonitoringExecutionRow] = strawberry.field(
        metadata=max_items(EXECUTION_ROWS), description="年度预算执行情况"
    )
    goal_id: strawberry.Private[int | None]

    @classmethod
    def of(cls, tables: MonitoringTables) -> "MonitoringReportTables":
        return cls(
            year=tables.year,
            month=tables.month,
            elapsed=tables.elapsed,
            goal_light=tables.goal_light,
            goal_light_label=label_zh(tables.goal_light),
            execution_light=tables.execution_light,
            execution_light_label=label_zh(tables.execution_light),
            indicators=[MonitoringIndicatorProgress.of(line) for line in tables.indicators],
            execution=[MonitoringExecutionRow.of(line) for line in tables.execution],
            goal_id=tables.goal.id if tables.goal is not None else None,
        )

    @strawberry.field(description="比较所依据的绩效目标（当年有效的年度目标）")
    async def goal(self, info: Info) -> Goal | None:
        row = await info.context.loaders[goal_by_id].load(self.goal_id) if self.goal_id else None
        visible = await visible_goals(info, [row]) if row is not None else []
        return visible[0] if visible else None
