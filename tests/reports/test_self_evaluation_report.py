"""The 自评报告 (Art. 17, 18; FORMS §4B) rendered for real self-evaluations and passed through the document
checker: a submitted one and a draft, DOCX and PDF (LibreOffice)."""

import os
from pathlib import Path

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.evaluation import SelfEvaluationDocumentKind
from src.reports.contexts import build_context
from src.reports.pdf import convert
from src.reports.render import Renderer
from tests.services.test_reads import actor
from tests.support.document_checker import check_docx
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf
from tests.support.self_evaluation_documents import provincial_self_evaluation, real_self_evaluations

KIND = SelfEvaluationDocumentKind.SELF_EVALUATION_REPORT


async def test_art18_the_self_evaluation_report_of_real_records_passes_the_checker(
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
    # Art. 17: a prefecture's fund — its finance reports to the four provincial bodies, dated when submitted.
    assert submitted["signer"] == submitted["printer"] == "自贡市财政局"
    assert submitted["recipients"].count("、") == 3 and submitted["recipients"].endswith("：")
    assert submitted["draft_mark"] == "" and submitted["date"].endswith("日")
    assert draft["draft_mark"] == "草稿" and draft["date"] == ""
    assert submitted["title"] == "自贡市2026年度职工基本医疗保险（含生育保险）基金绩效自评报告"
    assert submitted["goal_number"] == "自财社〔2026〕3号"  # the goal's number, not the report's own
    assert submitted["grade"] in ("优", "良", "中", "差") and submitted["total_score"].count(".") == 1
    # Art. 18: the line not met, with its cause and measures.
    [paid] = submitted["deviations"]
    assert paid["title"] == "（一）待遇按时足额发放率"
    assert "≥95%" in paid["text"] and "90%" in paid["text"] and "部分县区经办系统切换" in paid["text"]
    assert submitted["budget"]["reason"] == "年末部分转移支出延至次年拨付。"
    renderer = Renderer()
    documents = {name: renderer.render(KIND, context) for name, context in found.items()}
    for name, blob in documents.items():
        assert check_docx(blob, KIND, found[name]) == [], name
    needs_tools("pdftotext", "pdftoppm", "pdffonts")
    pdfs = await convert(documents, profile_dir=tmp_path / "p")
    keep = os.environ.get("KEEP_DOCUMENTS")  # a folder to look at the pages in
    for name, pdf in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        if keep:
            (Path(keep) / f"{name}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{name}.pdf", KIND, found[name]) == [], name


async def test_art17_the_province_pooled_funds_report_goes_from_its_agency_to_finance_and_hrss(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    subject_id = await provincial_self_evaluation(sessionmaker)
    async with sessionmaker() as session:
        context = await build_context(
            session=session, actor=actor(is_admin=True), kind=KIND, subject_id=subject_id
        )
    # 「由省级社保经办机构商省税务局具体实施并形成自评报告，报财政厅、人力资源社会保障厅、省医保局」: the
    # fund's administration among them (人社厅 for unemployment), the agency signs; 省税务局 is copied.
    recipients = context["recipients"].removesuffix("：").split("、")
    assert len(recipients) == 2 and context["signer"] not in recipients
    assert context["date"].endswith("日") and context["draft_mark"] == ""
    assert context["cc"] not in ("", "。") and context["signer"] not in context["cc"]
    assert context["signer"] == context["printer"] and "财政" not in context["signer"]
    assert check_docx(Renderer().render(KIND, context), KIND, context) == []
