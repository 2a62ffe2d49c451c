"""The document checker: what an official must find in every rendered document before signing it, checked
on the DOCX as rendered (python-docx and its XML); pdf_checker.py checks the PDF LibreOffice prints of it.

Each check returns the problems it finds as sentences ([] when there are none), so a test asserts
`check_docx(...) == []` and a failure says what is wrong. The checks are the same for every kind: they read
the shared 公文 parts (report_templates/official/: styles by role, sections, footers, 版记) and the context
keys every kind gives (issued, draft_mark, doc_number, date, title_lines, signer, printer, print_date); a
kind adds only which of its values must print whole (WHOLE_VALUES).

- page: every section A4, portrait or landscape, with the GB/T 9704 margins;
- grid: 22 lines of 28 characters (the line pitch and the tracked 3号 character fill the 版心 exactly);
- fonts by role: each paragraph in a style of the official set, each style in its role's face and size,
  no run naming a face or size of its own;
- tables: header rows on one line, whole values (WHOLE_VALUES) in columns wide enough for them;
- categories: a merged category column never shows the same category in two blocks;
- red only on issued documents (the 版头), the draft mark otherwise (none on a final unissued one);
- lights: a cell saying a light (红灯 …) shaded in its colour, no other cell shaded;
- number, title, signer and dates as the context says (a blank date to fill in before the issue);
- odd and even footers with the page number, right and left, turned on landscape pages; the 版记.

A form (FORMS: the 绩效运行监控表) is not a 公文: it is never issued, has no 主送 or 正文 and no 版记 (it
must have none); its 填报单位 signs and dates it. Its context has no keys for what it does not have.
"""

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement

from report_templates.official import styles as roles
from report_templates.official import units
from report_templates.official.letterhead import BLANK_DATE
from src.reports.fit import HEADER_SLACK_EM, SLACK_EM
from src.reports.signals import FILLS, signal_word
from tests.support.docx_reading import Rendered, cells, grid_columns, page_size, style_of, text_of

WPS = "http://schemas.microsoft.com/office/word/2010/wordprocessingShape"
DOC_NUMBER = re.compile(r"^\S+〔\d{4}〕[1-9]\d*号$")
RED = "FF0000"

# Each paragraph style of the official set, with its face and size (pt): fonts by role.
ROLES: dict[str, tuple[str, float]] = {
    **{roles.issuer_style(size): (units.XIAOBIAOSONG, size) for _, size in roles.ISSUER_SIZES},
    roles.DOC_NUMBER: (units.FANGSONG, units.BODY_SIZE),
    roles.DRAFT_MARK: (units.HEITI, units.BODY_SIZE),
    roles.TITLE: (units.XIAOBIAOSONG, units.TITLE_SIZE),
    roles.RECIPIENTS: (units.FANGSONG, units.BODY_SIZE),
    roles.BODY: (units.FANGSONG, units.BODY_SIZE),
    roles.SPACER: (units.FANGSONG, units.BODY_SIZE),
    roles.HEADING: (units.HEITI, units.BODY_SIZE),
    roles.HEADING_2: (units.KAITI, units.BODY_SIZE),
    roles.ATTACHMENT_FIRST: (units.FANGSONG, units.BODY_SIZE),
    roles.ATTACHMENT: (units.FANGSONG, units.BODY_SIZE),
    roles.SIGNER: (units.FANGSONG, units.BODY_SIZE),
    roles.DATE: (units.FANGSONG, units.BODY_SIZE),
    roles.IMPRINT: (units.FANGSONG, units.IMPRINT_SIZE),
    roles.PAGE_ODD: (units.SONGTI, units.PAGE_NUMBER_SIZE),
    roles.PAGE_EVEN: (units.SONGTI, units.PAGE_NUMBER_SIZE),
    "Footer": (units.SONGTI, units.PAGE_NUMBER_SIZE),
    roles.TABLE_HEAD: (units.HEITI, units.TABLE_SIZE),
    roles.TABLE_TEXT: (units.FANGSONG, units.TABLE_SIZE),
    roles.TABLE_LEFT: (units.FANGSONG, units.TABLE_SIZE),
    roles.GRID_HEAD: (units.HEITI, units.GRID_SIZE),
    roles.GRID_TEXT: (units.FANGSONG, units.GRID_SIZE),
    roles.GRID_LEFT: (units.FANGSONG, units.GRID_SIZE),
    roles.SIGNAL: (units.FANGSONG, units.GRID_SIZE),
    roles.GRID_CAPTION: (units.HEITI, units.GRID_SIZE),
}
PORTRAIT = (units.PAGE_WIDTH, units.PAGE_HEIGHT, units.MARGIN_TOP, units.MARGIN_BOTTOM)
PORTRAIT_SIDES = (units.MARGIN_LEFT, units.MARGIN_RIGHT)
LANDSCAPE = (units.PAGE_HEIGHT, units.PAGE_WIDTH, units.MARGIN_LEFT, units.MARGIN_RIGHT)
LANDSCAPE_SIDES = (units.MARGIN_BOTTOM, units.MARGIN_TOP)


