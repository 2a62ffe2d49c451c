"""The 绩效自评表 (Art. 17, 18; FORMS §2B/§2C) rendered for real self-evaluations and passed through the
document checker: a submitted one and a draft, DOCX and PDF (LibreOffice)."""

import uuid
from decimal import Decimal
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import Comparator, IndicatorCategory, IndicatorKind
from src.models.evaluation import SelfEvaluationDocumentKind, SelfEvaluationLine
from src.reports.contexts import build_context
from src.reports.contexts.self_evaluation_rows import deviation_text
from src.reports.pdf import convert
from src.reports.render import Renderer
from tests.services.test_reads import actor
from tests.support.document_checker import check_docx
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf
from tests.support.self_evaluation_documents import real_self_evaluations

KIND = SelfEvaluationDocumentKind.SELF_EVALUATION_FORM


async def test_art18_the_self_evaluation_form_of_real_records_passes_the_checker(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    records = await real_self_evaluations(sessionmaker)
    found = {}
    for name, subject_id in records.items():
        async with sessionmaker() as session:
            found[name] = await build_context(
                session=session, actor=actor(is_admin=True), kind=KIND, subject_id=subject_id
            )
    submitted, draft = found["submitted"], found["draft"]
    assert submitted["draft_mark"] == "" and submitted["date"].endswith("日")  # the day it was submitted
    assert draft["draft_mark"] == "草稿" and draft["date"] == ""
    assert submitted["grade"] in ("优", "良", "中", "差") and submitted["total_score"].count(".") == 1
    rows = submitted["rows"]
    assert [r["level3"] for r in rows][:1] and all(r["score"].endswith(tuple("0123456789")) for r in rows)
    paid = next(r for r in rows if r["level3"] == "待遇按时足额发放率")
    assert paid["target"] == "≥95%" and paid["actual"] == "90%"
    assert paid["deviation"] == "原因：部分县区经办系统切换；措施：按月通报发放进度"
    assert submitted["budget"]["reason"] == "年末部分转移支出延至次年拨付。"
    renderer = Renderer()
    documents = {name: renderer.render(KIND, context) for name, context in found.items()}
    for name, blob in documents.items():
        assert check_docx(blob, KIND, found[name]) == [], name
    needs_tools("pdftotext", "pdftoppm", "pdffonts")
    pdfs = await convert(documents, profile_dir=tmp_path / "p")
    for name, pdf in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{name}.pdf", KIND, found[name]) == [], name


def test_art18_cause_and_measures_read_as_one_sentence_each() -> None:
    """偏差原因分析及改进措施: the cause, then the measures, joined once (a closing stop is not doubled)."""
    line = SelfEvaluationLine(
        evaluation_id=1, indicator_id=1, indicator_lineage_id=uuid.uuid4(), level1=IndicatorCategory.OUTPUT,
        level2="数量指标", level3="参保人数", kind=IndicatorKind.QUANTITATIVE, comparator=Comparator.GE,
        weight=Decimal(10), cause="系统切换。", measures="按月通报进度。",
    )  # fmt: skip
    assert deviation_text(line) == "原因：系统切换；措施：按月通报进度"
    assert deviation_text(line.model_copy(update={"measures": ""})) == "原因：系统切换"
