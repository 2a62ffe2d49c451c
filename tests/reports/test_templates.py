"""report_templates/: every committed <KIND>.docx is what its builder makes (report_templates/build.py), valid
OOXML as it stands, with exactly its context's variables; and the goal table (绩效目标表, FORMS.md §1D)
rendered as src/reports renders it: each part where it belongs, the red 版头 or the draft mark, categories
merged once per block, 备注 only where a row carries one, columns as wide as their numbers. What every
official document must be is the document checker's (tests/support/document_checker.py), run here on
hand-made contexts (tests/reports/test_document_checker.py runs it on real goals)."""

import io
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from docx import Document as open_document
from docx.document import Document
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table

from bench.render import context as sample_context
from report_templates.build import TEMPLATES, built
from report_templates.official.tables import width_of
from report_templates.official.units import GRID_SIZE, LANDSCAPE_TEXT_WIDTH, TEMPLATE_DIR
from src.models.goal import GoalDocumentKind
from src.reports.render import Renderer
from tests.support.document_checker import check_docx
from tests.support.templates import template_variables

KIND = GoalDocumentKind.GOAL_TABLE
GOAL_TABLE = TEMPLATE_DIR / "GOAL_TABLE.docx"
GRID_HEADER = [
    "一级指标",
    "二级指标",
    "三级指标",
    "指标性质",
    "指标值",
    "度量单位",
    "权重（分值）",
    "指标方向性",
]


def xml_parts(blob: bytes) -> dict[str, bytes]:
    """The XML parts (and relationships) of a .docx by name: what a review of the template shows."""
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.endswith((".xml", ".rels"))}


def text_of(element: BaseOxmlElement) -> str:
    return "".join(element.xpath(".//w:t/text()"))


def vertical_merge(tc: BaseOxmlElement) -> str | None:
    found = tc.xpath("./w:tcPr/w:vMerge")
    if not found:
        return None
    value = found[0].get(qn("w:val"))
    return "continue" if value is None else str(value)  # an absent w:val means continue


def grid_rows(table: Table) -> list[list[tuple[str, str | None]]]:
    """Each row's physical cells (w:tc, not python-docx's merged view) as (text, vMerge)."""
    return [[(text_of(tc), vertical_merge(tc)) for tc in tr.tc_lst] for tr in table._tbl.tr_lst]


def indicator_grid(document: Document) -> Table:
    grids = [t for t in document.tables if t.rows[0].cells[0].text == "一级指标"]
    assert len(grids) == 1
    return grids[0]


def row(level1: str, level2: str, level3: str, **extra: str) -> dict[str, str]:
    values = {"comparator": "≥", "target": "95", "unit": "%", "weight": "10", "direction": "正向"}
    return {
        "level1": level1,
        "level2": level2,
        "level3": level3,
        "kind": "定量",
        "handed_down": "",
        "note": "",
    } | (values | extra)


def render(context: dict[str, Any]) -> tuple[bytes, Document]:
    blob = Renderer().render(KIND, context)
    return blob, open_document(io.BytesIO(blob))


def paragraphs(document: Document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


# --- the committed templates --------------------------------------------------------------------------


@pytest.mark.parametrize("kind", sorted(TEMPLATES))
def test_committed_template_is_the_build_output(kind: str) -> None:
    committed = xml_parts((TEMPLATE_DIR / f"{kind}.docx").read_bytes())
    made = xml_parts(built(kind))
    assert {"word/document.xml", "word/styles.xml", "word/footer1.xml", "docProps/core.xml"} <= set(made)
    assert sorted(committed) == sorted(made)
    for name, xml in made.items():
        assert committed[name] == xml, f"{name} differs: run `uv run python -m report_templates.build`"


def test_build_is_deterministic() -> None:
    assert built("GOAL_TABLE") == built("GOAL_TABLE")
    properties = open_document(str(GOAL_TABLE)).core_properties
    assert properties.author == "fundperf"
    assert properties.created == properties.modified
    assert properties.created is not None and properties.created.year == 2026


def test_jinja_only_in_text() -> None:
    """Valid OOXML as it stands (it opens in Word): no Jinja in an attribute, where Word checks values such
    as w:vMerge's against the schema."""
    with zipfile.ZipFile(GOAL_TABLE) as archive:
        parts = [n for n in archive.namelist() if n.startswith("word/") and n.endswith(".xml")]
        for name in parts:
            root = ElementTree.fromstring(archive.read(name))
            values = [value for element in root.iter() for value in element.attrib.values()]
            assert not [value for value in values if "{%" in value or "{{" in value], name


def test_the_sample_context_fills_exactly_the_templates_variables() -> None:
    """The hand-made context the renders here use (bench/render.py) is a goal table's: the template's
    variables, no more. (That the goal table's builder gives exactly these is test_render.py's lint.)"""
    assert template_variables(GOAL_TABLE) == set(sample_context(3))


# --- rendering ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "context",
    [sample_context(3), sample_context(3, issued=False), sample_context(50, remarks=True), sample_context(0)],
    ids=["issued", "draft", "fifty-with-remarks", "no-indicators"],
)
def test_renders_pass_the_document_checker(context: dict[str, Any]) -> None:
    blob, _ = render(context)
    assert check_docx(blob, KIND, context) == []


