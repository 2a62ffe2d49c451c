"""Report jobs (DOMAIN.md §9): requesting a document, running the job that renders it, reading jobs.

- `request_report` writes the job rows in the caller's transaction; whoever commits it then hands
  `queued_job_ids(...)` to a runner (src/reports/runner.py: in-process now, the arq queue later).
- `run_job` is the one job function, wherever it runs: it claims the job, builds the document's context as
  the requester (so the document shows only what the requester may read), renders, stores the file and
  records the outcome, each in a short transaction of its own (outcomes.py). A batch's parent is run
  whole: its children a chunk at a time, each chunk's PDFs in one soffice call, then the batch's ZIP with
  its manifest as the parent's file (batches.py, archive.py).
- `report_jobs_select(query, actor)` is the read: a job is visible to whoever may read its subject; a batch
  to whoever may read every document in it (scope.py).
"""

from src.reports.jobs.common import (
    EXTENSIONS,
    MAX_BATCH_DOCUMENTS,
    MESSAGE_INTERNAL,
    MESSAGE_INTERRUPTED,
    MESSAGE_REQUESTER_GONE,
    JobFailed,
    Renderer,
    content_type,
    downloadable,
    is_batch,
    message_subject_deleted,
    message_subject_unreadable,
)
from src.reports.jobs.outcomes import safe_file_name
from src.reports.jobs.reads import (
    ReportJobQuery,
    report_jobs_select,
    visible_report_job,
    visible_report_job_row,
)
from src.reports.jobs.requesting import queued_job_ids, request_report
from src.reports.jobs.running import fail_job, run_job
from src.reports.jobs.scope import visible_jobs_clause

__all__ = [
    "EXTENSIONS",
    "MAX_BATCH_DOCUMENTS",
    "MESSAGE_INTERNAL",
    "MESSAGE_INTERRUPTED",
    "MESSAGE_REQUESTER_GONE",
    "JobFailed",
    "Renderer",
    "ReportJobQuery",
    "content_type",
    "downloadable",
    "fail_job",
    "is_batch",
    "message_subject_deleted",
    "message_subject_unreadable",
    "queued_job_ids",
    "report_jobs_select",
    "request_report",
    "run_job",
    "safe_file_name",
    "visible_jobs_clause",
    "visible_report_job",
    "visible_report_job_row",
]