def _goal_table_whole(context: Mapping[str, Any]) -> list[str]:
    budget = context["budget"]
    figures = [budget[k] for k in ("revenue", "expenditure", "current_balance", "accumulated_balance")]
    rows = context["rows"]
    return [*figures, *(r["target"] for r in rows), *(r["weight"] for r in rows), context["weight_total"]]


def _whole(*values: str) -> list[str]:
    return [v for v in values if v and v != "—"]


def _monitoring_table_whole(context: Mapping[str, Any]) -> list[str]:
    budget = [
        b[k] for b in context["budget_rows"] for k in ("initial", "budget", "executed", "rate", "light")
    ]
    rows = [r[k] for r in context["rows"] for k in ("target", "actual", "likelihood", "light")]
    return _whole(*budget, *rows)


def _monitoring_report_whole(context: Mapping[str, Any]) -> list[str]:
    rows = [r[k] for r in context["rows"] for k in ("target", "actual", "progress", "light")]
    budget = [b[k] for b in context["budget_rows"] for k in ("budget", "executed", "rate", "light")]
    warnings = [w[k] for w in context["warnings"] for k in ("period", "light", "deviation")]
    return _whole(*rows, *budget, *warnings)


def _monitoring_compilation_whole(context: Mapping[str, Any]) -> list[str]:
    keys = ("goal_light", "red", "yellow", "green", "blue", "spending", "execution_light", "warnings")
    return _whole(*(r[k] for r in context["rows"] for k in keys))


def _self_evaluation_form_whole(context: Mapping[str, Any]) -> list[str]:
    budget = [context["budget"][k] for k in ("initial", "budget", "executed", "points", "rate", "score")]
    rows = [r[k] for r in context["rows"] for k in ("target", "actual", "weight", "score")]
    totals = [context[k] for k in ("weight_total", "indicator_score", "total_score")]
    return _whole(*budget, *rows, *totals)


def _self_evaluation_report_whole(context: Mapping[str, Any]) -> list[str]:
    budget = [context["budget"][k] for k in ("initial", "budget", "executed", "rate", "points", "score")]
    rows = [r[k] for r in context["rows"] for k in ("target", "actual", "weight", "score")]
    return _whole(*budget, *rows, context["weight_total"], context["indicator_score"])


def _provincial_report_whole(context: Mapping[str, Any]) -> list[str]:
    budget = [context["budget"][k] for k in ("initial", "adjusted", "executed", "rate")]
    shortfalls = [s[k] for s in context["shortfalls"] for k in ("level1", "evaluated", "not_met")]
    results = [r[k] for r in context["results"] for k in ("index", "score", "grade", "rate", "late")]
    return _whole(*budget, *context["grade_counts"].values(), *shortfalls, *results)


def _provincial_summary_whole(context: Mapping[str, Any]) -> list[str]:
    keys = (
        "expected",
        "evaluated",
        "average",
        "excellent",
        "good",
        "fair",
        "poor",
        "below_pass",
        "rate",
        "report",
    )
    return _whole(*(f[k] for f in context["funds"] for k in keys))


