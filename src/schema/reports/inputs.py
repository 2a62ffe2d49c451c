import strawberry

# From types.py, which registers the enums with strawberry before anything uses them.
from src.schema.reports.types import ReportFormat, ReportKind


@strawberry.input(
    description=(
        "申请生成报告：指定 goalId（单个目标），或同时指定 fundTypeCode、year 和 regionCode"
        "（批量：该基金该年度、该区划及其下级中您可查看的全部年度目标，每个目标一份文档）"
    )
)
class ReportRequestInput:
    kind: ReportKind
    goal_id: strawberry.ID | None = None
    fund_type_code: str | None = None
    year: int | None = None
    region_code: str | None = None
    format: ReportFormat = strawberry.field(default=ReportFormat.DOCX, description="文档格式（PDF 暂未启用）")
