"""Report jobs: one row per requested document (DOMAIN.md §9), from the request to the stored file.

A job renders one subject's document (subject_type, subject_id: a goal's table, later a monitoring report, a
letter), or is the parent of a batch — every subject of its type in a fund, year and region with its
descendants (fund_type_id, region_id, year) — whose children render one subject each and count its
progress; its file is the ZIP of theirs, and it is seen only by who may read every one (scope_*). The
kinds of document are the registry's (src/subjects/documents.py). The fingerprint is the request and the
version of the data it was made from, so asking again for unchanged data finds the job already made
instead of rendering twice.
"""

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from src.models.base import Versioned
from src.models.event import KIND_MAX_LENGTH, SUBJECT_TYPE_MAX_LENGTH
from src.models.types import StrEnumType, UTCDateTime


class ReportFormat(StrEnum):
    DOCX = "DOCX"
    PDF = "PDF"
    XLSX = "XLSX"  # a sheet to fill in (the monitoring entry sheet): drawn in code, not from a template


class ReportEventKind(StrEnum):
    REPORT_JOB_CHANGED = "REPORT_JOB_CHANGED"  # a document job started, progressed, succeeded or failed


class ReportJobStatus(StrEnum):
    QUEUED = "QUEUED"
    RUNNING = "RUNNING"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"


REPORT_JOB_STATUS_LABELS: dict[ReportJobStatus, str] = {
    ReportJobStatus.QUEUED: "排队中",
    ReportJobStatus.RUNNING: "生成中",
    ReportJobStatus.SUCCEEDED: "已完成",
    ReportJobStatus.FAILED: "失败",
}
# A job in these states stands for its fingerprint: the same request gets it back instead of a new job.
LIVE_STATUSES = frozenset({ReportJobStatus.QUEUED, ReportJobStatus.RUNNING, ReportJobStatus.SUCCEEDED})


# The statuses of LIVE_STATUSES as stored, for the partial unique index below.
_LIVE_SQL = sa.text("status IN ('QUEUED', 'RUNNING', 'SUCCEEDED') AND parent_id IS NULL")


class ReportJob(Versioned, table=True):
    # One live job per request and data version: two users asking at the same moment get the same job (the
    # loser of the race finds the winner's). A batch's children are not requests: they share fingerprints
    # with single-goal jobs, so they are left out.
    __table_args__ = (
        sa.Index("ix_report_job_subject", "subject_type", "subject_id"),
        sa.Index(
            "uq_report_job_live_fingerprint",
            "fingerprint",
            unique=True,
            sqlite_where=_LIVE_SQL,
            postgresql_where=_LIVE_SQL,
        ),
    )
    __tablename__ = "report_job"

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=KIND_MAX_LENGTH)  # a registered document kind: GOAL_TABLE
    format: ReportFormat = Field(sa_type=StrEnumType(ReportFormat))
    # The subject's document (a batch: the type of its children's subjects, no id). A subject deleted since
    # (a draft goal) leaves its jobs behind: they are then their requester's (src/domains/report_jobs.py).
    subject_type: str = Field(max_length=SUBJECT_TYPE_MAX_LENGTH)
    subject_id: int | None = None
    # Where the job sits: a batch's scope (with year); for one subject, the subject's fund and region, so
    # that a job whose subject was deleted still has a place for visibility.
    fund_type_id: int | None = Field(default=None, foreign_key="fund_type.id")
    region_id: int | None = Field(default=None, foreign_key="region.id")
    year: int | None = None
    parent_id: int | None = Field(default=None, foreign_key="report_job.id", index=True)
    # A batch's parent: who may see it, from the documents it holds (subjects/scope.py combined_scope,
    # fixed when requested) — the region those who cover it read them all from, whether one is a draft,
    # whether it is hidden from the regions below that one, and the highest region of its documents.
    scope_region_id: int | None = Field(default=None, foreign_key="region.id")
    scope_top_region_id: int | None = Field(default=None, foreign_key="region.id")
    scope_draft: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    scope_hidden_below: bool = Field(default=False, sa_column_kwargs={"server_default": sa.false()})
    status: ReportJobStatus = Field(
        default=ReportJobStatus.QUEUED, sa_type=StrEnumType(ReportJobStatus), index=True
    )
    # The requester: the document shows what this user, as its organization, may read.
    requested_by_id: int = Field(foreign_key="app_user.id", index=True)
    organization_id: int = Field(foreign_key="organization.id")
    # Set when the requester called with an API token confined to a region: the run stays inside it too.
    token_region_path: str | None = Field(default=None, max_length=255)
    # SHA-256 (hex) of the request (kind, format, scope, the requester's view) and the data's version.
    fingerprint: str = Field(max_length=64, index=True)
    attempts: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    error: str | None = Field(default=None, sa_type=sa.Text)
    file_name: str | None = Field(default=None, max_length=255)
    storage_key: str | None = Field(default=None, max_length=255)
    size_bytes: int | None = Field(default=None, sa_type=sa.BigInteger)
    sha256: str | None = Field(default=None, max_length=64)
    pages: int | None = None  # known for PDF only (a DOCX is paginated by the program that opens it)
    progress_done: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    progress_total: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    started_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