# The values of each kind that must print whole, on one line (numbers with their separators, lights).
WHOLE_VALUES: dict[str, Callable[[Mapping[str, Any]], list[str]]] = {
    "GOAL_TABLE": _goal_table_whole,
    "MONITORING_TABLE": _monitoring_table_whole,
    "MONITORING_REPORT": _monitoring_report_whole,
    "MONITORING_COMPILATION": _monitoring_compilation_whole,
    "SELF_EVALUATION_FORM": _self_evaluation_form_whole,
    "SELF_EVALUATION_REPORT": _self_evaluation_report_whole,
    "PROVINCIAL_EVALUATION_REPORT": _provincial_report_whole,
    "PROVINCIAL_EVALUATION_SUMMARY": _provincial_summary_whole,
    "EVALUATION_FEEDBACK_LETTER": lambda context: [],  # a letter: no table, nothing but prose
    # The disclosure's targets, scores and grades (Art. 21).
    "PERFORMANCE_DISCLOSURE": lambda context: [
        *(r["target"] for f in context["goals"] for r in f["rows"]),
        *(v for r in context["results"] for v in (r["score"], r["grade"])),
    ],
    # The ranking: rank and total whole (a sub-score with its counts may wrap after its score).
    "ASSESSMENT_NOTICE": lambda context: _whole(*(r[k] for r in context["rows"] for k in ("rank", "total"))),
    # The 两书一函 (Art. 22): prose too (the 问题清单 and 约谈安排 are numbered paragraphs).
    "ESCALATION_REMINDER": lambda context: [],
    "ESCALATION_RECTIFICATION_NOTICE": lambda context: [],
    "ESCALATION_INTERVIEW_LETTER": lambda context: [],
}
# Kinds that are forms, not 公文 (see the module's description).
FORMS = frozenset({"MONITORING_TABLE", "SELF_EVALUATION_FORM"})
# Kinds in the 信函格式 (GB/T 9704 10.1: report_templates/official/letter_format.py): the issuers'
# names over a red double rule, another at the first page's foot, whose own footer has no page number;
# no 印发 lines.
LETTER_FORMAT = frozenset({"EVALUATION_FEEDBACK_LETTER", "ESCALATION_INTERVIEW_LETTER"})


def check_page(doc: Rendered) -> list[str]:
    problems = []
    for index, section in enumerate(doc.document.sections):
        sect = section._sectPr
        size = page_size(section)
        margins = tuple(int(sect.xpath(f"./w:pgMar/@w:{side}")[0]) for side in ("top", "bottom"))
        sides = tuple(int(sect.xpath(f"./w:pgMar/@w:{side}")[0]) for side in ("left", "right"))
        landscape = size[0] > size[1]
        expected, expected_sides = (LANDSCAPE, LANDSCAPE_SIDES) if landscape else (PORTRAIT, PORTRAIT_SIDES)
        if (*size, *margins) != expected or sides != expected_sides:
            problems.append(f"section {index + 1}: page {size}, margins {margins} {sides}, not GB/T 9704 A4")
        if landscape and sect.xpath("./w:pgSz/@w:orient") != ["landscape"]:
            problems.append(f"section {index + 1}: landscape size without orient=landscape")
        grid = sect.xpath("./w:docGrid")
        if not grid or (grid[0].get(qn("w:type")), grid[0].get(qn("w:linePitch"))) != (
            "lines",
            str(units.LINE),
        ):
            problems.append(f"section {index + 1}: no line grid of {units.LINE} twips")
    return problems


GRID_ROLES = (
    roles.BODY,
    roles.RECIPIENTS,
    roles.HEADING,
    roles.HEADING_2,
    roles.ATTACHMENT_FIRST,
    roles.ATTACHMENT,
    roles.TITLE,
    roles.SIGNER,
    roles.DATE,
    roles.SPACER,
)


def _line(doc: Rendered, style_id: str) -> tuple[str | None, int | None]:
    """A style's line spacing (rule, twips), following its bases."""
    style = doc.styles[style_id]
    while style is not None:
        found = style.element.xpath("./w:pPr/w:spacing[@w:line]")
        if found:
            return found[0].get(qn("w:lineRule")), int(found[0].get(qn("w:line")))
        style = style.base_style
    return None, None


