"""The decomposition table of a province-wide goal (Art. 6) and the tax department's opinions (Art. 7), as
GraphQL types."""

from datetime import datetime
from decimal import Decimal

import strawberry

from src.models import Goal as GoalRow
from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.enums import Aggregation, TaxVerdict
from src.schema.goals.loaders import INDICATORS_PER_GOAL, REGIONS_PER_DECOMPOSITION
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization
from src.schema.regions.types import Region
from src.services.goals.decomposition import Cell, DecompositionTable, IndicatorSplit, build_table


@strawberry.type(description="分解表的一格：某统筹地区某指标的目标值")
class DecompositionCell:
    region_code: str
    region: Region
    share: Decimal | None = strawberry.field(description="预算占比（仅加总分解的指标）")
    default_value: Decimal | None = strawberry.field(description="默认值：按预算占比拆分或沿用全省值")
    target_value: Decimal | None = strawberry.field(description="分解目标值：已填写的值，否则为默认值")
    edited: bool = strawberry.field(description="是否为手工填写（或下达时固定）的值")

    @classmethod
    def of(cls, cell: Cell) -> "DecompositionCell":
        return cls(
            region_code=cell.region.code,
            region=Region.from_row(cell.region),
            share=cell.share,
            default_value=cell.default_value,
            target_value=cell.target_value,
            edited=cell.edited,
        )


@strawberry.type(description="分解表的一行：一个定量指标在各统筹地区的目标值")
class DecompositionRow:
    indicator_id: strawberry.ID
    level3: str
    unit: str
    aggregation: Aggregation
    province_target: Decimal | None = strawberry.field(description="全省目标值")
    total: Decimal | None = strawberry.field(description="各地区目标值合计（有空格时为空）")
    cells: list[DecompositionCell] = strawberry.field(
        description=f"各统筹地区（至多 {REGIONS_PER_DECOMPOSITION} 个）",
        metadata=max_items(REGIONS_PER_DECOMPOSITION),
    )

    @strawberry.field
    def aggregation_label(self) -> str:
        return label_zh(self.aggregation)

    @classmethod
    def of(cls, row: IndicatorSplit) -> "DecompositionRow":
        return cls(
            indicator_id=strawberry.ID(str(row.indicator.id)),
            level3=row.indicator.level3,
            unit=row.indicator.unit,
            aggregation=row.indicator.aggregation,
            province_target=row.indicator.target_value,
            total=row.total,
            cells=[DecompositionCell.of(c) for c in row.cells],
        )


@strawberry.type(
    description="分解表（第六条：分解下达至统筹地区）：下达前须完整，加总分解的指标须合计等于全省值"
)
class GoalDecomposition:
    complete: bool
    share_basis: str | None = strawberry.field(
        description="加总分解指标默认值的拆分依据；为空表示有统筹地区缺少当年预算，须逐格填写"
    )
    problems: list[str] = strawberry.field(
        description="不完整之处（下达前须全部解决）", metadata=max_items(INDICATORS_PER_GOAL)
    )
    rows: list[DecompositionRow] = strawberry.field(
        description=f"定量指标（至多 {INDICATORS_PER_GOAL} 个）", metadata=max_items(INDICATORS_PER_GOAL)
    )

    @classmethod
    def of(cls, table: DecompositionTable) -> "GoalDecomposition":
        return cls(
            complete=table.complete,
            share_basis=table.share_basis,
            problems=table.problems[:INDICATORS_PER_GOAL],
            rows=[DecompositionRow.of(r) for r in table.rows],
        )


async def decomposition_of(info: Info, goal_id: int) -> GoalDecomposition | None:
    """The table as it stands (one session of its own: a resolver never shares one with another)."""
    async with info.context.sessionmaker() as session:
        goal = await session.get(GoalRow, goal_id)
        table = None if goal is None else await build_table(session, goal)
    return None if table is None else GoalDecomposition.of(table)


@strawberry.type(description="税务部门会商意见（第五条、第七条：经办机构商税务部门制定目标）")
class TaxOpinion(FromRow):
    verdict: TaxVerdict
    opinion: str
    content_revision: int = strawberry.field(description="意见针对的目标内容修订号")
    at: datetime
    organization_id: strawberry.Private[int]

    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True
    )

    @strawberry.field
    def verdict_label(self) -> str:
        return label_zh(self.verdict)


@strawberry.type(description="调整评估（第十四条：经评估后按程序调整）")
class AdjustmentAssessment:
    what_changed: str = strawberry.field(description="发生了什么变化")
    reason: str = strawberry.field(description="调整理由")
    fund_effect: str = strawberry.field(description="对基金收支的预计影响")
    target_effect: str = strawberry.field(description="对绩效目标和指标的预计影响")
