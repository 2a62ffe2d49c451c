"""The provincial evaluation's documents (Art. 17, 18; FORMS §4A) rendered from realistic data and passed
through the document checker, DOCX and PDF (LibreOffice): the 省级分险种绩效评价报告 of a prefecture-pooled
fund (21 prefectures, its charts) submitted and as a draft, of a province-pooled fund (one region: no
prefecture chart), and 财政厅's July summary sent (numbered, red 版头, 版记) and as a draft."""

import io
import os
import zipfile
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from docx import Document

from src.reports.contexts.provincial_common import broken_title
from src.reports.contexts.provincial_evaluation_report import provincial_report_context
from src.reports.contexts.provincial_evaluation_summary import provincial_summary_context
from src.reports.pdf import convert
from src.reports.picture import Picture
from src.reports.render import TEMPLATE_DIR, Renderer
from tests.support import provincial_documents as data
from tests.support.document_checker import check_docx
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf
from tests.support.templates import template_variables

REPORT, SUMMARY = "PROVINCIAL_EVALUATION_REPORT", "PROVINCIAL_EVALUATION_SUMMARY"


def cases() -> dict[str, tuple[str, dict[str, Any]]]:
    return {
        "report": (REPORT, provincial_report_context(data.prefecture_report())),
        "report_draft": (REPORT, provincial_report_context(data.prefecture_report(submitted=False))),
        "report_province": (REPORT, provincial_report_context(data.province_report())),
        "report_county": (REPORT, provincial_report_context(data.county_report())),
        "summary": (SUMMARY, provincial_summary_context(data.summary())),
        "summary_draft": (SUMMARY, provincial_summary_context(data.summary(sent=False))),
    }


def _images(blob: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(blob)) as package:
        return [name for name in package.namelist() if name.startswith("word/media/")]


async def test_art17_provincial_documents_pass_the_checker(tmp_path: Path) -> None:
    found = cases()
    renderer = Renderer()
    documents = {name: renderer.render(kind, context) for name, (kind, context) in found.items()}
    for name, blob in documents.items():
        assert check_docx(blob, found[name][0], found[name][1]) == [], name
    # The prefecture-pooled fund prints both charts; the province-pooled one only the distribution.
    assert len(_images(documents["report"])) == 2
    assert len(_images(documents["report_province"])) == 1
    assert len(_images(documents["report_county"])) == 2
    assert _images(documents["summary"]) == []
    needs_tools("pdftotext", "pdftoppm", "pdffonts")
    pdfs = await convert(documents, profile_dir=tmp_path / "p")
    keep = os.environ.get("KEEP_DOCUMENTS")  # a folder to look at the pages in
    for name, pdf in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        if keep:
            (Path(keep) / f"{name}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{name}.pdf", found[name][0], found[name][1]) == [], name


def test_art17_each_context_gives_exactly_its_templates_variables() -> None:
    for name, (kind, context) in cases().items():
        assert template_variables(TEMPLATE_DIR / f"{kind}.docx") == set(context), name


def test_art17_the_report_goes_from_the_agency_and_tax_to_finance() -> None:
    report = provincial_report_context(data.prefecture_report())
    assert report["recipients"] == "四川省财政厅："
    assert report["signers"] == ["四川省社会保险事业管理局", "国家税务总局四川省税务局"]
    assert report["title_lines"] == ["四川省2025年度企业职工基本养老保险基金", "预算绩效评价报告"]
    assert report["draft_mark"] == "" and report["date"] == "2026年7月8日"
    assert "委托四川省社会保险学会" in report["work"]  # Art. 17: a third party carried it out
    assert "未报送1个（省本级）" in report["basic"]
    assert report["grade_counts"] == {"优": "5", "良": "6", "中": "8", "差": "2", "合计": "21"}
    assert (
        report["below_pass"] == "自评得分低于60分（合格线）的地区2个：内江市（58.60分）、巴中市（49.75分）。"
    )
    assert len(report["results"]) == 21 and report["results"][8]["late"] == "逾期"
    assert isinstance(report["score_chart"], Picture) and isinstance(report["prefecture_chart"], Picture)
    draft = provincial_report_context(data.prefecture_report(submitted=False))
    assert draft["draft_mark"] == "草稿" and draft["date"] == draft["print_date"] == ""


def test_art18_indicators_not_met_are_printed_with_each_regions_cause() -> None:
    report = provincial_report_context(data.prefecture_report())
    first = report["shortfalls"][0]
    assert (first["level3"], first["evaluated"], first["not_met"]) == ("基本养老保险参保人数", "21", "3")
    assert first["regions"] == "内江市、巴中市、广安市"
    cause = report["causes"][0]
    assert cause["title"] == "（一）基本养老保险参保人数"
    # A cause's own stop is not doubled; a region that gave none is named as such.
    assert (
        cause["text"]
        == "内江市：外出务工人员断缴增加；巴中市：未说明原因；广安市：灵活就业人员参保意愿下降。"
    )


