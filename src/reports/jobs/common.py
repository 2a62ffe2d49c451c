"""What the job modules share: limits, messages, the renderer they need, the event a job's change is."""

from collections.abc import Mapping
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.report import ReportEventKind, ReportFormat, ReportJob, ReportJobStatus
from src.reports.kinds import CONTENT_TYPES
from src.services.actors import Actor
from src.subjects.events import record_event
from src.subjects.registry import registry

# The most documents one batch renders (the goals of a province and all its pooling regions are ~200); the
# children list of a batch is bounded by it.
MAX_BATCH_DOCUMENTS = 300
# Bump when what goes into a fingerprint changes, so old jobs are not taken for new requests.
FINGERPRINT_VERSION = 3
EXTENSIONS: dict[ReportFormat, str] = {
    ReportFormat.DOCX: "docx",
    ReportFormat.PDF: "pdf",
    ReportFormat.XLSX: "xlsx",
}
ARCHIVE_CONTENT_TYPE = "application/zip"  # a batch's file


def message_subject_deleted(label: str) -> str:
    return f"{label}已被删除，未能生成文档"


def message_subject_unreadable(label: str) -> str:
    return f"{label}不存在或申请人已无权查看，未能生成文档"


MESSAGE_REQUESTER_GONE = "申请人账号已停用或不存在，未能生成文档"
MESSAGE_INTERNAL = "生成文档时发生内部错误（已记录），请稍后重新申请或联系管理员"
MESSAGE_INTERRUPTED = "服务停止，文档生成被中断，请重新申请"
ENTITY = "报告任务"
CHINA = ZoneInfo("Asia/Shanghai")
UNFINISHED = [ReportJobStatus.QUEUED, ReportJobStatus.RUNNING]


class Renderer(Protocol):
    """What run_job needs of src/reports/render.py's Renderer (tests pass their own)."""

    def render(self, kind: str, context: Mapping[str, Any]) -> bytes: ...


def is_batch(job: ReportJob) -> bool:
    """A batch's parent has a year (its scope); a job for one subject has none, and an export (a year's
    records in one file: exports.py) is no batch though it has one."""
    return job.year is not None and job.kind not in registry().exports


def downloadable(job: ReportJob) -> bool:
    """The job has a file to download: a document SUCCEEDED, or a batch that ended (its archive holds the
    documents made and lists those that failed)."""
    if job.storage_key is None:
        return False
    return job.status == ReportJobStatus.SUCCEEDED or (is_batch(job) and job.status == ReportJobStatus.FAILED)


def content_type(job: ReportJob) -> str:
    return ARCHIVE_CONTENT_TYPE if is_batch(job) else CONTENT_TYPES[job.format]


class JobFailed(Exception):
    """An expected reason a job cannot produce its document; the message is shown to the requester."""


async def job_changed(*, session: AsyncSession, job: ReportJob, actor: Actor | None) -> None:
    """The job's status and progress as they are in this transaction, as an event (REPORT_JOB_CHANGED);
    `actor`: who asked for it (None for the runner's own progress)."""
    await record_event(
        session=session,
        kind=ReportEventKind.REPORT_JOB_CHANGED,
        subject=job,
        actor=actor,
        payload={"status": job.status.value, "progressDone": job.progress_done,
                 "progressTotal": job.progress_total, "parentId": job.parent_id},
    )  # fmt: skip
