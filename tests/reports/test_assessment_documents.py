"""The 考核结果通报 (Art. 22) rendered from realistic data and passed through the document checker, DOCX and
PDF (LibreOffice): published (numbered, 财政厅's 版头, the four issuers' signatures, the ranking table, the
commended and the weak named, 版记) and as a draft; and what its context says."""

import os
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from src.models.assessment import AssessmentOutcome, PrefectureAssessment
from src.reports.contexts.assessment_notice import assessment_notice_context
from src.reports.pdf import convert
from src.reports.render import TEMPLATE_DIR, Renderer
from src.services.assessment.notice_data import NoticeData, NoticeRow
from tests.support.document_checker import check_docx
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf
from tests.support.templates import template_variables

KIND = "ASSESSMENT_NOTICE"
D = Decimal
NAMES = [
    "成都市",
    "自贡市",
    "攀枝花市",
    "泸州市",
    "德阳市",
    "绵阳市",
    "广元市",
    "遂宁市",
    "内江市",
    "乐山市",
    "南充市",
    "眉山市",
    "宜宾市",
    "广安市",
    "达州市",
    "雅安市",
    "巴中市",
    "资阳市",
    "阿坝藏族羌族自治州",
    "甘孜藏族自治州",
    "凉山彝族自治州",
]
WEIGHTS = {
    "ASSESSMENT_WEIGHT_DEADLINES": D(40), "ASSESSMENT_WEIGHT_SELF_EVALUATION": D(30),
    "ASSESSMENT_WEIGHT_RECTIFICATION": D(15), "ASSESSMENT_WEIGHT_WARNINGS": D(15),
    "ASSESSMENT_COMMEND_FROM": D(90), "ASSESSMENT_WEAK_BELOW": D(60),
}  # fmt: skip


def _row(n: int) -> NoticeRow:
    due, on_time = 20, 20 - n % 9
    total = D(100) - D(n) * D("2.35")
    outcome = (
        AssessmentOutcome.COMMENDED
        if total >= 90
        else AssessmentOutcome.WEAK
        if total < 60
        else AssessmentOutcome.NORMAL
    )
    row = PrefectureAssessment(
        round_id=1, region_id=n + 1, year=2025, deadlines_due=due, deadlines_on_time=on_time,
        deadlines_score=D(100) * on_time / due, evaluations_owed=7, evaluations_submitted=7,
        evaluations_accepted=6, evaluations_average=D("86.50"), evaluations_score=D("74.14"),
        warnings_due=n, warnings_in_time=n // 2, warnings_score=D(100) * (n // 2) / n if n else None,
        total=total, rank=n + 1, outcome=outcome,
    )  # fmt: skip
    return NoticeRow(rank=n + 1, name=NAMES[n], row=row)


PUBLISHED = NoticeData(
    year=2025,
    number="川财社〔2026〕41号",
    published_on=date(2026, 10, 20),
    computed=True,
    issuers=["四川省财政厅", "四川省人力资源和社会保障厅", "四川省医疗保障局", "国家税务总局四川省税务局"],
    weights=WEIGHTS,
    rows=[_row(n) for n in range(21)],
)
DRAFT = replace(PUBLISHED, number="", published_on=None)


def cases() -> dict[str, dict[str, Any]]:
    return {"published": assessment_notice_context(PUBLISHED), "draft": assessment_notice_context(DRAFT)}


async def test_art22_the_assessment_notice_passes_the_checker(tmp_path: Path) -> None:
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
            (Path(keep) / f"assessment_{name}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{name}.pdf", KIND, found[name]) == [], name


def test_art22_the_context_gives_exactly_the_templates_variables() -> None:
    for name, context in cases().items():
        assert template_variables(TEMPLATE_DIR / f"{KIND}.docx") == set(context), name


def test_art22_a_joint_numbered_notice_ranking_commending_and_naming_the_weak() -> None:
    notice = assessment_notice_context(PUBLISHED)
    assert notice["issued"] and notice["doc_number"] == "川财社〔2026〕41号" and notice["draft_mark"] == ""
    assert notice["title"] == "关于2025年度各市（州）社会保险基金预算绩效管理工作考核结果的通报"
    assert (
        notice["recipients"]
        == "各市（州）财政局、人力资源社会保障局、医疗保障局，国家税务总局各市（州）税务局："
    )
    assert notice["signers"] == PUBLISHED.issuers and notice["date"] == "2026年10月20日"
    assert (
        "四川省财政厅会同四川省人力资源和社会保障厅、四川省医疗保障局、国家税务总局四川省税务局按照部门职责"
        in notice["body"][0]
    )
    first = notice["rows"][0]
    assert first == {
        "rank": "1", "name": "成都市", "total": "100.00", "deadlines": "100.00",
        "deadlines_counts": "（20/20）",
        "evaluations": "74.14", "evaluations_counts": "（6/7）", "rectification": "不适用",
        "rectification_counts": "", "warnings": "不适用", "warnings_counts": "", "outcome": "表扬",
    }  # fmt: skip
    assert notice["commend_paragraphs"] == [
        "成都市、自贡市、攀枝花市、泸州市、德阳市考核总分达到90分以上，预算绩效管理工作成效明显，予以通报表扬。"
    ]
    [weak] = notice["weak_paragraphs"]
    assert (
        weak.startswith("阿坝藏族羌族自治州、甘孜藏族自治州、凉山彝族自治州考核总分低于60分")
        and "将按照预算绩效管理跟踪问效“两书一函”制度予以提醒督促" in weak
    )
    assert "按时完成各项工作（40分）" in notice["basic_paragraphs"][0]


def test_art22_a_draft_prints_no_number_and_no_date() -> None:
    draft = assessment_notice_context(DRAFT)
    assert not draft["issued"] and draft["draft_mark"] == "草稿" and draft["doc_number"] == ""
    assert draft["date"] == draft["print_date"] == ""
