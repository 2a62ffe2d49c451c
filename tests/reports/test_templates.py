"""report_templates/GOAL_TABLE.docx (绩效目标表, FORMS.md §1D): the committed file is what build.py makes;
GB/T 9704 page and fonts; a sample context with the template's variables; and a render whose indicator grid
merges consecutive equal categories."""

import io
import zipfile
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from docx import Document as open_document
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Length
from docx.styles.style import ParagraphStyle
from docx.table import Table
from docx.text.paragraph import Paragraph
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from report_templates.build import TEMPLATE_DIR, build_goal_table, docx_bytes
from tests.support.templates import template_variables

GOAL_TABLE = TEMPLATE_DIR / "GOAL_TABLE.docx"
GRID_HEADER = ["一级指标", "二级指标", "三级指标", "指标性质", "指标值", "度量单位", "权重（分值）", "备注"]


def xml_parts(blob: bytes) -> dict[str, bytes]:
    """The XML parts (and relationships) of a .docx by name: what a review of the template shows."""
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        return {name: archive.read(name) for name in archive.namelist() if name.endswith((".xml", ".rels"))}


def committed() -> Document:
    opened: Document = open_document(str(GOAL_TABLE))
    return opened


def style_of(paragraph: Paragraph) -> ParagraphStyle:
    style = paragraph.style
    assert style is not None
    return style


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


def east_asian_font(document: Document, style: str) -> str | None:
    fonts = document.styles[style].element.rPr.rFonts
    return None if fonts is None else fonts.get(qn("w:eastAsia"))


def row(level1: str, level2: str, level3: str, target: str, weight: str) -> dict[str, str]:
    return {
        "level1": level1,
        "level2": level2,
        "level3": level3,
        "comparator": "≥",
        "target": target,
        "unit": "%",
        "weight": weight,
        "note": "定量指标",
    }


def sample_context(rows: list[dict[str, str]]) -> dict[str, Any]:
    return {
        "issuer": "四川省财政厅",
        "doc_number": "川财社〔2026〕12号",
        "title": "四川省2026年职工基本医疗保险（含生育保险）基金预算绩效年度目标表",
        "fund": "职工基本医疗保险（含生育保险）基金",
        "region": "四川省",
        "administration": "医疗保障部门",
        "drafter": "四川省医疗保障事务中心",
        "co_drafter": "国家税务总局四川省税务局",
        "period": "2026年度",
        "status": "已下达",
        "version": "2",
        "budget": {
            "revenue": "1,234.56",
            "expenditure": "1,000.00",
            "current_balance": "234.56",
            "accumulated_balance": "5,000.00",
        },
        "content": "参保扩面 A<B & C\n待遇按时足额发放",
        "rows": rows,
        "weight_total": "50",
        "date": "2026年11月27日",
    }


THREE_ROWS = [
    row("产出指标", "数量指标", "参保人数", "95", "20"),
    row("产出指标", "数量指标", "待遇享受人次", "100", "20"),
    row("效益指标", "社会效益指标", "待遇按时足额发放率", "100", "10"),
]


def render(context: dict[str, Any]) -> tuple[Document, str]:
    """Renders the committed template as src/reports renders: a sandbox, autoescape, strict undefined."""
    template = DocxTemplate(GOAL_TABLE)
    environment = SandboxedEnvironment(autoescape=True, undefined=StrictUndefined)
    template.render(context, jinja_env=environment, autoescape=True)
    out = io.BytesIO()
    template.save(out)
    blob = out.getvalue()
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        body = archive.read("word/document.xml").decode()
    return open_document(io.BytesIO(blob)), body


# --- the committed template ---------------------------------------------------------------------------


def test_committed_template_is_the_build_output() -> None:
    committed = xml_parts(GOAL_TABLE.read_bytes())
    built = xml_parts(docx_bytes(build_goal_table()))
    assert {"word/document.xml", "word/styles.xml", "word/footer1.xml", "docProps/core.xml"} <= set(built)
    assert sorted(committed) == sorted(built)
    for name, xml in built.items():
        assert committed[name] == xml, f"{name} differs: run `uv run python -m report_templates.build`"


