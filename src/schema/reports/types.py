from datetime import datetime
from typing import Annotated

import strawberry

from src.models.report import REPORT_JOB_STATUS_LABELS, ReportFormat, ReportJobStatus
from src.reports.jobs import MAX_BATCH_DOCUMENTS
from src.reports.kinds import kind_label
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.goals.loaders import goal_by_id
from src.schema.goals.types import Goal, visible_goals
from src.schema.kinds import ReportKind
from src.schema.list_sizes import max_items
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.schema.reports.loaders import report_job_children
from src.schema.transaction import current_actor
from src.subjects.registry import registry

# Registered here, before any field uses them (inputs.py takes them from here).
strawberry.enum(ReportFormat, description="文档格式")
strawberry.enum(ReportJobStatus, description="报告任务状态")


@strawberry.type(
    description=(
        "报告生成任务：单个目标的文档，或批量（基金 × 年度 × 区划及下级）的父任务；"
        "批量仅对可查看其中每一份文档的用户可见"
    )
)
class ReportJob(FromRow):
    __row_ids__ = ("subject_id",)

    id: strawberry.ID
    kind: ReportKind
    format: ReportFormat
    status: ReportJobStatus
    year: int | None = strawberry.field(description="批量：年度（单个目标的任务为空）")
    file_name: str | None = strawberry.field(description="文件名（生成后；批量为 ZIP 的文件名）")
    size_bytes: int | None = strawberry.field(description="文件大小（字节）")
    sha256: str | None = strawberry.field(description="文件的 SHA-256（十六进制）")
    pages: int | None = strawberry.field(description="页数（仅 PDF；DOCX 的分页由打开它的软件决定）")
    error: str | None = strawberry.field(description="失败原因")
    attempts: int = strawberry.field(description="已运行次数")
    progress_done: int = strawberry.field(description="已完成（成功或失败）的文档数")
    progress_total: int = strawberry.field(description="要生成的文档数（批量为目标数）")
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    subject_type: str = strawberry.field(description="文档对象的类型：Goal …（批量：其子任务对象的类型）")
    subject_id: strawberry.ID | None = strawberry.field(description="文档对象 ID（批量的父任务为空）")
    db_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int | None]
    region_id: strawberry.Private[int | None]
    storage_key: strawberry.Private[str | None]

    def _batch(self) -> bool:
        """A batch's parent (an export has a year too, and no children: src/reports/jobs/exports.py)."""
        return self.year is not None and str(self.kind) not in registry().exports

    @strawberry.field(description="报告种类中文名")
    def kind_label(self) -> str:
        return kind_label(self.kind)

    @strawberry.field(description="状态中文名")
    def status_label(self) -> str:
        return REPORT_JOB_STATUS_LABELS[self.status]

    @strawberry.field(description="文档所属的绩效目标（批量的父任务为空；无权查看时为空）")
    async def goal(self, info: Info) -> Goal | None:
        if self.subject_type != "Goal" or self.subject_id is None:
            return None
        row = await info.context.loaders[goal_by_id].load(int(self.subject_id))
        found = await visible_goals(info, [row]) if row else []
        return found[0] if found else None

    fund_type: FundType | None = related(
        FundType, fund_type_by_id, "fund_type_id", optional=True, description="基金类型"
    )
    region: Region | None = related(
        Region, region_by_id, "region_id", optional=True, description="区划（批量：所选区划，含下级）"
    )

    @strawberry.field(
        description=(
            "下载地址（GET，带 Authorization 请求头）；尚无文件时为空。批量：结束后为整批的 ZIP，"
            "含已生成的文档和清单（清单.csv：每份文档的文件名、状态、对象、区划和标题）"
        )
    )
    def download_url(self) -> str | None:
        if self.storage_key is None or not (
            self.status == ReportJobStatus.SUCCEEDED
            or (self._batch() and self.status == ReportJobStatus.FAILED)
        ):
            return None
        return f"/files/{self.db_id}"

    @strawberry.field(
        description=f"批量的子任务，每个目标一个，按 ID 排序（至多 {MAX_BATCH_DOCUMENTS} 个）",
        metadata=max_items(MAX_BATCH_DOCUMENTS),
    )
    async def children(self, info: Info) -> list["ReportJob"]:
        if not self._batch():
            return []
        rows = await info.context.loaders[report_job_children].load((current_actor(info), self.db_id))
        return [ReportJob.from_row(row) for row in rows]


@strawberry.input(description="报告任务筛选条件")
class ReportJobFilter:
    status: list[ReportJobStatus] | None = None
    kind: ReportKind | None = None


ReportJobResult = Annotated[ReportJob | NotFoundError, strawberry.union("ReportJobResult")]


__all__ = ["ReportFormat", "ReportJob", "ReportJobFilter", "ReportJobResult", "ReportJobStatus", "ReportKind"]