def check_grid(doc: Rendered) -> list[str]:
    """22 lines × 28 characters of 3号 仿宋 fill the 版心 (GB/T 9704 4.2.3), by the styles' numbers: the
    tracked 3号 character of Normal, and the exact line of every style of the text."""
    normal = doc.styles["Normal"].element
    size = int(normal.xpath("./w:rPr/w:sz/@w:val")[0]) / 2
    tracking = int((normal.xpath("./w:rPr/w:spacing/@w:val") or ["0"])[0])
    advance = round(size * 20) + tracking
    problems = []
    if not advance * units.CHARS_PER_LINE <= units.TEXT_WIDTH < advance * (units.CHARS_PER_LINE + 1):
        problems.append(f"a 3号 character of {advance} twips does not give 28 a line in {units.TEXT_WIDTH}")
    if size != units.BODY_SIZE:
        problems.append(f"the body is {size} pt, not 3号")
    for name in ("Normal", *GRID_ROLES):
        rule, pitch = _line(doc, roles.style_id(name))
        if (
            rule != "exact"
            or pitch is None
            or not (pitch * units.LINES_PER_PAGE <= units.TEXT_HEIGHT < pitch * (units.LINES_PER_PAGE + 1))
        ):
            problems.append(f"{name}: a line of {pitch} twips ({rule}) does not give 22 lines a page")
    return problems


def _style_font(doc: Rendered, style_id: str) -> tuple[str | None, float | None]:
    style = doc.styles[style_id]
    face, size = None, None
    while style is not None and (face is None or size is None):
        fonts = style.element.xpath("./w:rPr/w:rFonts/@w:eastAsia")
        sizes = style.element.xpath("./w:rPr/w:sz/@w:val")
        face = face or (str(fonts[0]) if fonts else None)
        size = size or (int(sizes[0]) / 2 if sizes else None)
        style = style.base_style
    return face, size


def check_fonts(doc: Rendered) -> list[str]:
    """Fonts by role: every paragraph with text in a style of the official set, in its role's face and size;
    no run with a face or size of its own."""
    by_id = {roles.style_id(name): role for name, role in ROLES.items()}
    problems = []
    for style_id, (face, size) in by_id.items():
        if style_id in doc.styles and _style_font(doc, style_id) != (face, size):
            problems.append(f"style {style_id}: {_style_font(doc, style_id)}, not {face} {size} pt")
    for paragraph, style, text in doc.items:
        if text.strip() and style not in by_id:
            problems.append(f"{text[:20]!r} is in style {style}, not an official one")
        if paragraph.xpath("./w:r/w:rPr[w:rFonts or w:sz]"):
            problems.append(f"{text[:20]!r} has runs with their own face or size")
    return problems


def check_tables(doc: Rendered, whole: Sequence[str]) -> list[str]:
    """Header rows on one line; every cell holding a whole value (or marked noWrap) wide enough for it;
    tables kept apart (two tables with nothing between print as one, whose header no longer repeats)."""
    problems = [
        f"a table right after another (row 1: {text_of(tbl)[:12]!r}): they print as one"
        for tbl in doc.body.iter(qn("w:tbl"))
        if (before := tbl.getprevious()) is not None and before.tag == qn("w:tbl")
    ]
    wanted = set(whole)
    for tbl in doc.body.iter(qn("w:tbl")):
        widths = grid_columns(tbl)
        margins = sum(int(w) for w in tbl.xpath("./w:tblPr/w:tblCellMar/*/@w:w"))
        for tr in tbl.xpath("./w:tr"):
            header = bool(tr.xpath("./w:trPr/w:tblHeader"))
            for tc, column, span in cells(tr):
                text = text_of(tc)
                must = header or text in wanted or bool(tc.xpath("./w:tcPr/w:noWrap"))
                if not text or not must:
                    continue
                need = round(doc.measures.cell_width(tc, HEADER_SLACK_EM if header else SLACK_EM) * 20)
                if need + margins > sum(widths[column : column + span]):
                    what = "header" if header else "value"
                    problems.append(f"{what} {text!r} needs {need + margins} twips, its column has fewer")
    return problems


