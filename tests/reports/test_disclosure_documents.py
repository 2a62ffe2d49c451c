"""社会保险基金预算绩效信息公开 (Art. 21) rendered from realistic data and passed through the
document checker, DOCX and PDF (LibreOffice): published (the red 版头 of the finance body with
its number, the signature and date, the 版记) and as a draft; and what its context says —
nothing internal, only the public snapshot."""

import os
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import Any

from src.reports.contexts.performance_disclosure import performance_disclosure_context
from src.reports.pdf import convert
from src.reports.render import TEMPLATE_DIR, Renderer
from src.services.disclosure.document_data import DisclosureDocumentData
from tests.support.document_checker import check_docx
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf
from tests.support.templates import template_variables

KIND = "PERFORMANCE_DISCLOSURE"
FUNDS = ("企业职工基本养老保险基金", "职工基本医疗保险（含生育保险）基金", "失业保险基金")


def _goal(fund: str, name: str, note: str = "") -> dict[str, Any]:
    indicators = [
        {"name": "参保人数", "target": "≥1,200万人"},
        {"name": "待遇按时足额发放率", "target": "≥100%"},
        {"name": "基金运行风险", "target": "达成"},
    ]
    return {"fund": fund, "goal": name, "indicators": indicators, "note": note}


CONTENT: dict[str, Any] = {
    "version": 1,
    "region": {"code": "510000", "name": "四川省"},
    "year": 2025,
    "title": "四川省2025年度社会保险基金预算绩效信息公开",
    "preface": "本次公开内容经省财政厅审定，已报送省人民代表大会常务委员会。",
    "goals": [
        _goal(FUNDS[0], "确保养老金按时足额发放", "全省统筹"),
        _goal(FUNDS[1], "保障参保人员基本医疗需求"),
        _goal(FUNDS[2], "稳就业保生活"),
    ],
    "results": [
        {"fund": f, "kind": "PROVINCIAL", "score": s, "grade": g, "gradeLabel": lbl, "note": n}
        for f, s, g, lbl, n in (
            (FUNDS[0], "91.20", "EXCELLENT", "优", "省级绩效评价"),
            (FUNDS[1], "86.50", "GOOD", "良", ""),
            (FUNDS[2], "78.00", "FAIR", "中", "执行率偏低，已整改"),
        )
    ],
}
PUBLISHED = DisclosureDocumentData(
    content=CONTENT,
    issuer="四川省财政厅",
    fixed=True,
    on=date(2026, 9, 1),
    number="川财社〔2026〕31号",
)
DRAFT = replace(PUBLISHED, fixed=False, on=None, number="")


def cases() -> dict[str, dict[str, Any]]:
    return {
        "published": performance_disclosure_context(PUBLISHED),
        "draft": performance_disclosure_context(DRAFT),
    }


async def test_art21_the_disclosure_passes_the_checker(tmp_path: Path) -> None:
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
            (Path(keep) / f"disclosure_{name}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{name}.pdf", KIND, found[name]) == [], name


def test_art21_the_context_gives_exactly_the_templates_variables() -> None:
    for name, context in cases().items():
        assert template_variables(TEMPLATE_DIR / f"{KIND}.docx") == set(context), name


def test_art21_published_under_the_finance_body_with_goals_per_fund_and_results() -> None:
    published = performance_disclosure_context(PUBLISHED)
    assert published["issued"] and published["doc_number"] == "川财社〔2026〕31号"
    assert published["draft_mark"] == ""
    assert published["issuer"] == published["signer"] == "四川省财政厅"
    assert published["title"] == "四川省2025年度社会保险基金预算绩效信息公开"
    assert "第二十一条" in published["body"][0] and published["body"][1].startswith("本次公开内容")
    blocks = published["goals"]
    assert [b["caption"] for b in blocks] == [
        "（1）企业职工基本养老保险基金",
        "（2）职工基本医疗保险（含生育保险）基金",
        "（3）失业保险基金",
    ]
    assert blocks[0]["rows"][0] == {
        "goal": "确保养老金按时足额发放",
        "indicator": "参保人数",
        "target": "≥1,200万人",
    }
    assert blocks[0]["rows"][1]["goal"] == ""  # the goal's name on its first row only
    assert blocks[0]["notes"] == ["确保养老金按时足额发放：全省统筹"]
    note = "执行率偏低，已整改"
    assert published["results"][2] == {
        "fund": "失业保险基金", "kind": "省级绩效评价", "score": "78.00", "grade": "中", "note": note,
    }  # fmt: skip
    assert published["date"] == "2026年9月1日"


def test_art21_a_draft_prints_the_draft_mark_and_no_date() -> None:
    draft = performance_disclosure_context(DRAFT)
    assert not draft["issued"] and draft["draft_mark"] == "草稿" and draft["date"] == ""
