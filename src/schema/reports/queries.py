import strawberry

from src.models.report import ReportJob as ReportJobRow
from src.reports.jobs import ReportJobQuery, report_jobs_select, visible_report_job_row
from src.schema.context import Info
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.reports.types import ReportJob, ReportJobFilter, ReportJobResult
from src.schema.transaction import current_actor


@strawberry.type
class ReportQueries:
    @strawberry.field(permission_classes=[IsAuthenticated], description="按 ID 查询报告生成任务")
    async def report_job(self, info: Info, id: strawberry.ID) -> ReportJobResult:
        job_id = parse_id(id, "ReportJob")
        async with info.context.sessionmaker() as session:
            row = await visible_report_job_row(session=session, actor=current_actor(info), job_id=job_id)
        return ReportJob.from_row(row)

    @strawberry.field(
        permission_classes=[IsAuthenticated], description="报告生成任务列表（您可查看的），按 ID 排序"
    )
    async def report_jobs(
        self,
        info: Info,
        filter: ReportJobFilter | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[ReportJob]:
        f = filter or ReportJobFilter()
        query = ReportJobQuery(statuses=list(f.status or []), kind=f.kind)
        stmt = report_jobs_select(query, current_actor(info))
        return await paginate(info, stmt, ReportJobRow.id, ReportJob.from_row, PageRequest(first, after))