def check_categories(doc: Rendered) -> list[str]:
    """In each column of merged categories (w:vMerge), each category is one block: a category never starts
    a second block under the same parent category (the column before it, if merged too)."""
    problems = []
    for tbl in doc.body.iter(qn("w:tbl")):
        # A two-row header merges its cells too (a column's label over both rows): not a category.
        # Rows are named by their place in the table, header rows counted.
        trs = [(n, tr) for n, tr in enumerate(tbl.xpath("./w:tr"), 1) if not tr.xpath("./w:trPr/w:tblHeader")]
        rows = [{column: tc for tc, column, _ in cells(tr)} for _, tr in trs]
        merged = sorted({c for row in rows for c, tc in row.items() if tc.xpath("./w:tcPr/w:vMerge")})
        block: dict[int, int] = {}  # the block each merged column is in, on the current row
        seen: set[tuple[int, int, str]] = set()
        for number, row in enumerate(rows):
            for depth, column in enumerate(merged):
                tc = row.get(column)
                if tc is None:
                    continue
                merge = tc.xpath("./w:tcPr/w:vMerge")
                starts = not merge or merge[0].get(qn("w:val")) == "restart"
                if not starts:
                    continue
                block[column] = number
                parent = block.get(merged[depth - 1], -1) if depth else -1
                key = (column, parent, text_of(tc))
                if key in seen and text_of(tc):
                    problems.append(f"category {text_of(tc)!r} starts a second block (row {trs[number][0]})")
                seen.add(key)
                above = rows[number - 1].get(column) if number else None
                if not merge and above is not None and text_of(above) == text_of(tc):
                    problems.append(
                        f"category {text_of(tc)!r} repeated without merging (row {trs[number][0]})"
                    )
    return problems


_COLOR, _VAL = qn("w:color"), qn("w:val")


def _red(element: BaseOxmlElement) -> bool:
    """A colour (w:color's value, a border's colour) of pure red."""
    return RED in (element.get(_COLOR, "").upper(), element.get(_VAL, "").upper())


def check_red(doc: Rendered, context: Mapping[str, Any]) -> list[str]:
    """The red 版头 (issuer in red, the red rule under the number) only on an issued document; nothing red
    on a draft, which shows its draft mark instead."""
    red_parts = [e for part in (doc.body, *(f for _, _, f in doc.footers)) for e in part.iter() if _red(e)]
    used = {style for _, style, text in doc.items if text}
    red_used = sorted(
        s for s in used if s in doc.styles and any(_red(e) for e in doc.styles[s].element.iter())
    )
    problems = []
    if context["issued"]:
        if not any(sid.startswith(roles.style_id(roles.ISSUER)) for sid in red_used):
            problems.append("issued, but no 发文机关标志 in red")
        if doc.by_style(roles.DRAFT_MARK):
            problems.append("issued, but it carries a draft mark")
    else:
        if red_parts or red_used:
            problems.append(f"not issued, but red is used ({red_used or 'direct colour'})")
        marks = [mark for mark in doc.by_style(roles.DRAFT_MARK) if mark]
        if marks != ([context["draft_mark"]] if context["draft_mark"] else []):
            problems.append(f"not issued, draft mark {marks} ≠ {context['draft_mark']!r}")
    return problems


def check_signals(doc: Rendered) -> list[str]:
    """A cell saying a light is shaded in its colour (one without a colour, 未填报, unshaded); no other cell
    is shaded."""
    problems = []
    for tc in doc.body.iter(qn("w:tc")):
        fills = [f for f in tc.xpath("./w:tcPr/w:shd/@w:fill") if f.upper() not in ("AUTO", "FFFFFF")]
        word = signal_word(tc)
        wanted = FILLS.get(word) if word is not None else None
        if [f.upper() for f in fills] != ([wanted] if wanted else []):
            problems.append(f"cell {text_of(tc)[:10]!r} is shaded {fills}, not {wanted or 'unshaded'}")
    return problems


