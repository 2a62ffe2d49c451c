"""Evaluating a monitoring period and answering its warnings (Art. 13, 14): `monitoringEvaluate`,
`warningRespond` and `warningResponseDraft`, the `warnings` list and the open warnings rolled up the
hierarchy (`warningOpenCounts`)."""

from datetime import date
from typing import Annotated

import strawberry
from sqlmodel import select
from strawberry.permission import BasePermission

from src.models import FundType as FundTypeRow
from src.models import Goal as GoalRow
from src.models import Region as RegionRow
from src.models.monitoring import MonitoringWarning as WarningRow
from src.schema.context import Info
from src.schema.conversion import related
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.goals.loaders import INDICATORS_PER_GOAL
from src.schema.goals.types import Goal
from src.schema.ids import parse_id
from src.schema.inputs import multiline_text
from src.schema.list_sizes import max_items
from src.schema.monitoring.comparison import Light, WarningResponseKind, WarningStatus
from src.schema.monitoring.warning_types import MonitoringWarning
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.regions.loaders import CHILDREN_PER_REGION, region_by_id
from src.schema.regions.types import Region
from src.schema.transaction import current_actor, write
from src.services.errors import NotFound
from src.services.monitoring import evaluation, warnings
from src.services.monitoring.warning_reads import WarningQuery, open_counts, warnings_select

AUTH: list[type[BasePermission]] = [IsAuthenticated]
RAISED_PER_EVALUATION = INDICATORS_PER_GOAL + 10  # every indicator and every budget line at most
FUNDS = 20  # fund types: reference data, seven today
OPEN_COUNT_ROWS = (CHILDREN_PER_REGION + 1) * FUNDS


@strawberry.input(description="运行监控比较：统筹地区 × 险种 × 监控期末月份（第十三条目标比较法）")
class MonitoringEvaluateInput:
    region_code: str
    fund_type_code: str
    year: int
    month: int = strawberry.field(description="监控期末月份（按本地区规则：按月、按季度或 1-7月及全年）")


@strawberry.input(description="预警处置（第十四条）；保存草稿时各项可暂缺")
class WarningRespondInput:
    id: strawberry.ID
    row_version: int
    kind: WarningResponseKind
    note: str = multiline_text(default="", description="纠偏措施、调整理由或关闭理由（督促可不填）")
    urge_due_on: date | None = strawberry.field(default=None, description="督促完成时限：今天之后、当年之内")
    what_changed: str | None = multiline_text(
        default=None, description="调整：发生了什么变化（不填则按预警内容预填）"
    )
    fund_effect: str | None = multiline_text(
        default=None, description="调整：对基金收支的预计影响（预算执行预警可预填）"
    )
    target_effect: str | None = multiline_text(
        default=None, description="调整：对绩效目标和指标的预计影响（指标预警可预填）"
    )


@strawberry.input
class WarningFilter:
    year: int | None = None
    region_code: str | None = None
    fund_type_code: str | None = None
    status: list[WarningStatus] | None = strawberry.field(default=None, metadata=max_items(4))
    include_descendants: bool = False


@strawberry.type
class MonitoringEvaluateSuccess:
    raised: list[MonitoringWarning] = strawberry.field(
        metadata=max_items(RAISED_PER_EVALUATION), description="本次新发出的预警（重复比较不再发出）"
    )
    goal_light: Light = strawberry.field(description="目标的灯：各指标中最差者")
    red_periods: int = strawberry.field(description="截至本期连续红灯期数")
    adjustment_review: bool = strawberry.field(description="连续红灯达规定期数，提请评估调整（第十四条）")


@strawberry.type
class WarningSuccess:
    warning: MonitoringWarning
    adjustment_goal: Goal | None = strawberry.field(description="按程序调整时：发起或加入的目标新版本")


@strawberry.type(description="某地区（或其下级地区及以下）某险种待处置的预警数")
class WarningOpenCount:
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    open: int
    region: Region = related(Region, region_by_id, "region_id")
    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")


MonitoringEvaluateResult = Annotated[
    MonitoringEvaluateSuccess | ValidationError | NotFoundError | PreconditionFailedError,
    strawberry.union("MonitoringEvaluateResult"),
]
WarningRespondResult = Annotated[
    WarningSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("WarningRespondResult"),
]
WarningResult = Annotated[MonitoringWarning | NotFoundError, strawberry.union("WarningResult")]


def _response(input: WarningRespondInput) -> warnings.Response:
    return warnings.Response(
        kind=input.kind,
        note=input.note,
        urge_due_on=input.urge_due_on,
        what_changed=input.what_changed,
        fund_effect=input.fund_effect,
        target_effect=input.target_effect,
    )