def test_an_issued_table_reads_in_order() -> None:
    context = sample_context(3)
    _, document = render(context)
    texts = paragraphs(document)
    assert texts[:4] == ["四川省财政厅文件", "川财社〔2026〕12号", *context["title_lines"]]
    assert texts[4:7] == [context["recipients"], *context["body"]]
    assert texts[7:10] == ["一、基本情况", "二、预算情况（万元）", "三、绩效目标"]
    assert texts[10:] == ["四、绩效指标", "\t四川省财政厅", context["date"]]
    basic, budget, goals, grid = document.tables
    assert {r.cells[0].text: r.cells[1].text for r in basic.rows} == {
        "基金名称": "职工基本医疗保险（含生育保险）基金",
        "统筹地区": "四川省",
        "主管部门": "四川省医疗保障局",
        "经办机构（实施单位）": "四川省医疗保障事务中心",
        "会同编制": "国家税务总局四川省税务局",
        "目标期间": "2026年度",
        "目标状态": "已正式下达（第1版）",
    }
    assert [[c.text for c in r.cells] for r in budget.rows] == [
        ["预算口径：2026年度基金预算"] * 4,
        ["基金收入", "基金支出", "当年结余", "年末滚存结余"],
        ["12,345,678.90", "11,234,567.89", "1,111,111.01", "23,456,789.01"],
    ]
    assert [c.text for c in goals.rows[0].cells] == ["总体目标", "年度目标"]
    overall, annual = goals.rows[1].cells
    assert [p.text for p in overall.paragraphs] == context["overall_paragraphs"]
    assert [p.text for p in annual.paragraphs] == context["content_paragraphs"]
    assert "<w:br/>" not in str(document.element.xml)
    assert [c.text for c in grid.rows[0].cells] == GRID_HEADER


def test_a_draft_has_its_mark_and_no_letterhead() -> None:
    context = sample_context(3, issued=False)
    _, document = render(context)
    texts = paragraphs(document)
    assert texts[:3] == ["征求意见稿", *context["title_lines"]]
    assert not [t for t in texts if "文件" in t or "〔" in t]
    assert texts[-1] == "　　年　月　日"  # the 成文日期 to fill in at the issue


def test_a_goal_without_an_overall_goal_prints_its_own_text() -> None:
    context = sample_context(3) | {"overall_content": "", "overall_paragraphs": []}
    _, document = render(context)
    goals = document.tables[2]
    assert [c.text for c in goals.rows[0].cells] == ["绩效目标"]
    assert [p.text for p in goals.rows[1].cells[0].paragraphs] == context["content_paragraphs"]
    empty = context | {"content_paragraphs": [], "content": "—"}
    assert [p.text for p in render(empty)[1].tables[2].rows[1].cells[0].paragraphs] == ["—"]


def test_categories_merge_once_per_block() -> None:
    """A new 二级指标 under the same 一级指标 restarts only the second column; a new 一级指标 restarts
    both, even when the 二级指标 text repeats; the last row (which keeps with the 合计) merges alike."""
    rows = [
        row("产出指标", "数量指标", "甲"),
        row("产出指标", "质量指标", "乙"),
        row("产出指标", "质量指标", "丙"),
        row("效益指标", "质量指标", "丁"),
        row("效益指标", "质量指标", "戊"),
    ]
    _, document = render(sample_context(0) | {"rows": rows})
    grid = grid_rows(indicator_grid(document))
    assert [r[:3] for r in grid[1:6]] == [
        [("产出指标", "restart"), ("数量指标", "restart"), ("甲", None)],
        [("", "continue"), ("质量指标", "restart"), ("乙", None)],
        [("", "continue"), ("", "continue"), ("丙", None)],
        [("效益指标", "restart"), ("质量指标", "restart"), ("丁", None)],
        [("", "continue"), ("", "continue"), ("戊", None)],
    ]
    last, total = indicator_grid(document)._tbl.tr_lst[-2:]
    assert all(tc.xpath(".//w:keepNext") for tc in [*last.tc_lst, *total.tc_lst[1:]])
    assert [text_of(tc) for tc in total.tc_lst] == ["合计", "100", ""]
    assert [tc.grid_span for tc in total.tc_lst] == [6, 1, 1]