def test_build_is_deterministic() -> None:
    assert docx_bytes(build_goal_table()) == docx_bytes(build_goal_table())
    properties = committed().core_properties
    assert properties.author == "fundperf"
    assert properties.created == properties.modified
    assert properties.created is not None and properties.created.year == 2026


# --- GB/T 9704 page and fonts -------------------------------------------------------------------------


def assert_mm(length: Length | None, mm: float) -> None:
    assert length is not None
    assert abs(length.mm - mm) <= 0.5, (length.mm, mm)


def test_page_is_gb_t_9704_a4() -> None:
    section = committed().sections[0]
    assert_mm(section.page_width, 210)
    assert_mm(section.page_height, 297)
    assert_mm(section.top_margin, 37)
    assert_mm(section.bottom_margin, 35)
    assert_mm(section.left_margin, 28)
    assert_mm(section.right_margin, 26)


def test_fonts_sizes_and_line_pitch() -> None:
    document = committed()
    normal = document.styles["Normal"]
    assert east_asian_font(document, "Normal") == "仿宋_GB2312"
    fonts = normal.element.rPr.rFonts
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "仿宋_GB2312"
    assert normal.font.size.pt == 16  # 3号
    assert normal.paragraph_format.line_spacing.pt == pytest.approx(28.9)  # exactly: 22 lines a page
    defaults = document.styles.element.xpath("./w:docDefaults/w:rPrDefault/w:rPr")[0]
    assert defaults.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
    assert defaults.xpath("./w:lang/@w:eastAsia") == ["zh-CN"]

    by_text = {p.text: p for p in document.paragraphs}
    title = style_of(by_text["{{ title }}"])
    assert east_asian_font(document, title.name) == "方正小标宋简体"
    assert title.font.size.pt == 22  # 2号
    assert title.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert east_asian_font(document, style_of(by_text["一、基本情况"]).name) == "黑体"
    assert east_asian_font(document, style_of(by_text["{{ content }}"]).name) == "仿宋_GB2312"
    assert east_asian_font(document, "Footer") == "宋体"


def test_page_number_footer() -> None:
    footer = committed().sections[0].footer
    paragraph = footer.paragraphs[0]
    style = style_of(paragraph)
    assert style.name == "Footer" and style.paragraph_format.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert style.font.size.pt == 14  # 4号
    fields = paragraph._p.xpath("./w:fldSimple/@w:instr")
    assert [field.strip() for field in fields] == ["PAGE"]
    assert text_of(paragraph._p) == "— 1 —"


def test_tables_fit_the_text_width() -> None:
    document = committed()
    assert len(document.tables) == 3
    for table in document.tables:
        tbl = table._tbl
        widths = [int(w) for w in tbl.xpath("./w:tblGrid/w:gridCol/@w:w")]
        assert_mm(Length(sum(widths) * 635), 156)
        assert tbl.xpath("./w:tblPr/w:tblLayout/@w:type") == ["fixed"]
        for tr in tbl.tr_lst:
            column = 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                assert int(tc.xpath("./w:tcPr/w:tcW/@w:w")[0]) == sum(widths[column : column + span])
                column += span
            assert column == len(widths)
    assert [cell.text for cell in indicator_grid(document).rows[0].cells] == GRID_HEADER


def test_jinja_only_in_text() -> None:
    """The template is valid OOXML as it stands (it opens in Word): no Jinja in an attribute, where Word
    checks values such as w:vMerge's against the schema."""
    with zipfile.ZipFile(GOAL_TABLE) as archive:
        document = ElementTree.fromstring(archive.read("word/document.xml"))
    values = [value for element in document.iter() for value in element.attrib.values()]
    assert not [value for value in values if "{%" in value or "{{" in value]


def test_the_sample_context_fills_exactly_the_templates_variables() -> None:
    """The hand-written context the renders below use is a goal table's: the template's variables, no more.
    (That the goal table's builder gives exactly these is the lint of every kind, test_render.py.)"""
    assert template_variables(GOAL_TABLE) == set(sample_context(THREE_ROWS))


# --- rendering ----------------------------------------------------------------------------------------


