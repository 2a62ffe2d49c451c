"""The monitoring report as GraphQL shows it (Art. 13 「形成运行监控情况报告」): its narrative, status,
revisions and the tax department's concurrence, its steps (who, when, why), its due date and lateness, and
the tables generated from the monitoring data (report_table_types.py)."""

from datetime import date, datetime, timedelta
from typing import Annotated

import strawberry

from src.models.enums import label_zh
from src.models.monitoring import MonitoringReportStatus
from src.reports.numbering import CHINA
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.list_sizes import max_items
from src.schema.monitoring.report_loaders import (
    TRANSITIONS_PER_REPORT,
    report_tables,
    rules_by_region,
    transitions_by_report,
)
from src.schema.monitoring.report_table_types import MonitoringReportTables
from src.schema.organizations.loaders import organization_by_id, user_by_id
from src.schema.organizations.types import Organization, User
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.monitoring.deadlines import month_end
from src.services.monitoring.report_tables import TablesKey
from src.services.monitoring.reports import period_label

strawberry.enum(
    MonitoringReportStatus,
    description="运行监控情况报告状态：草稿、已报送、已审核通过（财政部门和主管行政部门均已通过）、已退回",
)


@strawberry.type(description="运行监控情况报告的流转记录：谁、何时、从何状态到何状态、理由或意见")
class MonitoringReportTransition(FromRow):
    action: str = strawberry.field(description="TAX_CONCUR、SUBMIT、ACCEPT 或 RETURN")
    from_status: MonitoringReportStatus
    to_status: MonitoringReportStatus
    reason: str | None = strawberry.field(description="退回理由、税务部门意见或审核方")
    at: datetime
    user_id: strawberry.Private[int]
    organization_id: strawberry.Private[int]

    user: User | None = related(User, user_by_id, "user_id", optional=True)
    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True
    )


@strawberry.type(description="运行监控情况报告（第十三条：经办机构商税务部门形成，报财政部门和主管行政部门）")
class MonitoringReport(FromRow):
    id: strawberry.ID
    year: int
    month: int = strawberry.field(description="监控期末月份：数值为 1 至该月累计（1-N月）；12 为全年")
    status: MonitoringReportStatus
    progress: str = strawberry.field(description="执行进展")
    problems: str = strawberry.field(description="存在问题")
    measures: str = strawberry.field(description="改进措施")
    content_revision: int = strawberry.field(description="内容修订号：每修改一次加一")
    tax_concurred_revision: int | None = strawberry.field(description="税务部门同意的内容修订号")
    submitted_at: datetime | None = strawberry.field(description="最近一次报送的时间")
    finance_accepted_at: datetime | None = strawberry.field(description="财政部门审核通过的时间")
    administration_accepted_at: datetime | None = strawberry.field(description="主管行政部门审核通过的时间")
    return_reason: str | None = strawberry.field(description="最近一次退回的理由")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    drafter_organization_id: strawberry.Private[int]

    region: Region = related(Region, region_by_id, "region_id", description="统筹地区")
    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")
    drafter_organization: Organization | None = related(
        Organization, organization_by_id, "drafter_organization_id", optional=True, description="经办机构"
    )

    @strawberry.field(description="监控期间，如 1-6月")
    def period_label(self) -> str:
        return period_label(self.month)

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="税务部门已同意当前内容（报送的前提；此后任何修改都使其失效）")
    def tax_concurred(self) -> bool:
        return self.tax_concurred_revision == self.content_revision

    @strawberry.field(description="应报送日期：监控期末后按实施细则的天数（第二十三条）")
    async def due_on(self, info: Info) -> date:
        rules = await info.context.loaders[rules_by_region].load(self.region_id)
        return month_end(self.year, self.month) + timedelta(days=int(rules.monitoring_report_due_days))

    @strawberry.field(description="逾期报送：最近一次报送晚于应报送日期（标注，不拒收）；未报送的为否")
    async def late(self, info: Info) -> bool:
        due: date = await self.due_on(info)
        return self.submitted_at is not None and self.submitted_at.astimezone(CHINA).date() > due

    @strawberry.field(
        description=f"流转记录，按时间先后（至多最近 {TRANSITIONS_PER_REPORT} 条）",
        metadata=max_items(TRANSITIONS_PER_REPORT),
    )
    async def transitions(self, info: Info) -> list[MonitoringReportTransition]:
        rows = await info.context.loaders[transitions_by_report].load(self.db_id)
        return [MonitoringReportTransition.from_row(r) for r in rows]

    @strawberry.field(description="由监控数据生成的表：绩效指标执行情况和年度预算执行情况，灯附文字")
    async def tables(self, info: Info) -> MonitoringReportTables:
        key = TablesKey(self.region_id, self.fund_type_id, self.year, self.month)
        return MonitoringReportTables.of(await info.context.loaders[report_tables].load(key))


@strawberry.input(description="运行监控情况报告筛选条件")
class MonitoringReportFilter:
    year: int | None = None
    month: int | None = None
    region_code: str | None = None
    fund_type_code: str | None = None
    include_descendants: bool = strawberry.field(default=False, description="同时包含下级区划的报告")
    status: list[MonitoringReportStatus] | None = strawberry.field(
        default=None, metadata=max_items(len(MonitoringReportStatus))
    )


MonitoringReportResult = Annotated[
    MonitoringReport | NotFoundError, strawberry.union("MonitoringReportResult")
]
