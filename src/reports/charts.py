"""Charts printed in the documents, drawn with matplotlib's object API (a Figure on an Agg canvas, never
pyplot: no global figure state, safe in the render threads) as PNG at print resolution for the 156 mm 版心.

- Text in 黑体 (FandolHei, Noto Sans CJK SC without it), found through fontconfig by family and loaded by
  file, so the chart's Chinese never prints as boxes and no matplotlib font cache or rcParams decide it.
- The same data gives the same bytes: the PNG carries no software or time metadata (a document's
  fingerprint is its data; its bytes should follow).
- Grades keep one colour each, 优 良 中 差 in that order, in every chart and legend; no colour is the
  bright red the PDF checker keeps for the 版头 (an unissued report has none).
"""

import functools
import io
import subprocess
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.ticker import MaxNLocator

DPI = 250
MM_PER_INCH = 25.4
WIDTH_MM = 150.0  # within the 156 mm 版心, a little air either side
FACES = ("FandolHei", "Noto Sans CJK SC")  # 黑体 as report_templates/fonts.conf maps it
LABEL_PT, TICK_PT = 10.5, 9.0  # 5号 for labels; ticks a little smaller
GRADES = ("优", "良", "中", "差")
GRADE_COLOURS = {"优": "#1f4e79", "良": "#5b9bd5", "中": "#e6a532", "差": "#8b3a2b"}
BAR_COLOUR, BELOW_PASS_COLOUR = GRADE_COLOURS["良"], GRADE_COLOURS["差"]
ROW_MM = 5.0  # a prefecture's bar: 21 of them stay readable in 5号
NO_METADATA: dict[str, str | None] = {"Software": None}


class ChartFontMissing(RuntimeError):
    """Neither 黑体 face is installed: the chart's Chinese would print as boxes."""


@functools.cache
def _font_file() -> str:
    for face in FACES:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}\t%{file}", face], capture_output=True, text=True, check=False
        ).stdout
        families, _, file = found.partition("\t")
        if face in families.split(",") and Path(file).is_file():
            return file
    raise ChartFontMissing(f"none of {', '.join(FACES)} is installed (report_templates/install-fonts)")


def font(size: float) -> FontProperties:
    return FontProperties(fname=_font_file(), size=size)


@dataclass(frozen=True)
class Bar:
    """A bar of the score distribution: its band's label, how many regions, and whether it lies below the
    pass band (drawn in 差's colour)."""

    label: str
    count: int
    below_pass: bool = False


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    out = io.BytesIO()
    figure.savefig(out, format="png", dpi=DPI, metadata=NO_METADATA)
    return out.getvalue()


def _figure(height_mm: float) -> Figure:
    return Figure(figsize=(WIDTH_MM / MM_PER_INCH, height_mm / MM_PER_INCH), dpi=DPI, layout="constrained")


def score_distribution(bars: Sequence[Bar], *, axis_label: str = "地区数（个）") -> bytes:
    """Vertical bars per score band, each labelled with its count (a zero too)."""
    figure = _figure(75)
    axes = figure.add_subplot()
    positions = range(len(bars))
    colours = [BELOW_PASS_COLOUR if b.below_pass else BAR_COLOUR for b in bars]
    drawn = axes.bar(positions, [b.count for b in bars], color=colours, width=0.6)
    axes.bar_label(drawn, labels=[str(b.count) for b in bars], padding=2, fontproperties=font(LABEL_PT))
    axes.set_xticks(list(positions), [b.label for b in bars], fontproperties=font(LABEL_PT))
    highest = max((b.count for b in bars), default=0)
    axes.set_ylim(0, max(highest, 1) * 1.2)  # room for the labels; all zero still has an axis
    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    for tick in axes.get_yticklabels():
        tick.set_fontproperties(font(TICK_PT))
    axes.set_ylabel(axis_label, fontproperties=font(LABEL_PT))
    axes.spines[["top", "right"]].set_visible(False)
    return _png(figure)


def grades_by_group(
    rows: Sequence[tuple[str, Mapping[str, int]]], *, axis_label: str = "地区数（个）"
) -> bytes:
    """A horizontal stacked bar per group (prefecture), top to bottom in the given order, its grades
    优 良 中 差 left to right in their colours, each segment labelled with its count, a legend above."""
    figure = _figure(28 + ROW_MM * max(len(rows), 1))
    axes = figure.add_subplot()
    names = [name for name, _ in rows]
    positions = list(range(len(rows)))
    left = [0] * len(rows)
    for grade in GRADES:
        counts = [counts.get(grade, 0) for _, counts in rows]
        drawn = axes.barh(positions, counts, left=left, color=GRADE_COLOURS[grade], label=grade, height=0.65)
        labels = [str(c) if c else "" for c in counts]
        text_colour = "white" if grade in ("优", "差") else "black"
        axes.bar_label(
            drawn, labels=labels, label_type="center", color=text_colour, fontproperties=font(TICK_PT)
        )
        left = [a + b for a, b in zip(left, counts, strict=True)]
    axes.set_yticks(positions, names, fontproperties=font(LABEL_PT))
    axes.invert_yaxis()  # the first group on top, as a table reads
    axes.set_xlim(0, max(max(left, default=0), 1) * 1.05)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    for tick in axes.get_xticklabels():
        tick.set_fontproperties(font(TICK_PT))
    axes.set_xlabel(axis_label, fontproperties=font(LABEL_PT))
    axes.spines[["top", "right"]].set_visible(False)
    figure.legend(
        loc="outside upper center", ncols=len(GRADES), prop=font(LABEL_PT), frameon=False, title=None
    )
    return _png(figure)
