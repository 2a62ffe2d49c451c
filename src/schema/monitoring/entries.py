"""Entering monitoring data (Art. 12, 13): `actualsRecord` and `executionRecord` take many rows, all or
nothing; `actuals` and `executions` read them back a page at a time."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.monitoring import BudgetExecution as ExecutionRow_
from src.models.monitoring import IndicatorActual as ActualRow_
from src.schema.context import Info
from src.schema.enums import BudgetItem, QualitativeGrade
from src.schema.errors import ConflictError, NotFoundError, ValidationError
from src.schema.ids import parse_id
from src.schema.inputs import multiline_text
from src.schema.list_sizes import max_items
from src.schema.monitoring.comparison import CompletionLikelihood
from src.schema.monitoring.entry_types import BudgetExecution, IndicatorActual
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor, write
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.monitoring.entries import record_actuals
from src.services.monitoring.entry_reads import actuals_select, executions_select
from src.services.monitoring.entry_rows import ActualRow, ExecutionRow
from src.services.monitoring.executions import record_executions

# The most rows one call may hold is a setting (MONITORING_ENTRY_MAX_ROWS); its upper bound sizes the
# replies' lists for the query cost limit.
MOST_ROWS = 10_000
REASON = "更正已填报数据的理由（有更正时必填，记入审计记录）"


@strawberry.input(description="一个指标一个月份（1-N 月累计）的执行情况")
class ActualRowInput:
    indicator_id: strawberry.ID = strawberry.field(description="指标 ID（任一版本；按指标沿革记入现行版本）")
    month: int
    value: Decimal | None = strawberry.field(default=None, description="定量指标（比率类除外）的完成值")
    numerator: Decimal | None = strawberry.field(default=None, description="比率类指标的分子")
    denominator: Decimal | None = strawberry.field(default=None, description="比率类指标的分母（大于 0）")
    grade: QualitativeGrade | None = strawberry.field(default=None, description="定性指标的完成等级")
    forecast: str = multiline_text(default="", description="全年预计完成情况")
    cause_funding: str = multiline_text(default="", description="偏差原因：经费保障")
    cause_system: str = multiline_text(default="", description="偏差原因：制度保障")
    cause_staffing: str = multiline_text(default="", description="偏差原因：人员保障")
    cause_hardware: str = multiline_text(default="", description="偏差原因：硬件条件保障")
    cause_other: str = multiline_text(default="", description="偏差原因：其他")
    likelihood: CompletionLikelihood | None = None
    remark: str = multiline_text(default="")
    row_version: int | None = strawberry.field(default=None, description="更正时读到的行版本（可选）")


@strawberry.input(description="填报绩效指标执行情况：多行，全部通过才保存")
class ActualsRecordInput:
    rows: list[ActualRowInput]
    reason: str = multiline_text(default="", description=REASON)


@strawberry.input(description="一个预算科目一个月份（1-N 月累计）的执行数（元）")
class ExecutionRowInput:
    budget_id: strawberry.ID
    item: BudgetItem
    month: int
    amount: Decimal = strawberry.field(description="执行数（元，两位小数；收支不为负数，结余可为负数）")
    row_version: int | None = strawberry.field(default=None, description="更正时读到的行版本（可选）")


@strawberry.input(description="填报预算执行情况：多行，全部通过才保存")
class ExecutionRecordInput:
    rows: list[ExecutionRowInput]
    reason: str = multiline_text(default="", description=REASON)


@strawberry.type(description="已保存：新填报、更正和未变化的行数，以及各行现在的数据")
class ActualsRecordSuccess:
    created: int
    corrected: int
    unchanged: int
    actuals: list[IndicatorActual] = strawberry.field(metadata=max_items(MOST_ROWS))


@strawberry.type(description="已保存：新填报、更正和未变化的行数，以及各行现在的数据")
class ExecutionRecordSuccess:
    created: int
    corrected: int
    unchanged: int
    executions: list[BudgetExecution] = strawberry.field(metadata=max_items(MOST_ROWS))


ActualsRecordResult = Annotated[
    ActualsRecordSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("ActualsRecordResult"),
]
ExecutionRecordResult = Annotated[
    ExecutionRecordSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("ExecutionRecordResult"),
]


def _check_size(info: Info, count: int) -> None:
    most = info.context.settings.MONITORING_ENTRY_MAX_ROWS
    if count == 0:
        raise ValidationFailed([FieldProblem("input.rows", "至少填报一行", ErrorCode.REQUIRED)])
    if count > most:
        message = f"一次至多填报 {most} 行（本次 {count} 行），请分批填报"
        raise ValidationFailed([FieldProblem("input.rows", message, ErrorCode.OUT_OF_RANGE)])


def _actual(row: ActualRowInput) -> ActualRow:
    return ActualRow(
        indicator_id=parse_id(row.indicator_id, "Indicator"),
        month=row.month,
        value=row.value,
        numerator=row.numerator,
        denominator=row.denominator,
        grade=row.grade,
        forecast=row.forecast,
        cause_funding=row.cause_funding,
        cause_system=row.cause_system,
        cause_staffing=row.cause_staffing,
        cause_hardware=row.cause_hardware,
        cause_other=row.cause_other,
        likelihood=row.likelihood,
        remark=row.remark,
        row_version=row.row_version,
    )


def _execution(row: ExecutionRowInput) -> ExecutionRow:
    return ExecutionRow(
        budget_id=parse_id(row.budget_id, "FundBudget"),
        item=row.item,
        month=row.month,
        amount=row.amount,
        row_version=row.row_version,
    )


AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class EntryMutations:
    @strawberry.mutation(
        permission_classes=AUTH,
        description=(
            "填报绩效指标执行情况（经办机构；汇总类指标由统筹地区的下一级地区分别填报，第六条、第十三条）："
            "多行一次提交，任何一行有误则全部不保存，并逐行列出错误"
        ),
    )
    async def actuals_record(self, info: Info, input: ActualsRecordInput) -> ActualsRecordResult:
        _check_size(info, len(input.rows))
        rows = [_actual(row) for row in input.rows]
        async with write(info) as (session, actor):
            done = await record_actuals(session=session, actor=actor, rows=rows, reason=input.reason)
            actuals = [IndicatorActual.from_row(row) for row in done.rows]
        return ActualsRecordSuccess(
            created=done.created, corrected=done.corrected, unchanged=done.unchanged, actuals=actuals
        )

    @strawberry.mutation(
        permission_classes=AUTH,
        description=(
            "填报预算执行情况（经办机构，社会保险费收入也可由税务部门填报；由统筹地区的下一级地区分别填报）："
            "多行一次提交，全部通过才保存"
        ),
    )
    async def execution_record(self, info: Info, input: ExecutionRecordInput) -> ExecutionRecordResult:
        _check_size(info, len(input.rows))
        rows = [_execution(row) for row in input.rows]
        async with write(info) as (session, actor):
            done = await record_executions(session=session, actor=actor, rows=rows, reason=input.reason)
            executions = [BudgetExecution.from_row(row) for row in done.rows]
        return ExecutionRecordSuccess(
            created=done.created, corrected=done.corrected, unchanged=done.unchanged, executions=executions
        )


@strawberry.type
class EntryQueries:
    @strawberry.field(
        permission_classes=AUTH,
        description="目标（各版本）当年的绩效指标执行情况，按 ID 排序；仅含您可查看的地区的数据",
    )
    async def actuals(
        self,
        info: Info,
        goal_id: strawberry.ID,
        month: int | None = None,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[IndicatorActual]:
        goal = parse_id(goal_id, "Goal")
        async with info.context.sessionmaker() as session:
            stmt = await actuals_select(
                session=session, actor=current_actor(info), goal_id=goal, month=month, region_code=region_code
            )
        return await paginate(info, stmt, ActualRow_.id, IndicatorActual.from_row, PageRequest(first, after))

    @strawberry.field(
        permission_classes=AUTH, description="预算的执行情况，按 ID 排序；仅含您可查看的地区的数据"
    )
    async def executions(
        self,
        info: Info,
        budget_id: strawberry.ID,
        month: int | None = None,
        region_code: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[BudgetExecution]:
        budget = parse_id(budget_id, "FundBudget")
        async with info.context.sessionmaker() as session:
            stmt = await executions_select(
                session=session,
                actor=current_actor(info),
                budget_id=budget,
                month=month,
                region_code=region_code,
            )
        return await paginate(
            info, stmt, ExecutionRow_.id, BudgetExecution.from_row, PageRequest(first, after)
        )
