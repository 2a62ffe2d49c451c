"""Report jobs as a subject: they announce their progress to whoever may see them (reports/jobs/scope.py)."""

from src.models import ReportJob
from src.models.report import ReportEventKind
from src.reports.jobs.scope import SUBJECT_NAME, job_scope, visible_jobs_clause
from src.subjects.registry import Registry, SubjectSpec


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=SUBJECT_NAME,
            model=ReportJob,
            label="报告任务",
            scope=job_scope,
            clause=visible_jobs_clause,
            event_kinds=ReportEventKind,
            event_labels={ReportEventKind.REPORT_JOB_CHANGED: "报告任务进度"},
        )
    )
