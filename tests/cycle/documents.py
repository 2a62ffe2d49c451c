"""A document of the cycle as a user gets it: requested through `reportRequest`, rendered by the real arq
worker on Redis, downloaded over HTTP and passed through the document checker (DOCX; the PDF the worker
converts too, once per kind, for the kinds whose own tests check their PDF)."""

from pathlib import Path

import pytest

from src.models import ReportJob
from src.models.report import ReportJobStatus
from src.reports.contexts import build_context
from src.services.actors import load_actor
from tests.cycle.state import Cycle, call
from tests.reports.test_worker import run_worker
from tests.support.document_checker import check_docx
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf

REQUEST = """mutation($input: ReportRequestInput!) { reportRequest(input: $input) {
  __typename ... on ReportRequestSuccess { job { id status } } ... on UserError { code message } } }"""
# The kinds whose document tests convert to PDF and check it (tests/reports/test_*_documents.py …).
PDF_CHECKED = {
    "MONITORING_TABLE",
    "MONITORING_REPORT",
    "MONITORING_COMPILATION",
    "SELF_EVALUATION_FORM",
    "SELF_EVALUATION_REPORT",
    "PROVINCIAL_EVALUATION_REPORT",
    "PROVINCIAL_EVALUATION_SUMMARY",
    "EVALUATION_FEEDBACK_LETTER",
    "PERFORMANCE_DISCLOSURE",
    "ASSESSMENT_NOTICE",
    "ESCALATION_REMINDER",
    "ESCALATION_RECTIFICATION_NOTICE",
    "ESCALATION_INTERVIEW_LETTER",
}


def pdf_tools() -> bool:
    """Whether the PDFs can be made and read: in CI they must (the test fails), locally the cycle runs
    without them and checks the DOCX alone."""
    try:
        needs_tools("pdftotext", "pdftoppm", "pdffonts")
    except pytest.skip.Exception:
        return False
    return True


async def document(cycle: Cycle, kind: str, subject_id: str) -> bytes:
    """The DOCX of `kind` for `subject_id` as the user logged in now reads it, checked; its kind recorded."""
    formats = ["DOCX"]
    if cycle.pdf and kind in PDF_CHECKED and kind not in cycle.pdf_kinds:
        formats.append("PDF")
    jobs = []
    for format_ in formats:
        request = {"kind": kind, "subjectId": subject_id, "format": format_}
        result = await call(cycle, REQUEST, {"input": request}, "ReportRequestSuccess")
        jobs.append(result["job"]["id"])
    await run_worker(cycle.settings, cycle.engine)
    async with cycle.sessionmaker() as session:
        actor = await load_actor(session=session, user_id=cycle.user_id)
        assert actor is not None
        context = await build_context(session=session, actor=actor, kind=kind, subject_id=int(subject_id))
        for job_id in jobs:
            job = await session.get_one(ReportJob, int(job_id))
            assert job.status == ReportJobStatus.SUCCEEDED, (kind, job.format, job.status)
    contents = []
    for job_id in jobs:
        response = await cycle.gql.http.get(f"/files/{job_id}")
        assert response.status_code == 200, (kind, response.text)
        contents.append(response.content)
    problems = check_docx(contents[0], kind, context)
    assert problems == [], (kind, problems)
    if len(contents) > 1:
        pdf = Path(cycle.settings.STORAGE_DIR) / f"cycle-{kind}.pdf"
        pdf.write_bytes(contents[1])
        problems = check_pdf(pdf, kind, context)
        assert problems == [], (kind, "PDF", problems)
        cycle.pdf_kinds.add(kind)
    cycle.documents.append(kind)
    return contents[0]
