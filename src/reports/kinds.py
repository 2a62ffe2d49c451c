"""What documents are rendered as: the output formats and their content types. The kinds of document are
the domains' (src/subjects/documents.py, registered in src/domains/)."""

from src.models.report import ReportFormat
from src.subjects.registry import registry

CONTENT_TYPES: dict[ReportFormat, str] = {
    ReportFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def kind_label(kind: str) -> str:
    """The Chinese name of a document kind (绩效目标表)."""
    found = registry().documents.get(str(kind)) or registry().exports[str(kind)]
    return str(found.label)
