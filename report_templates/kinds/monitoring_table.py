"""绩效运行监控表 (FORMS.md §3A, 财预〔2019〕136号's 项目支出绩效目标执行监控表 made a social-insurance
fund's, with 1-N月 as `period`): a landscape form (FORMS.md §8) of one goal and period, filled by the
agency. Not a 公文: no 版头 (a draft shows 草稿 top right), no 主送 or 版记; the 填报单位 signs and dates it.

Under the title: the 填报单位 and the unit of the amounts; the fund, its region, 主管部门 and 实施单位;
一、预算执行情况 (年初预算数, 调整后预算数, 1-N月执行数 and 执行率 per line, lit against the 序时进度);
二、年度总体目标 (the goal's text beside the period's progress); 三、绩效指标 as the form lists them —
一级, 二级, 三级指标, 年度指标值, 1-N月执行情况, 全年预计完成情况, 偏差原因分析 (经费保障, 制度保障,
人员保障, 硬件条件保障, 其他: ticked where a cause is given, its words in 备注), 完成目标可能性, 监控结果
(the light, its cell in its colour) and 备注 — categories merged once per block, the header over two rows
repeated on each page. Captions keep the tables apart (adjacent tables print as one).

Context: src/reports/contexts/monitoring_table.py.
"""

from docx import Document as new_document
from docx.document import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.shared import Twips

from report_templates.official.headers import Group, Label, header_width, two_row_header
from report_templates.official.letterhead import add_signature, tag
from report_templates.official.ooxml import set_properties
from report_templates.official.page import enable_odd_even_footers, set_up_section
from report_templates.official.styles import (
    DRAFT_MARK,
    GRID_CAPTION,
    GRID_HEAD,
    GRID_LEFT,
    GRID_TEXT,
    SIGNAL,
    TITLE,
    set_up_styles,
)
from report_templates.official.tables import (
    Column,
    GroupedGrid,
    add_table,
    fill,
    keep_row_together,
    keep_together,
    merge_across,
    tag_row,
    width_of,
)
from report_templates.official.units import GRID_SIZE, LANDSCAPE_TEXT_WIDTH

PERIOD = "{{ period }}"
BUDGET_HEAD = ("项目", "年初预算数", "调整后预算数", f"{PERIOD}执行数", f"{PERIOD}执行率", "监控结果")
BUDGET_CELLS = (
    "{{ b.label }}",
    "{{ b.initial }}",
    "{{ b.budget }}",
    "{{ b.executed }}",
    "{{ b.rate }}",
    "{{ b.light }}",
)
CAUSES = (("经费", "保障"), ("制度", "保障"), ("人员", "保障"), ("硬件", "条件", "保障"), ("其他",))
CAUSE_KEYS = ("funding", "system", "staffing", "hardware", "other")
# The indicator grid: its columns (the header the grid writes is replaced by the two-row one below).
GRID: tuple[Column, ...] = (
    Column("一级指标", "{{ r.level1 }}", GRID_TEXT, group="r.level1"),
    Column("二级指标", "{{ r.level2 }}", GRID_TEXT, group="r.level2"),
    Column("三级指标", "{{ r.level3 }}", GRID_LEFT),
    Column("年度指标值", "{{ r.target }}", GRID_TEXT, whole=True),
    Column("执行情况", "{{ r.actual }}", GRID_TEXT, whole=True),
    Column("全年预计完成情况", "{{ r.forecast }}", GRID_LEFT),
    *(Column(f"cause:{key}", f"{{{{ r.{key} }}}}", GRID_TEXT) for key in CAUSE_KEYS),
    Column("完成目标可能性", "{{ r.likelihood }}", GRID_TEXT, whole=True),
    Column("监控结果", "{{ r.light }}", SIGNAL, whole=True),
    Column("备注", "{{ r.remark }}", GRID_LEFT),
)
HEADS: tuple[Label | Group, ...] = (
    ("一级", "指标"),
    ("二级", "指标"),
    ("三级指标",),
    ("年度", "指标值"),
    (PERIOD, "执行情况"),
    ("全年预计", "完成情况"),
    Group("偏差原因分析", CAUSES),
    ("完成目标", "可能性"),
    ("监控", "结果"),
    ("备注",),
)
STRETCH = {"三级指标": 5, "备注": 4}  # how the text columns share what the others leave
PERIOD_WIDTH = "1-12月"  # the widest period a header holds


def _widths() -> list[int]:
    labels: list[Label] = []
    for head in HEADS:
        labels.extend(head.labels if isinstance(head, Group) else [head])
    widths = [
        header_width(tuple(line.replace(PERIOD, PERIOD_WIDTH) for line in label), GRID_SIZE)
        for label in labels
    ]
    widths[3] = max(widths[3], width_of("≥99,999万人", GRID_SIZE, header=False))
    widths[4] = max(widths[4], width_of("99,999.99万人", GRID_SIZE, header=False))
    widths[-2] = max(widths[-2], width_of("未填报", GRID_SIZE, header=False))
    stretch = [i for i, c in enumerate(GRID) if c.header in STRETCH]
    rest = LANDSCAPE_TEXT_WIDTH - sum(w for i, w in enumerate(widths) if i not in stretch)
    shares = sum(STRETCH.values())
    for i in stretch:
        widths[i] = rest * STRETCH[GRID[i].header] // shares
    widths[stretch[0]] += LANDSCAPE_TEXT_WIDTH - sum(widths)
    return widths


