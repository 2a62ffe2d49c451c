"""The warning as GraphQL shows it (Art. 14): what the comparison found, and its answer (a drafted answer
makes the warning a draft: read in its region and above only, services/monitoring/scope.py)."""

import uuid
from collections.abc import Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import strawberry
from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from src.models import Indicator
from src.models.enums import label_zh
from src.models.monitoring import MonitoringWarning as WarningRow
from src.schema.context import Info
from src.schema.conversion import related
from src.schema.enums import BudgetItem
from src.schema.execution import TURN_TAKING_LOOP
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.goals.loaders import goal_by_id
from src.schema.goals.types import Goal, visible_goals
from src.schema.loaders import Sessionmaker, loader
from src.schema.monitoring.comparison import Light, WarningKind, WarningResponseKind, WarningStatus
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region


@loader
def indicator_names(sessionmaker: Sessionmaker) -> DataLoader[tuple[int, uuid.UUID], str | None]:
    """An indicator's level-3 name by its goal and lineage (what an indicator warning is about)."""

    async def load(keys: list[tuple[int, uuid.UUID]]) -> Sequence[str | None]:
        stmt = select(Indicator.goal_id, Indicator.lineage_id, Indicator.level3).where(
            col(Indicator.goal_id).in_(sorted({goal for goal, _ in keys}))
        )
        async with sessionmaker() as session:
            names = {(g, lineage): name for g, lineage, name in (await session.exec(stmt)).all()}
        return [names.get(key) for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


@strawberry.type(description="运行监控预警（第十四条：偏差提示警示纠偏，执行滞后督促加快）")
class MonitoringWarning:
    id: strawberry.ID
    kind: WarningKind
    year: int
    month: int = strawberry.field(description="监控期末月份：数值为 1 至该月累计（1-N月）")
    light: Light
    ratio: Decimal | None = strawberry.field(
        description="指标：完成值为预期的百分比；预算执行：执行进度为序时进度的百分比"
    )
    deviation: Decimal | None = strawberry.field(description="偏差（%），负数为低于预期")
    large_deviation: bool = strawberry.field(description="预算执行偏差较大，应及时按规定调整（第十四条）")
    adjustment_review: bool = strawberry.field(description="绩效目标连续红灯达规定期数，提请评估调整")
    budget_item: BudgetItem | None
    indicator_lineage_id: strawberry.ID | None
    row_version: int
    created_at: datetime
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    goal_id: strawberry.Private[int]
    row: strawberry.Private[WarningRow]

    region: Region = related(Region, region_by_id, "region_id", description="统筹地区（处置责任方）")
    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")

    @classmethod
    def from_row(cls, row: WarningRow) -> "MonitoringWarning":
        lineage = row.indicator_lineage_id
        return cls(
            id=strawberry.ID(str(row.id)),
            kind=row.kind,
            year=row.year,
            month=row.month,
            light=row.light,
            ratio=row.ratio,
            deviation=row.deviation,
            large_deviation=row.large_deviation,
            adjustment_review=row.adjustment_review,
            budget_item=row.budget_item,
            indicator_lineage_id=strawberry.ID(str(lineage)) if lineage else None,
            row_version=row.row_version,
            created_at=row.created_at,
            region_id=row.region_id,
            fund_type_id=row.fund_type_id,
            goal_id=row.goal_id,
            row=row,
            status=row.status,
            response=row.response,
            response_note=row.response_note,
            urge_due_on=row.urge_due_on,
            responded_at=row.responded_at,
        )

    status: WarningStatus
    response: WarningResponseKind | None
    response_note: str = strawberry.field(description="处置说明：纠偏措施、调整理由或关闭理由")
    urge_due_on: date | None = strawberry.field(description="督促完成时限")
    responded_at: datetime | None

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field
    def kind_label(self) -> str:
        return label_zh(self.kind)

    @strawberry.field
    def light_label(self) -> str:
        return label_zh(self.light)

    @strawberry.field(description="所涉指标（三级指标名称）或预算科目")
    async def subject(self, info: Info) -> str:
        if self.row.budget_item is not None:
            return label_zh(self.row.budget_item)
        key = (self.goal_id, self.row.indicator_lineage_id)
        return await info.context.loaders[indicator_names].load(key) or ""  # type: ignore[arg-type]

    @strawberry.field(description="比较所依据的绩效目标（当时有效的版本）")
    async def goal(self, info: Info) -> Goal | None:
        return await _visible_goal(info, self.goal_id)

    @strawberry.field(description="由本预警发起或加入的绩效目标调整（新版本）")
    async def adjustment_goal(self, info: Info) -> Goal | None:
        return await _visible_goal(info, self.row.adjustment_goal_id)


async def _visible_goal(info: Info, goal_id: int | None) -> Goal | None:
    row: Any = await info.context.loaders[goal_by_id].load(goal_id) if goal_id is not None else None
    visible = await visible_goals(info, [row]) if row is not None else []
    return visible[0] if visible else None
