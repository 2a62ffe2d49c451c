from typing import Annotated

import strawberry

from src.reports import jobs
from src.reports.runner import JobSubmitter
from src.schema.context import Info
from src.schema.errors import ConflictError, NotFoundError, PreconditionFailedError, ValidationError
from src.schema.ids import parse_id
from src.schema.permissions import IsAuthenticated
from src.schema.reports.inputs import ReportRequestInput
from src.schema.reports.types import ReportJob
from src.schema.transaction import write
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed


@strawberry.type(description="已受理：新的任务，或同一数据上相同申请已有的任务")
class ReportRequestSuccess:
    job: ReportJob


ReportRequestResult = Annotated[
    ReportRequestSuccess | ValidationError | NotFoundError | PreconditionFailedError | ConflictError,
    strawberry.union("ReportRequestResult"),
]


def job_runner(info: Info) -> JobSubmitter:
    """The app's runner or queue (create_app's, through the request's context)."""
    jobs = info.context.jobs
    if jobs is None:  # a context made without the app's (an event's rendering) runs no mutation
        raise RuntimeError("this context submits no report jobs")
    return jobs


def _subject_id(input: ReportRequestInput) -> int | None:
    if input.subject_id is not None and input.goal_id is not None:
        problem = FieldProblem("input.goalId", "subjectId 与 goalId 只能指定一个", ErrorCode.INVALID)
        raise ValidationFailed([problem])
    if input.subject_id is not None:
        return parse_id(input.subject_id, "subject")
    return parse_id(input.goal_id, "Goal") if input.goal_id is not None else None


@strawberry.type
class ReportMutations:
    @strawberry.mutation(
        permission_classes=[IsAuthenticated],
        description="申请生成报告；生成在提交后进行，用 reportJob 查询进度，完成后从 downloadUrl 下载",
    )
    async def report_request(self, info: Info, input: ReportRequestInput) -> ReportRequestResult:
        subject_id = _subject_id(input)
        async with write(info) as (session, actor):
            row = await jobs.request_report(
                session=session,
                actor=actor,
                kind=str(input.kind),
                fmt=input.format,
                subject_id=subject_id,
                fund_type_code=input.fund_type_code,
                year=input.year,
                region_code=input.region_code,
                include_drafts=input.include_drafts,
            )
            to_run = await jobs.queued_job_ids(session=session, job=row)
            job = ReportJob.from_row(row)
        # Committed: only now may anything run them (a runner must find the rows it is given).
        await job_runner(info).submit(to_run)
        return ReportRequestSuccess(job=job)
