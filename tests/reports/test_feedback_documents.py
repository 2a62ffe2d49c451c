"""The 评价结果反馈函 (Art. 19; FORMS §4C) rendered from realistic data and passed through the document
checker, DOCX and PDF (LibreOffice): sent (numbered, 版头 of 财政厅, the three issuers' signatures, 版记) and
as a draft; and what its context says."""

import os
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from src.reports.contexts.evaluation_feedback_letter import feedback_letter_context
from src.reports.pdf import convert
from src.reports.render import TEMPLATE_DIR, Renderer
from src.services.feedback.letter_data import FeedbackLetterData
from tests.support.document_checker import check_docx
from tests.support.feedback_documents import TEXTS
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf
from tests.support.templates import template_variables

KIND = "EVALUATION_FEEDBACK_LETTER"
SENT = FeedbackLetterData(
    year=2025,
    region_name="自贡市",
    fund_name="职工基本医疗保险（含生育保险）基金",
    issuers=["四川省财政厅", "四川省医疗保障局", "国家税务总局四川省税务局"],
    number="川财社〔2026〕27号",
    sent_on=date(2026, 8, 10),
    recipients=["自贡市财政局", "自贡市医疗保障局", "自贡市医疗保障事务中心"],
    score=Decimal("86.50"),
    grade_label="良",
    achievements=TEXTS["achievements"] or "",
    problems=TEXTS["problems"] or "",
    recommendations=TEXTS["recommendations"] or "",
    rectification=TEXTS["rectification"] or "",
    application=TEXTS["application"] or "",
    answer_by=date(2026, 9, 9),
    answer_days=30,
)
DRAFT = replace(SENT, number="", sent_on=None, answer_by=None, application="")


def cases() -> dict[str, dict[str, Any]]:
    return {"sent": feedback_letter_context(SENT), "draft": feedback_letter_context(DRAFT)}


async def test_art19_the_feedback_letter_passes_the_checker(tmp_path: Path) -> None:
    found = cases()
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
            (Path(keep) / f"feedback_{name}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{name}.pdf", KIND, found[name]) == [], name


def test_art19_the_context_gives_exactly_the_templates_variables() -> None:
    for name, context in cases().items():
        assert template_variables(TEMPLATE_DIR / f"{KIND}.docx") == set(context), name


def test_art19_a_joint_numbered_letter_to_the_regions_bodies_with_score_grade_and_time_limit() -> None:
    sent = feedback_letter_context(SENT)
    assert sent["issued"] and sent["doc_number"] == "川财社〔2026〕27号" and sent["draft_mark"] == ""
    assert "printer" not in sent and "cc" not in sent  # 信函格式: no 印发 lines (GB/T 9704 10.1)
    assert sent["signers"] == ["四川省财政厅", "四川省医疗保障局", "国家税务总局四川省税务局"]
    assert sent["recipients"] == "自贡市财政局、自贡市医疗保障局、自贡市医疗保障事务中心："
    assert sent["title"] == "关于反馈2025年度职工基本医疗保险（含生育保险）基金预算绩效评价结果的函"
    assert "四川省财政厅会同四川省医疗保障局、国家税务总局四川省税务局对自贡市" in sent["body"][0]
    assert sent["result_paragraphs"] == [
        "经审核，自贡市2025年度职工基本医疗保险（含生育保险）基金预算绩效自评得分86.50分，评价等级为“良”。"
    ]
    assert sent["rectification_paragraphs"][-1] == (
        "请你们针对上述问题认真研究整改措施，于收文之日起30日内（2026年9月9日前）将整改情况书面报送四川省财政厅。"
    )
    assert sent["date"] == "2026年8月10日"


def test_art19_a_draft_prints_no_number_and_no_date() -> None:
    draft = feedback_letter_context(DRAFT)
    assert not draft["issued"] and draft["draft_mark"] == "草稿" and draft["doc_number"] == ""
    assert draft["date"] == ""
    assert draft["application_paragraphs"] == ["无。"]
    assert "（" not in draft["rectification_paragraphs"][-1]  # no answer-by date until sent