@strawberry.type
class WarningMutations:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="运行监控比较（统筹地区财政部门或主管行政部门）：计算各指标和预算执行的灯，发出预警",
    )
    async def monitoring_evaluate(
        self, info: Info, input: MonitoringEvaluateInput
    ) -> MonitoringEvaluateResult:
        async with write(info) as (session, actor):
            region = (
                await session.exec(select(RegionRow).where(RegionRow.code == input.region_code))
            ).first()
            fund = (
                await session.exec(select(FundTypeRow).where(FundTypeRow.code == input.fund_type_code))
            ).first()
            if region is None or region.id is None:
                raise NotFound("地区", input.region_code)
            if fund is None or fund.id is None:
                raise NotFound("险种", input.fund_type_code)
            done = await evaluation.evaluate(
                session=session, actor=actor, region_id=region.id, fund_type_id=fund.id, year=input.year,
                month=input.month,
            )  # fmt: skip
            a = done.assessment
            return MonitoringEvaluateSuccess(
                raised=[MonitoringWarning.from_row(w) for w in done.raised],
                goal_light=a.effectiveness.light,
                red_periods=a.red_periods,
                adjustment_review=a.adjustment_review,
            )

    @strawberry.mutation(
        permission_classes=AUTH,
        description="预警处置（统筹地区经办机构、主管行政部门或财政部门）：纠偏、督促、按程序调整或关闭",
    )
    async def warning_respond(self, info: Info, input: WarningRespondInput) -> WarningRespondResult:
        warning_id = parse_id(input.id, "MonitoringWarning")
        async with write(info) as (session, actor):
            row = await warnings.respond(
                session=session, actor=actor, warning_id=warning_id, row_version=input.row_version,
                response=_response(input),
            )  # fmt: skip
            adjusted = row.adjustment_goal_id if input.kind == WarningResponseKind.ADJUSTMENT else None
            goal = await session.get(GoalRow, adjusted) if adjusted is not None else None
            return WarningSuccess(
                warning=MonitoringWarning.from_row(row), adjustment_goal=Goal.from_row(goal) if goal else None
            )

    @strawberry.mutation(permission_classes=AUTH, description="保存预警处置意见草稿（本地区及上级可见）")
    async def warning_response_draft(self, info: Info, input: WarningRespondInput) -> WarningRespondResult:
        warning_id = parse_id(input.id, "MonitoringWarning")
        async with write(info) as (session, actor):
            row = await warnings.save_draft(
                session=session, actor=actor, warning_id=warning_id, row_version=input.row_version,
                response=_response(input),
            )  # fmt: skip
            return WarningSuccess(warning=MonitoringWarning.from_row(row), adjustment_goal=None)


@strawberry.type
class WarningQueries:
    @strawberry.field(permission_classes=AUTH, description="运行监控预警列表，按 ID 排序")
    async def warnings(
        self,
        info: Info,
        filter: WarningFilter | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[MonitoringWarning]:
        f = filter or WarningFilter()
        query = WarningQuery(
            year=f.year,
            region_code=f.region_code,
            fund_type_code=f.fund_type_code,
            include_descendants=f.include_descendants,
            statuses=list(f.status or []),
        )
        stmt = warnings_select(query, current_actor(info))
        return await paginate(
            info, stmt, WarningRow.id, MonitoringWarning.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询运行监控预警")
    async def warning(self, info: Info, id: strawberry.ID) -> WarningResult:
        warning_id = parse_id(id, "MonitoringWarning")
        async with info.context.sessionmaker() as session:
            row = await warnings.visible_warning(
                session=session, actor=current_actor(info), warning_id=warning_id
            )
        return MonitoringWarning.from_row(row)

    @strawberry.field(
        permission_classes=AUTH,
        metadata=max_items(OPEN_COUNT_ROWS),
        description="待处置预警数：本地区自身，及其每个下级地区（含以下各级），分险种",
    )
    async def warning_open_counts(self, info: Info, region_code: str, year: int) -> list[WarningOpenCount]:
        async with info.context.sessionmaker() as session:
            region = (await session.exec(select(RegionRow).where(RegionRow.code == region_code))).first()
            if region is None:
                raise NotFound("地区", region_code)
            counts = await open_counts(session=session, actor=current_actor(info), region=region, year=year)
        return [
            WarningOpenCount(region_id=c.region_id, fund_type_id=c.fund_type_id, open=c.open) for c in counts
        ]