def test_remarks_are_a_column_only_where_a_row_carries_one() -> None:
    plain = [row("产出指标", "数量指标", "甲"), row("效益指标", "社会效益指标", "乙")]
    assert [c.text for c in indicator_grid(render(sample_context(0) | {"rows": plain})[1]).rows[0].cells] == (
        GRID_HEADER
    )
    marked = [plain[0] | {"handed_down": "省下达（川财社〔2026〕1号）", "note": "本级从严设定"}, plain[1]]
    grid = indicator_grid(render(sample_context(0) | {"rows": marked})[1])
    assert [c.text for c in grid.rows[0].cells] == [*GRID_HEADER, "备注"]
    assert [grid.rows[1].cells[-1].text, grid.rows[2].cells[-1].text] == [
        "省下达（川财社〔2026〕1号）；本级从严设定",
        "",
    ]


def test_art6_a_goal_handed_down_whole_says_so_once_under_the_grid() -> None:
    """Every row handed down by one document (a prefecture's goal as the province decomposed it): the mark is
    one line under the grid, not a 备注 column repeating it on every row; a note still gets the column."""
    mark = "省下达（川财社〔2026〕7号）"
    rows = [
        row("产出指标", "数量指标", "甲", handed_down=mark),
        row("效益指标", "社会效益指标", "乙", handed_down=mark),
    ]
    context = sample_context(0) | {"rows": rows, "handed_down_all": mark}
    blob, document = render(context)
    assert [c.text for c in indicator_grid(document).rows[0].cells] == GRID_HEADER
    assert [p for p in paragraphs(document) if mark in p] == [f"注：本表指标均为{mark}。"]
    assert check_docx(blob, KIND, context) == []
    noted = [rows[0] | {"note": "本级从严设定"}, rows[1]]
    grid = indicator_grid(render(context | {"rows": noted})[1])
    assert [c.text for c in grid.rows[0].cells] == [*GRID_HEADER, "备注"]
    assert [grid.rows[1].cells[-1].text, grid.rows[2].cells[-1].text] == ["本级从严设定", ""]


def test_columns_are_laid_out_by_their_content() -> None:
    """The grid keeps the 版心's width; 指标值 is as wide as its longest value (else its header), the text
    column takes what the others leave, and with texts too long for one line each, each column's share
    follows how much more its text wants."""
    short = [row("产出指标", "数量指标", "甲", target="95")]
    long = [row("产出指标", "数量指标", "甲", target="123,456,789,012.3456")]
    wordy = [row("产出指标", "数量指标", "很长的三级指标" * 4, handed_down="省下达（川财社〔2026〕1号）" * 2)]
    widths = {}
    for name, rows in (("short", short), ("long", long), ("wordy", wordy)):
        context = sample_context(0) | {"rows": rows}
        blob, document = render(context)
        grid = indicator_grid(document)._tbl
        widths[name] = [int(w) for w in grid.xpath("./w:tblGrid/w:gridCol/@w:w")]
        assert sum(widths[name]) == LANDSCAPE_TEXT_WIDTH
        assert check_docx(blob, KIND, context) == []
    header, value = width_of("指标值", GRID_SIZE), width_of("123,456,789,012.3456", GRID_SIZE, header=False)
    assert (widths["short"][4], widths["long"][4]) == (header, value)
    assert widths["short"][2] == max(widths["short"]) and widths["long"][2] == max(widths["long"])
    assert widths["wordy"][2] > widths["wordy"][8] > width_of("备注", GRID_SIZE)  # 28 : 24 characters


def test_template_path_is_the_renderers() -> None:
    """src/reports reads report_templates/<kind>.docx from the repository root."""
    assert Path(__file__).resolve().parents[2] / "report_templates" / "GOAL_TABLE.docx" == GOAL_TABLE