def test_render_fills_every_field() -> None:
    document, body = render(sample_context(THREE_ROWS))
    assert "{{" not in body and "{%" not in body
    texts = [p.text for p in document.paragraphs]
    assert texts[:3] == [
        "四川省财政厅",
        "川财社〔2026〕12号",
        "四川省2026年职工基本医疗保险（含生育保险）基金预算绩效年度目标表",
    ]
    assert "参保扩面 A<B & C\n待遇按时足额发放" in texts  # escaped, and the line break kept (w:br)
    assert texts[-2:] == ["编制单位：四川省医疗保障事务中心", "2026年11月27日"]

    header, budget, _ = document.tables
    assert {r.cells[0].text: r.cells[1].text for r in header.rows} == {
        "基金名称": "职工基本医疗保险（含生育保险）基金",
        "统筹地区": "四川省",
        "主管部门": "医疗保障部门",
        "经办机构（实施单位）": "四川省医疗保障事务中心",
        "会同编制": "国家税务总局四川省税务局",
        "目标期间": "2026年度",
        "目标状态": "已下达（第2版）",
    }
    assert [[c.text for c in r.cells] for r in budget.rows] == [
        ["基金收入", "基金支出", "当年结余", "年末滚存结余"],
        ["1,234.56", "1,000.00", "234.56", "5,000.00"],
    ]


def test_render_grid_merges_equal_categories() -> None:
    document, _ = render(sample_context(THREE_ROWS))
    grid = indicator_grid(document)
    rows = grid_rows(grid)
    assert len(rows) == 1 + 3 + 1  # header, one row per indicator, total
    assert [text for text, _ in rows[0]] == GRID_HEADER
    # 一级指标: 产出指标 over the first two rows, then 效益指标; 二级指标 likewise.
    assert [r[0] for r in rows[1:4]] == [("产出指标", "restart"), ("", "continue"), ("效益指标", "restart")]
    level2 = [("数量指标", "restart"), ("", "continue"), ("社会效益指标", "restart")]
    assert [r[1] for r in rows[1:4]] == level2
    assert [[text for text, _ in r[2:]] for r in rows[1:4]] == [
        ["参保人数", "≥", "95", "%", "20", "定量指标"],
        ["待遇享受人次", "≥", "100", "%", "20", "定量指标"],
        ["待遇按时足额发放率", "≥", "100", "%", "10", "定量指标"],
    ]
    assert all(merge is None for r in rows[1:4] for _, merge in r[2:])
    total = grid._tbl.tr_lst[-1].tc_lst
    assert [text for text, _ in rows[-1]] == ["合计", "50", ""]
    assert [tc.grid_span for tc in total] == [6, 1, 1]
    # python-docx's merged view: the continued cell reads as the one it continues.
    assert grid.rows[2].cells[0].text == "产出指标"


def test_render_grid_merge_variants() -> None:
    """A new 二级指标 under the same 一级指标 restarts only the second column; a new 一级指标 restarts
    both, even when the 二级指标 text repeats."""
    rows = [
        row("产出指标", "数量指标", "甲", "1", "10"),
        row("产出指标", "质量指标", "乙", "2", "10"),
        row("产出指标", "质量指标", "丙", "3", "10"),
        row("效益指标", "质量指标", "丁", "4", "10"),
    ]
    document, _ = render(sample_context(rows))
    grid = grid_rows(indicator_grid(document))
    assert [r[:3] for r in grid[1:5]] == [
        [("产出指标", "restart"), ("数量指标", "restart"), ("甲", None)],
        [("", "continue"), ("质量指标", "restart"), ("乙", None)],
        [("", "continue"), ("", "continue"), ("丙", None)],
        [("效益指标", "restart"), ("质量指标", "restart"), ("丁", None)],
    ]


def test_render_without_indicators() -> None:
    document, body = render(sample_context([]))
    assert "{{" not in body and "{%" not in body
    rows = grid_rows(indicator_grid(document))
    assert [[text for text, _ in r] for r in rows] == [GRID_HEADER, ["合计", "50", ""]]


def test_template_path_is_the_renderers() -> None:
    """src/reports reads report_templates/<kind>.docx from the repository root."""
    assert Path(__file__).resolve().parents[2] / "report_templates" / "GOAL_TABLE.docx" == GOAL_TABLE
