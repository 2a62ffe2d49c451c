"""The kinds of official document the service renders (DOMAIN.md §9), and their output formats.

A template per kind lives in report_templates/<kind value>.docx; a context builder per kind in
src/reports/contexts/. Monitoring, evaluation and results add their kinds here.
"""

from enum import StrEnum


class ReportKind(StrEnum):
    GOAL_TABLE = "GOAL_TABLE"  # 绩效目标表 (Art. 7, 10): one goal's table for issuing


class ReportFormat(StrEnum):
    DOCX = "DOCX"
    PDF = "PDF"


KIND_LABELS: dict[ReportKind, str] = {ReportKind.GOAL_TABLE: "绩效目标表"}
CONTENT_TYPES: dict[ReportFormat, str] = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.PDF: "application/pdf",
}
