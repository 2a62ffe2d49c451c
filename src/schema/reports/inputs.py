import strawberry

# From types.py, which registers the enums with strawberry before anything uses them.
from src.schema.kinds import ReportKind
from src.schema.reports.types import ReportFormat


@strawberry.input(
    description=(
        "申请生成报告：指定 subjectId（单个对象，如绩效目标表的目标；goalId 同义），或同时指定 fundTypeCode、"
        "year 和 regionCode（批量：该基金该年度、该区划及其下级中您可查看的全部对象，每个对象一份文档，"
        "草稿须 includeDrafts；整批可作为一个 ZIP（含清单）下载）"
    )
)
class ReportRequestInput:
    kind: ReportKind
    subject_id: strawberry.ID | None = strawberry.field(default=None, description="文档对象的 ID")
    goal_id: strawberry.ID | None = strawberry.field(
        default=None, description="绩效目标 ID（subjectId 的旧名）"
    )
    fund_type_code: str | None = None
    year: int | None = None
    region_code: str | None = None
    include_drafts: bool = strawberry.field(
        default=False, description="批量：是否包含草稿（仅限您可查看的草稿；默认不含）"
    )
    format: ReportFormat = strawberry.field(
        default=ReportFormat.DOCX,
        description="文档格式（PDF 需服务器安装 LibreOffice；运行监控填报表只能为 XLSX）",
    )
