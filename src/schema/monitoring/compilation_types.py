"""The January compilation as GraphQL shows it (Art. 13 「各市（州）财政部门每年1月底前牵头汇总本地上年
运行监控情况报告，报财政厅、人力资源社会保障厅、省医保局、省税务局」): its text, document number, due date and
lateness, its four recipients with their acknowledgements, and the year-end reports it compiles."""

from datetime import date, datetime
from typing import Annotated

import strawberry

from src.models.enums import label_zh
from src.models.monitoring import CompilationStatus
from src.reports.numbering import CHINA
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.list_sizes import max_items
from src.schema.monitoring.report_loaders import (
    RECIPIENTS_PER_COMPILATION,
    REPORTS_PER_COMPILATION,
    compiled_reports_by_area,
    recipients_by_compilation,
    rules_by_region,
)
from src.schema.monitoring.report_types import MonitoringReport
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.policy import visible
from src.subjects.scope import RecordScope

strawberry.enum(
    CompilationStatus, description="汇总报告状态：草稿、已报送（财政厅、人社厅、省医保局、省税务局）"
)


@strawberry.type(description="汇总报告的主送单位及其签收")
class MonitoringCompilationRecipient(FromRow):
    acknowledged_at: datetime | None = strawberry.field(description="签收时间；未签收为空")
    organization_id: strawberry.Private[int]

    organization: Organization = related(Organization, organization_by_id, "organization_id")

    @strawberry.field(description="已签收")
    def acknowledged(self) -> bool:
        return self.acknowledged_at is not None


@strawberry.type(description="运行监控情况汇总报告（第十三条：市（州）财政部门每年1月底前牵头汇总上年报告）")
class MonitoringCompilation(FromRow):
    id: strawberry.ID
    year: int = strawberry.field(description="所汇总的年度（次年1月报送）")
    status: CompilationStatus
    summary: str = strawberry.field(description="总体情况")
    problems: str = strawberry.field(description="存在问题")
    measures: str = strawberry.field(description="改进措施")
    sent_at: datetime | None = strawberry.field(description="报送时间")
    document_number: str | None = strawberry.field(description="发文字号（报送时取得，如 成财社〔2026〕1号）")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    region: Region = related(Region, region_by_id, "region_id", description="市（州）")
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True, description="牵头汇总的财政部门"
    )

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="应报送日期：次年按实施细则的日期（不晚于1月31日）")
    async def due_on(self, info: Info) -> date:
        deadline = (
            await info.context.loaders[rules_by_region].load(self.region_id)
        ).monitoring_compilation_deadline
        return date(self.year + 1, deadline.month, deadline.day)

    @strawberry.field(description="逾期报送：报送晚于应报送日期（标注，不拒收）；草稿为否")
    async def late(self, info: Info) -> bool:
        due: date = await self.due_on(info)
        return self.sent_at is not None and self.sent_at.astimezone(CHINA).date() > due

    @strawberry.field(
        description="主送单位（报送时确定：财政厅、人社厅、省医保局、省税务局）及签收情况",
        metadata=max_items(RECIPIENTS_PER_COMPILATION),
    )
    async def recipients(self, info: Info) -> list[MonitoringCompilationRecipient]:
        rows = await info.context.loaders[recipients_by_compilation].load(self.db_id)
        return [MonitoringCompilationRecipient.from_row(r) for r in rows]

    @strawberry.field(
        description=(
            "所汇总的报告：本市（州）及下级地区审核通过的全年（1-12月）报告，按险种、地区；"
            f"只列读者可见的（至多 {REPORTS_PER_COMPILATION} 份）"
        ),
        metadata=max_items(REPORTS_PER_COMPILATION),
    )
    async def reports(self, info: Info) -> list[MonitoringReport]:
        actor = info.context.actor
        rows = await info.context.loaders[compiled_reports_by_area].load((self.region_id, self.year))
        if actor is None or not rows:
            return []
        regions = await info.context.loaders[region_by_id].load_many([r.region_id for r in rows])
        funds = await info.context.loaders[fund_type_by_id].load_many([r.fund_type_id for r in rows])
        out = []
        for row, region, fund in zip(rows, regions, funds, strict=True):
            if region is None or fund is None or row.id is None:
                continue
            administrations = frozenset({fund.administration}) if fund.administration else frozenset()
            scope = RecordScope(
                region_id=row.region_id, region_path=region.path, fund_type_id=row.fund_type_id,
                administrations=administrations,
            )  # fmt: skip
            if visible(actor, scope):
                out.append(MonitoringReport.from_row(row))
        return out


@strawberry.input(description="汇总报告筛选条件")
class MonitoringCompilationFilter:
    year: int | None = strawberry.field(default=None, description="所汇总的年度")
    region_code: str | None = None
    include_descendants: bool = strawberry.field(default=False, description="同时包含下级区划的汇总报告")
    status: list[CompilationStatus] | None = strawberry.field(
        default=None, metadata=max_items(len(CompilationStatus))
    )


MonitoringCompilationResult = Annotated[
    MonitoringCompilation | NotFoundError, strawberry.union("MonitoringCompilationResult")
]