def check_number_and_dates(doc: Rendered, context: Mapping[str, Any], form: bool = False) -> list[str]:
    problems = []
    numbers = doc.by_style(roles.DOC_NUMBER)
    if context["issued"]:
        if numbers != [context["doc_number"]] or not DOC_NUMBER.match(context["doc_number"]):
            problems.append(f"发文字号 {numbers} ≠ {context['doc_number']!r} (or not 机关代字〔年份〕序号号)")
    elif numbers:
        problems.append(f"not issued, but a document number prints: {numbers}")
    if doc.by_style(roles.TITLE) != list(context["title_lines"] or [context["title"]]):
        problems.append(f"title {doc.by_style(roles.TITLE)} ≠ {context['title_lines']}")
    signers = context.get("signers") or [context["signer"]]  # joint signatures: one a line
    if [s.strip() for s in doc.by_style(roles.SIGNER)] != signers:
        problems.append(f"signers {doc.by_style(roles.SIGNER)} ≠ {signers!r}")
    if doc.by_style(roles.DATE) != [context["date"] or BLANK_DATE]:
        problems.append(f"成文日期 {doc.by_style(roles.DATE)} ≠ {context['date'] or BLANK_DATE!r}")
    if not form and "printer" in context:  # a 信函格式 letter has no 印发 lines
        printed = f"{context['printer']}{context['print_date'] or BLANK_DATE}印发"
        if any(text != printed for text in doc.by_style(roles.IMPRINT) if "印发" in text):
            problems.append(f"印发 line ≠ {printed!r}")
    return problems


def check_footers(doc: Rendered, form: bool = False, letter: bool = False) -> list[str]:
    """Different odd and even footers in every section, each with a PAGE field: portrait in the odd and
    even page number styles, landscape in a text box turned a quarter (vert); the 版记 (none on a form).
    A 信函格式 `letter` has a first page footer of its own, without a page number, and no 印发 lines."""
    problems = []
    if not doc.document.settings.odd_and_even_pages_header_footer:
        problems.append("settings: no evenAndOddHeaders")
    for index, section in enumerate(doc.document.sections):
        types = sorted(section._sectPr.xpath("./w:footerReference/@w:type"))
        wanted = ["default", "even", "first"] if letter and index == 0 else ["default", "even"]
        if types != wanted:
            problems.append(f"section {index + 1}: footers {types}, not {wanted}")
    if letter:
        first = doc.document.sections[0].first_page_footer._element
        if " PAGE " in "".join(first.xpath(".//w:fldSimple/@w:instr")):
            problems.append("信函格式: a page number on the first page")
        if any("印发" in text for _, _, text in doc.items):
            problems.append("信函格式: 印发 lines printed")
        return problems
    for index, kind, footer in doc.footers:
        style = roles.style_id(roles.PAGE_ODD if kind == "odd" else roles.PAGE_EVEN)
        numbers = [p for p in footer.iter(qn("w:p")) if style_of(p) == style]
        fields = [p for p in numbers if " PAGE " in "".join(p.xpath(".//w:fldSimple/@w:instr"))]
        if len(fields) != 1 or text_of(fields[0]) != "— 1 —":
            problems.append(f"section {index + 1}, {kind} footer: no page number — n — in {style}")
        boxes = footer.findall(f".//{{{WPS}}}bodyPr")
        width, height = page_size(doc.document.sections[index])
        landscape = width > height
        if landscape and [b.get("vert") for b in boxes] != ["vert"]:
            problems.append(f"section {index + 1}, {kind} footer: the landscape page number is not turned")
    if form and any(doc.by_style(roles.IMPRINT)):
        problems.append("a form with a 版记")
    if not form and not any(doc.by_style(roles.IMPRINT)):
        problems.append("no 版记 (印发机关和印发日期)")
    return problems


def with_defaults(context: Mapping[str, Any]) -> dict[str, Any]:
    """The context with what a form's lacks (it is never issued, has no number, 主送, 正文 or 抄送)."""
    return {"issued": False, "doc_number": "", "recipients": "", "body": [], "cc": "", **context}


def check_docx(blob: bytes, kind: str, context: Mapping[str, Any]) -> list[str]:
    """Every check above on a rendered document of `kind` made from `context`."""
    doc = Rendered(blob)
    form = kind in FORMS
    context = with_defaults(context)
    whole = WHOLE_VALUES[kind](context)
    return [
        *check_page(doc),
        *check_grid(doc),
        *check_fonts(doc),
        *check_tables(doc, whole),
        *check_categories(doc),
        *check_red(doc, context),
        *check_signals(doc),
        *check_number_and_dates(doc, context, form),
        *check_footers(doc, form, kind in LETTER_FORMAT),
    ]