def test_art17_a_province_pooled_fund_has_no_prefecture_chart_and_says_why() -> None:
    report = provincial_report_context(data.province_report())
    assert report["prefecture_chart"] is None
    assert (
        report["prefecture_note"]
        == "工伤保险基金实行统收统支省级统筹，只有一个统筹地区，不作分市（州）评价等级分布。"
    )
    assert report["scores"] == "纳入评价的四川省自评得分84.60分，评价等级为“良”。"
    assert report["signers"][0] == report["printer"] == "四川省社会保险事业管理局"
    # Empty narrative of a part made only of text prints 无; the generated parts stand alone.
    assert report["problem_paragraphs"] == report["suggestion_paragraphs"] == ["无。"]
    assert report["work_paragraphs"] == [] and report["conclusion_paragraphs"] == []
    assert report["results"][0]["prefecture"] == "—"


def test_art17_the_july_summary_is_a_numbered_report_upward() -> None:
    sent = provincial_summary_context(data.summary())
    assert sent["issued"] and sent["doc_number"] == "川财社〔2026〕12号" and sent["draft_mark"] == ""
    assert sent["recipients"] == "财政部、人力资源社会保障部、国家医疗保障局、国家税务总局："
    assert sent["cc"] == "四川省人力资源和社会保障厅、四川省医疗保障局、国家税务总局四川省税务局。"
    assert sent["title_lines"] == ["四川省财政厅关于2025年度社会保险基金", "预算绩效评价情况的报告"]
    row = sent["funds"][1]
    assert row["fund"] == "职工基本医疗保险（含生育保险）基金"
    assert (row["excellent"], row["good"], row["fair"], row["poor"]) == ("6", "9", "6", "0")
    assert (row["average"], row["rate"], row["report"]) == ("83.10", "98.02%", "已审核通过")
    # The reports received are its attachments (the one not sent is not).
    assert sent["attachments"] == [
        "1.2025年度企业职工基本养老保险基金预算绩效评价报告",
        "2.2025年度职工基本医疗保险（含生育保险）基金预算绩效评价报告",
    ]
    assert "收到省级分险种绩效评价报告2份" in sent["overview"]
    draft = provincial_summary_context(data.summary(sent=False))
    assert not draft["issued"] and draft["doc_number"] == "" and draft["draft_mark"] == "草稿"
    assert draft["date"] == draft["print_date"] == ""


@pytest.mark.parametrize(
    ("title", "lines"),
    [
        (
            "四川省2025年度职工基本医疗保险（含生育保险）基金预算绩效评价报告",
            ["四川省2025年度职工基本医疗保险", "（含生育保险）基金预算绩效评价报告"],
        ),
        ("四川省2025年度工伤保险基金预算绩效评价报告", ["四川省2025年度工伤保险基金", "预算绩效评价报告"]),
    ],
)
def test_art18_a_title_breaks_between_words_only(title: str, lines: list[str]) -> None:
    assert broken_title(title) == lines


def test_art18_the_users_text_prints_as_typed_beside_the_charts() -> None:
    # With pictures the render takes docxtpl's path: escaping and braces as on the compiled one.
    typed = "A<B & C {{ x }} {% if %} ]]> <w:p/>"
    context = provincial_report_context(
        replace(data.prefecture_report(), problems=typed, other="其他\x01说明")
    )
    blob = Renderer().render(REPORT, context)
    texts = [p.text for p in Document(io.BytesIO(blob)).paragraphs]
    assert typed in texts and "其他说明" in texts
    assert check_docx(blob, REPORT, context) == []


def test_art18_regions_giving_the_same_cause_are_named_together() -> None:
    """The demo's 26-page report printed one paragraph per region and indicator: a cause twenty regions share
    is now printed once, after their names."""
    report = provincial_report_context(data.prefecture_report())
    shortfall = data.prefecture_report().aggregate.shortfalls[0]
    regions, causes = ["成都市", "自贡市", "泸州市"], ["系统切换。", "系统切换", "断缴"]
    shared = replace(shortfall, regions=regions, causes=causes)
    aggregate = replace(data.prefecture_report().aggregate, shortfalls=[shared])
    grouped = provincial_report_context(replace(data.prefecture_report(), aggregate=aggregate))
    assert grouped["causes"][0]["text"] == "成都市、自贡市：系统切换；泸州市：断缴。"
    assert len(report["causes"]) == len(data.prefecture_report().aggregate.shortfalls)