def _title(document: Document) -> None:
    tag(document, "if draft_mark")
    document.add_paragraph("{{ draft_mark }}", style=DRAFT_MARK)
    tag(document, "endif")
    tag(document, "for line in title_lines or [title]")
    document.add_paragraph("{{ line }}", style=TITLE)
    tag(document, "endfor")
    filler = document.add_paragraph("填报单位：{{ filler }}", style=GRID_LEFT)
    filler.paragraph_format.tab_stops.add_tab_stop(Twips(LANDSCAPE_TEXT_WIDTH), WD_TAB_ALIGNMENT.RIGHT)
    filler.add_run().add_tab()
    filler.add_run("金额单位：万元")
    filler.paragraph_format.keep_with_next = True


def _basic(document: Document) -> None:
    label = width_of("主管部门", GRID_SIZE)
    half = LANDSCAPE_TEXT_WIDTH // 2 - label
    table = add_table(document, 2, (label, half, label, LANDSCAPE_TEXT_WIDTH - 3 * label - half + label))
    cells = (
        ("基金名称", "{{ fund }}", "统筹地区", "{{ region }}"),
        ("主管部门", "{{ department }}", "实施单位", "{{ filler }}"),
    )
    for row, texts in zip(table.rows, cells, strict=True):
        keep_row_together(row)
        for cell, text, head in zip(row.cells, texts, (True, False, True, False), strict=True):
            fill(cell, text, GRID_HEAD if head else GRID_LEFT)
    keep_together(table)


def _budget(document: Document) -> None:
    """预算执行情况: a caption row with the 序时进度, the header, one row per line (a for-else row when
    there is nothing to show)."""
    widths = [width_of(h.replace(PERIOD, PERIOD_WIDTH), GRID_SIZE) for h in BUDGET_HEAD]
    widths[1:5] = [max(w, width_of("999,999,999.99", GRID_SIZE, header=False)) for w in widths[1:5]]
    widths[0] = LANDSCAPE_TEXT_WIDTH - sum(widths[1:])
    _caption(document, "一、预算执行情况（序时进度：{{ elapsed }}）")
    table = add_table(document, 6, widths)
    head, loop, data, otherwise, nothing, end = table.rows
    keep_row_together(head, header=True)
    for cell, text in zip(head.cells, BUDGET_HEAD, strict=True):
        fill(cell, text, GRID_HEAD)
    tag_row(loop, "{%tr for b in budget_rows %}", GRID_LEFT)
    keep_row_together(data)
    for index, (cell, text) in enumerate(zip(data.cells, BUDGET_CELLS, strict=True)):
        style = GRID_LEFT if index == 0 else SIGNAL if index == 5 else GRID_TEXT
        fill(cell, text, style, whole=index > 0)
    tag_row(otherwise, "{%tr else %}", GRID_LEFT)
    fill(merge_across(nothing, 0, len(widths) - 1), "本年度尚无基金预算和执行数据", GRID_LEFT)
    tag_row(end, "{%tr endfor %}", GRID_LEFT)
    keep_together(table, 1)


def _caption(document: Document, text: str) -> None:
    """A part's caption, which also keeps the tables apart (adjacent tables would print as one, and a
    grid's header would no longer repeat on its next page)."""
    document.add_paragraph(text, style=GRID_CAPTION).paragraph_format.keep_with_next = True


def _goal(document: Document) -> None:
    """年度总体目标: 年初设定目标 beside 1-N月执行情况, each the user's paragraphs."""
    _caption(document, "二、年度总体目标")
    half = LANDSCAPE_TEXT_WIDTH // 2
    table = add_table(document, 2, (half, LANDSCAPE_TEXT_WIDTH - half))
    head, body = table.rows
    keep_row_together(head)
    keep_row_together(body)
    fill(head.cells[0], "年初设定目标", GRID_HEAD)
    fill(head.cells[1], f"{PERIOD}执行情况", GRID_HEAD)
    for cell, loop in ((body.cells[0], "goal_paragraphs"), (body.cells[1], "progress_paragraphs")):
        fill(cell, f"{{%p for paragraph in {loop} %}}", GRID_LEFT)
        cell.add_paragraph("{{ paragraph }}", style=GRID_LEFT)
        cell.add_paragraph("{%p endfor %}", style=GRID_LEFT)
    keep_together(table, 1)


def _grid(document: Document) -> None:
    _caption(document, "三、绩效指标")
    # The last row keeps with the signature after it: the signature never starts a page alone.
    grid = GroupedGrid(GRID, "r in rows", GRID_HEAD, GRID_LEFT, keep_last=True)
    table = add_table(document, grid.row_count(), _widths())
    grid.fill(table)
    two_row_header(table, HEADS, GRID_HEAD)


def build() -> Document:
    document = new_document()
    set_up_styles(document)
    enable_odd_even_footers(document)
    set_up_section(document.sections[0], landscape=True)
    set_properties(document, "绩效运行监控表")
    _title(document)
    _basic(document)
    _budget(document)
    _goal(document)
    _grid(document)
    add_signature(document, LANDSCAPE_TEXT_WIDTH)
    return document
