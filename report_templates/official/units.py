"""GB/T 9704-2012 (FORMS.md §5) in the units of the .docx: twips (1/20 pt, 1 mm = 56.69 twips), points and
the official faces by name.

A4 portrait; 天头 37 mm, 订口 28 mm, 版心 156 mm × 225 mm, so the bottom margin is 35 mm and the right 26 mm.
The 版心 holds 22 lines of 28 characters of 3号 (16 pt): a line is 579 twips (22 × 579 ≤ 225 mm < 23 × 579),
and a character is 16 pt less 0.25 pt of tracking, 315 twips (28 × 315 ≤ 156 mm < 29 × 315): at its full
16 pt only 27 fit, since 28 × 16 pt is 158 mm. Word's character grid (docGrid linesAndChars) would squeeze
them the same way, but LibreOffice lays a 16 pt character on two cells of a grid narrower than 16 pt (a line
of 14), so the squeeze is the tracking and the grid counts lines only.

A landscape page (FORMS.md §8) is the same sheet turned: its 版心 is 225 mm × 156 mm, the 订口 side at its
top, and its page number stays where the portrait pages have theirs (page.py).
"""

from pathlib import Path

from docx.shared import RGBColor

TEMPLATE_DIR = Path(__file__).resolve().parents[1]  # report_templates/

TWIPS_PER_MM = 1440 / 25.4


def mm(value: float) -> int:
    """Millimetres as whole twips."""
    return round(value * TWIPS_PER_MM)


PAGE_WIDTH, PAGE_HEIGHT = 11906, 16838  # A4, 210 mm × 297 mm
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 2098, 1984, 1588, 1474  # 37, 35, 28, 26 mm
TEXT_WIDTH = PAGE_WIDTH - MARGIN_LEFT - MARGIN_RIGHT  # 8844 twips = 156 mm
TEXT_HEIGHT = PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM  # 12756 twips = 225 mm
LANDSCAPE_TEXT_WIDTH = TEXT_HEIGHT  # the turned sheet: 225 mm across
LANDSCAPE_TEXT_HEIGHT = TEXT_WIDTH  # and 156 mm down

LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
LINE = 579  # twips: exactly 28.95 pt, one line of the 版心
BODY_SIZE = 16.0  # 3号, pt
TRACKING = -5  # twentieths of a point: -0.25 pt between 3号 characters
CHAR = round(BODY_SIZE * 20) + TRACKING  # 315 twips: one 3号 character (空二字 = 2 × CHAR)

TITLE_SIZE = 22.0  # 2号 小标宋
PAGE_NUMBER_SIZE = 14.0  # 4号 半角宋体
IMPRINT_SIZE = 14.0  # 4号 仿宋: 抄送, 印发机关和印发日期 (版记)
SMALL_CHAR = round(PAGE_NUMBER_SIZE * 20)  # 280 twips: one 4号 character (页码, 版记: 空一字)
TABLE_SIZE = 12.0  # 小4号: the tables of the portrait pages
GRID_SIZE = 10.5  # 5号: the indicator grid of the landscape pages
TABLE_LINE = 360  # exactly 18 pt inside tables of 小4号
GRID_LINE = 315  # exactly 15.75 pt inside the grid of 5号
CELL_MARGIN = 57  # 1 mm left and right inside cells

# 版头 (7.2): the 发文机关标志's top 35 mm below the 版心's, the 发文字号 two lines under it, the red
# rule 4 mm under the number; the title two lines under the rule, the 主送机关 one line under the title.
ISSUER_DROP = mm(35)
RULE_GAP = 11  # points between the number and the red rule (4 mm)
# 页码 (7.5): its 一字线 7 mm under the 版心; 版记 (7.4): rules 0.35 mm (first and last) and 0.25 mm between.
PAGE_NUMBER_DROP = mm(7)
THICK_RULE, THIN_RULE = 8, 6  # w:sz, eighths of a point: 1 pt ≈ 0.35 mm, 0.75 pt ≈ 0.26 mm

FANGSONG = "仿宋_GB2312"
XIAOBIAOSONG = "方正小标宋简体"
HEITI = "黑体"
KAITI = "楷体_GB2312"
SONGTI = "宋体"
RED = RGBColor(0xFF, 0x00, 0x00)
