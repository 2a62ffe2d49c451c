"""The monitoring report in the API (Art. 13): drafted and edited by the pooling region's agency, concurred
with by the tax department on its current revision, submitted, accepted by finance and the supervising
administration or returned with a reason; `monitoringReports` and `monitoringReport` read it."""

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.monitoring import MonitoringReport as ReportRow
from src.schema.context import Info
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.ids import parse_id
from src.schema.inputs import multiline_text
from src.schema.monitoring.report_types import (
    MonitoringReport,
    MonitoringReportFilter,
    MonitoringReportResult,
)
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor, write
from src.services.monitoring import report_workflow as flow
from src.services.monitoring import reports

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="新建运行监控情况报告（经办机构，草稿）：统筹地区 × 险种 × 监控期间 1-N月")
class MonitoringReportCreateInput:
    region_code: str
    fund_type_code: str
    year: int
    month: int = strawberry.field(description="监控期末月份（按本地区实施细则的监控期）或 12（全年）")
    progress: str = multiline_text(default="", description="执行进展")
    problems: str = multiline_text(default="", description="存在问题")
    measures: str = multiline_text(default="", description="改进措施")


@strawberry.input(
    description="修改报告正文（草稿或已退回）：给出的部分替换原文，未给出的不变；税务部门的同意随之失效"
)
class MonitoringReportUpdateInput:
    id: strawberry.ID
    row_version: int
    progress: str | None = multiline_text(default=None, description="执行进展")
    problems: str | None = multiline_text(default=None, description="存在问题")
    measures: str | None = multiline_text(default=None, description="改进措施")


@strawberry.input(description="税务部门同意报告当前内容（商税务部门，可附意见）")
class MonitoringReportTaxConcurInput:
    id: strawberry.ID
    row_version: int
    opinion: str = multiline_text(default="", description="会商意见")


@strawberry.input(description="退回报告：须说明理由")
class MonitoringReportReturnInput:
    id: strawberry.ID
    row_version: int
    reason: str = multiline_text(description="退回理由")


@strawberry.type
class MonitoringReportSuccess:
    report: MonitoringReport


MonitoringReportCreateResult = Annotated[
    MonitoringReportSuccess | ValidationError | NotFoundError | ConflictError | PreconditionFailedError,
    strawberry.union("MonitoringReportCreateResult"),
]
MonitoringReportChangeResult = Annotated[
    MonitoringReportSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("MonitoringReportChangeResult"),
]


def _success(row: ReportRow) -> MonitoringReportSuccess:
    return MonitoringReportSuccess(report=MonitoringReport.from_row(row))


@strawberry.type
class MonitoringReportMutations:
    @strawberry.mutation(permission_classes=AUTH, description="新建运行监控情况报告草稿（统筹地区经办机构）")
    async def monitoring_report_create(
        self, info: Info, input: MonitoringReportCreateInput
    ) -> MonitoringReportCreateResult:
        draft = reports.ReportDraft(
            fund_type_code=input.fund_type_code, region_code=input.region_code, year=input.year,
            month=input.month, progress=input.progress, problems=input.problems, measures=input.measures,
        )  # fmt: skip
        async with write(info) as (session, actor):
            return _success(await reports.create_report(session=session, actor=actor, draft=draft))

    @strawberry.mutation(permission_classes=AUTH, description="修改报告正文（经办机构；草稿或已退回）")
    async def monitoring_report_update(
        self, info: Info, input: MonitoringReportUpdateInput
    ) -> MonitoringReportChangeResult:
        report_id = parse_id(input.id, "MonitoringReport")
        text = reports.ReportText(progress=input.progress, problems=input.problems, measures=input.measures)
        async with write(info) as (session, actor):
            row = await reports.update_report(
                session=session, actor=actor, report_id=report_id, row_version=input.row_version, text=text
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="税务部门同意报告当前内容（同级税务部门；此后修改则须重新同意）"
    )
    async def monitoring_report_tax_concur(
        self, info: Info, input: MonitoringReportTaxConcurInput
    ) -> MonitoringReportChangeResult:
        report_id = parse_id(input.id, "MonitoringReport")
        async with write(info) as (session, actor):
            row = await flow.concur_report(
                session=session, actor=actor, report_id=report_id, row_version=input.row_version,
                opinion=input.opinion,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="报送报告（经办机构）：须税务部门同意当前内容，正文各部分已填写",
    )
    async def monitoring_report_submit(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> MonitoringReportChangeResult:
        report_id = parse_id(id, "MonitoringReport")
        async with write(info) as (session, actor):
            row = await flow.submit_report(
                session=session, actor=actor, report_id=report_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="审核通过报告（统筹地区财政部门或主管行政部门；两者均通过后为已审核通过）",
    )
    async def monitoring_report_accept(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> MonitoringReportChangeResult:
        report_id = parse_id(id, "MonitoringReport")
        async with write(info) as (session, actor):
            row = await flow.accept_report(
                session=session, actor=actor, report_id=report_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="退回报告（统筹地区财政部门或主管行政部门）：须说明理由"
    )
    async def monitoring_report_return(
        self, info: Info, input: MonitoringReportReturnInput
    ) -> MonitoringReportChangeResult:
        report_id = parse_id(input.id, "MonitoringReport")
        async with write(info) as (session, actor):
            row = await flow.return_report(
                session=session, actor=actor, report_id=report_id, row_version=input.row_version,
                reason=input.reason,
            )  # fmt: skip
            return _success(row)


@strawberry.type
class MonitoringReportQueries:
    @strawberry.field(permission_classes=AUTH, description="运行监控情况报告列表，按 ID 排序")
    async def monitoring_reports(
        self,
        info: Info,
        filter: MonitoringReportFilter | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[MonitoringReport]:
        f = filter or MonitoringReportFilter()
        query = reports.ReportQuery(
            year=f.year, month=f.month, fund_type_code=f.fund_type_code, region_code=f.region_code,
            include_descendants=f.include_descendants, statuses=tuple(f.status or ()),
        )  # fmt: skip
        stmt = reports.reports_select(query, current_actor(info))
        return await paginate(info, stmt, ReportRow.id, MonitoringReport.from_row, PageRequest(first, after))

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询运行监控情况报告")
    async def monitoring_report(self, info: Info, id: strawberry.ID) -> MonitoringReportResult:
        report_id = parse_id(id, "MonitoringReport")
        async with info.context.sessionmaker() as session:
            row, _ = await reports.visible_report(
                session=session, actor=current_actor(info), report_id=report_id
            )
        return MonitoringReport.from_row(row)
