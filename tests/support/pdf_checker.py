"""The document checker on the PDF LibreOffice prints (document_checker.py checks the DOCX): what the page
shows, read back with poppler-utils — the words and their boxes (pdftotext -bbox-layout), the embedded
fonts (pdffonts), the pixels (pdftoppm).

- pages A4, portrait or landscape; the official faces embedded (FandolFang for 仿宋, FandolSong Bold for
  the title, FandolHei for 黑体, Noto Serif CJK for the 宋体 page numbers);
- the 正文 on the grid: lines 28.95 pt apart and characters 15.75 pt apart, so 22 lines of 28 characters;
- every whole value (numbers) printed on one line, never broken;
- red on the first page's 版头 of an issued document only, none anywhere on a draft (but in the cells of
  red lights, red by design);
- the number, the dates and the draft mark as the context says; each title line on one line;
- page numbers 1, 2, … in order, odd right and even left one character in, 7 mm under the 版心, turned
  on landscape pages at the upright sheet's foot; the 版记 at the foot of the last page, its rules there.
"""

import itertools
import subprocess
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lxml import etree

from report_templates.official import units
from report_templates.official.letterhead import BLANK_DATE
from tests.support.document_checker import FORMS, LETTER_FORMAT, WHOLE_VALUES, with_defaults

PT_PER_MM = 72 / 25.4
TOP, LEFT = 37 * PT_PER_MM, 28 * PT_PER_MM  # the 版心's edges on a portrait page (pt)
TEXT_W, TEXT_H = 156 * PT_PER_MM, 225 * PT_PER_MM
LINE_PT, CHAR_PT = units.LINE / 20, units.CHAR / 20
SMALL_CHAR_PT = units.SMALL_CHAR / 20
NUMBER_DROP_PT = 7 * PT_PER_MM
FACES = ("FandolFang", "FandolSong-Bold", "FandolHei", "NotoSerifCJK")


@dataclass(frozen=True)
class Box:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass(frozen=True)
class Page:
    width: float
    height: float
    lines: list[list[Box]]  # each line's words

    @property
    def landscape(self) -> bool:
        return self.width > self.height

    def line_texts(self) -> list[str]:
        return ["".join(w.text for w in line) for line in self.lines]


def _run(*command: str) -> str:
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def _corners(word: etree._Element) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = (float(word.get(k) or 0) for k in ("xMin", "yMin", "xMax", "yMax"))
    return x0, y0, x1, y1


def read_pages(pdf: Path) -> list[Page]:
    """Each page's lines of words with their boxes (points from the top left)."""
    root = etree.fromstring(_run("pdftotext", "-bbox-layout", str(pdf), "-").encode())
    pages = []
    for page in root.iter("{*}page"):
        lines = []
        for line in page.iter("{*}line"):
            words = [Box(*_corners(w), w.text or "") for w in line]
            lines.append(words)
        pages.append(Page(float(page.get("width") or 0), float(page.get("height") or 0), lines))
    return pages


def _pixels(pdf: Path, page: int, dpi: int, colour: bool) -> tuple[int, int, bytes]:
    """A page as raw pixels (PPM: RGB, PGM: grey), with its width and height."""
    out = pdf.with_name(f"{pdf.stem}-p{page}-{dpi}")
    mode = [] if colour else ["-gray"]
    subprocess.run(["pdftoppm", "-r", str(dpi), *mode, "-f", str(page), "-l", str(page), "-singlefile",
                    str(pdf), str(out)], check=True)  # fmt: skip
    data = out.with_suffix(".ppm" if colour else ".pgm").read_bytes()
    _magic, size, _depth, pixels = data.split(b"\n", 3)
    width, height = map(int, size.split())
    return width, height, pixels


RED_LIGHT = "红灯"  # a signal cell's word (src/reports/signals.py): its cell is red by design


def _components(red: set[tuple[int, int]]) -> list[set[tuple[int, int]]]:
    """The red pixels in 4-connected groups."""
    groups, left = [], set(red)
    while left:
        group, todo = set(), [left.pop()]
        while todo:
            x, y = todo.pop()
            group.add((x, y))
            for near in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if near in left:
                    left.remove(near)
                    todo.append(near)
        groups.append(group)
    return groups


def red_pixels(pdf: Path, page: int, lights: Sequence[tuple[float, float]] = ()) -> int:
    """Pixels of a page that are clearly red (at 36 dpi a red character of 3号 shows), but for the cells of
    red lights: the red area around each of `lights` (the centres, in points, of the words 红灯), and
    whatever lies within its bounds (the word's own edges)."""
    dpi = 36
    width, height, pixels = _pixels(pdf, page, dpi, colour=True)
    size = width * height * 3
    channels = zip(pixels[0:size:3], pixels[1:size:3], pixels[2:size:3], strict=True)
    red = {(i % width, i // width) for i, (r, g, b) in enumerate(channels) if r > 160 and r - max(g, b) > 80}
    centres = [(x * dpi / 72, y * dpi / 72) for x, y in lights]
    for group in _components(red) if centres else ():
        xs, ys = [x for x, _ in group], [y for _, y in group]
        box = (min(xs), min(ys), max(xs), max(ys))
        if any(box[0] <= x <= box[2] and box[1] <= y <= box[3] for x, y in centres):
            red = {(x, y) for x, y in red if not (box[0] <= x <= box[2] and box[1] <= y <= box[3])}
    return len(red)


def light_centres(page: Page) -> list[tuple[float, float]]:
    return [
        ((w.x0 + w.x1) / 2, (w.y0 + w.y1) / 2) for line in page.lines for w in line if w.text == RED_LIGHT
    ]


def rules(pdf: Path, page: int) -> list[float]:
    """The heights (pt from the top) of dark horizontal lines as wide as most of the 版心."""
    dpi = 144
    width, height, pixels = _pixels(pdf, page, dpi, colour=False)
    found = []
    for y in range(height):
        row = pixels[y * width : (y + 1) * width]
        if sum(1 for b in row if b < 128) > 0.8 * TEXT_W * dpi / 72:
            found.append(y * 72 / dpi)
    return found


def check_faces(pdf: Path) -> list[str]:
    listed = _run("pdffonts", str(pdf))
    return [f"face {face} is not embedded" for face in FACES if face not in listed]


def check_pages(pages: Sequence[Page]) -> list[str]:
    a4 = (595.3, 841.9)
    return [
        f"page {i + 1} is {p.width:.0f} × {p.height:.0f} pt, not A4"
        for i, p in enumerate(pages)
        if sorted((round(p.width, 1), round(p.height, 1))) != sorted(a4)
    ]


def check_grid(pages: Sequence[Page], context: Mapping[str, Any]) -> list[str]:
    """The 正文's lines 28.95 pt apart, and its full lines of Chinese (from the 版心's left edge or its
    indent to its right edge) hold 28 characters: 22 lines of 28 characters (GB/T 9704 4.2.3)."""
    texts = [t for t in (context["recipients"], *context["body"]) if t]
    if not texts:
        return []  # a form: no 正文 to measure
    lines = [line for page in pages[:2] for line in page.lines if line and line[0].x0 < LEFT + 3 * CHAR_PT]
    problems, full, pitches = [], 0, []
    for above, line in itertools.pairwise(lines):
        text = "".join(w.text for w in line)
        if not any(text in t for t in texts) or len(text) < 4:
            continue
        step = line[0].y0 - above[0].y0
        if "".join(w.text for w in above) in "".join(texts) and 0 < step < 1.5 * LINE_PT:
            pitches.append(step)
    for line in lines:
        text = "".join(w.text for w in line)
        if len(line) != 1 or not any(text in t for t in texts) or not all(ord(c) > 0x2E80 for c in text):
            continue
        indent = round((line[0].x0 - LEFT) / CHAR_PT)
        if abs(line[-1].x1 - (LEFT + TEXT_W)) < CHAR_PT / 2:  # a full line
            full += 1
            if indent + len(text) != units.CHARS_PER_LINE:
                problems.append(f"a full 正文 line holds {indent + len(text)} characters: {text[:8]!r}…")
    if texts and any(len(t) > units.CHARS_PER_LINE for t in texts) and not full:
        problems.append("no full line of Chinese in the 正文 to count its characters")
    if any(abs(p - LINE_PT) > 0.3 for p in pitches) or not pitches:
        problems.append(f"正文 lines are {sorted(set(round(p, 2) for p in pitches))} pt apart, not {LINE_PT}")
    return problems


def _runs(line: Sequence[Box], longest: int) -> Iterator[str]:
    """The texts of consecutive words of a line (pdftotext splits a value where its script changes:
    ≥1,050 and 万人), up to `longest` characters."""
    for start in range(len(line)):
        text = ""
        for word in line[start:]:
            text += word.text
            if len(text) > longest:
                break
            yield text


def check_whole(pages: Sequence[Page], kind: str, context: Mapping[str, Any]) -> list[str]:
    """Each whole value prints on one line (as one word, or consecutive words of one line) as often as the
    context has it."""
    wanted = Counter(WHOLE_VALUES[kind](context))
    longest = max((len(v) for v in wanted), default=0)
    found = Counter(text for page in pages for line in page.lines for text in _runs(line, longest))
    return [f"{value!r} is broken (found whole {found[value]} of {count} times)"
            for value, count in wanted.items() if found[value] < count]  # fmt: skip


def check_red(pdf: Path, pages: Sequence[Page], context: Mapping[str, Any]) -> list[str]:
    red = [red_pixels(pdf, n, light_centres(page)) for n, page in enumerate(pages, start=1)]
    if context["issued"] and (not red[0] or any(red[1:])):
        return [f"issued: red on pages {[i + 1 for i, r in enumerate(red) if r]}, not the first only"]
    if not context["issued"] and any(red):
        return [f"not issued, but red on pages {[i + 1 for i, r in enumerate(red) if r]}"]
    return []


def check_texts(pages: Sequence[Page], context: Mapping[str, Any]) -> list[str]:
    flat = "".join("".join(page.line_texts()) for page in pages)
    problems = []
    # A form may name the number of the document it reports on (绩效自评表: its goal's): not its own.
    unnumbered = flat.replace(context.get("goal_number", ""), "") if context.get("goal_number") else flat
    if context["issued"] and context["doc_number"] not in flat:
        problems.append(f"the number {context['doc_number']!r} does not print")
    if not context["issued"] and ("〔" in unnumbered or context["draft_mark"] not in flat):
        problems.append("a draft prints a number, or not its draft mark")
    for date in (context["date"], context.get("print_date", "")):
        if date and date not in flat:
            problems.append(f"the date {date!r} does not print")
    first = pages[0].line_texts()
    problems += [
        f"the title line {t!r} does not print as one line" for t in context["title_lines"] if t not in first
    ]
    blank = BLANK_DATE.replace("　", "")
    dates = (context["date"], context.get("print_date", context["date"]))
    if not all(dates) and blank not in flat.replace(" ", ""):
        problems.append("no blank date to fill in")
    return problems


def _number(page: Page, n: int) -> list[Box] | None:
    for line in page.lines:
        texts = [w.text for w in line]
        for i in range(len(texts) - 2):
            if texts[i : i + 3] == ["—", str(n), "—"]:
                return line[i : i + 3]
    words = [w for line in page.lines for w in line if w.x1 < 25 * PT_PER_MM]  # turned: one word a line
    if [w.text for w in words[:3]] == ["—", str(n), "—"]:
        return words[:3]
    return None


def check_page_numbers(pages: Sequence[Page], letter: bool = False) -> list[str]:
    """ "— n —" on every page, n in order: portrait odd right and even left (one 4号 character in), its
    middle 7 mm under the 版心; landscape at the left edge (the upright sheet's foot), reaching to one
    character short of the 版心's far end (odd) or starting one in (even)."""
    problems = []
    for index, page in enumerate(pages):
        n = index + 1
        if letter and n == 1:  # 信函格式: 首页不显示页码
            if _number(page, 1) is not None:
                problems.append("信函格式: a page number on the first page")
            continue
        found = _number(page, n)
        if found is None:
            problems.append(f"page {n}: no page number — {n} —")
            continue
        first, last = found[0], found[-1]
        if page.landscape:
            middle, end = (first.x0 + first.x1) / 2, (last.y1 if n % 2 else first.y0)
            aim = LEFT + TEXT_W - SMALL_CHAR_PT if n % 2 else LEFT + SMALL_CHAR_PT
            across = 35 * PT_PER_MM - NUMBER_DROP_PT
        else:
            middle, end = (first.y0 + first.y1) / 2, (last.x1 if n % 2 else first.x0)
            aim = LEFT + TEXT_W - SMALL_CHAR_PT if n % 2 else LEFT + SMALL_CHAR_PT
            across = TOP + TEXT_H + NUMBER_DROP_PT
        if abs(middle - across) > 2.5 * PT_PER_MM or abs(end - aim) > 3 * PT_PER_MM:
            side = "right" if n % 2 else "left"
            problems.append(
                f"page {n}: the number is not {side}, 7 mm under the 版心 ({middle:.0f}, {end:.0f})"
            )
    return problems


def check_letter_foot(pdf: Path, pages: Sequence[Page]) -> list[str]:
    """信函格式: no 印发 lines; the red double rule at the first page's foot (below the 版心)."""
    problems = []
    if any("".join(w.text for w in line).endswith("印发") for page in pages for line in page.lines):
        problems.append("信函格式: 印发 lines printed")
    if not any(y > TOP + TEXT_H for y in rules(pdf, 1)):
        problems.append("信函格式: no rule at the first page's foot")
    return problems


def check_imprint(pdf: Path, pages: Sequence[Page], context: Mapping[str, Any]) -> list[str]:
    """The 版记 on the last page, its last rule the 版心's lower edge."""
    last = pages[-1]
    printed = [line for line in last.lines if "".join(w.text for w in line).endswith("印发")]
    bottom = TOP + TEXT_H
    row = [w.text for line in last.lines for w in line if printed and abs(w.y0 - printed[0][0].y0) < 2]
    if not printed or context["printer"] not in "".join(row):
        return ["the last page has no 印发机关和印发日期"]
    found = rules(pdf, len(pages))
    if not any(abs(y - bottom) < 1.5 * PT_PER_MM for y in found):
        return [f"no rule at the 版心's lower edge on the last page (rules at {[round(y) for y in found]})"]
    if len({round(y) for y in found}) < 3 - (0 if context["cc"] else 1):
        return [f"the 版记 has {len({round(y) for y in found})} rules"]
    return []


def check_pdf(pdf: Path, kind: str, context: Mapping[str, Any]) -> list[str]:
    """Every check above on the PDF of a document of `kind` rendered from `context` (a form, FORMS, has no
    版记 to check)."""
    pages = read_pages(pdf)
    context = with_defaults(context)
    return [
        *check_pages(pages),
        *check_faces(pdf),
        *check_grid(pages, context),
        *check_whole(pages, kind, context),
        *check_red(pdf, pages, context),
        *check_texts(pages, context),
        *check_page_numbers(pages, kind in LETTER_FORMAT),
        *([] if kind in FORMS or kind in LETTER_FORMAT else check_imprint(pdf, pages, context)),
        *(check_letter_foot(pdf, pages) if kind in LETTER_FORMAT and context["issued"] else []),
    ]
