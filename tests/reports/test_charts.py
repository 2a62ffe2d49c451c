"""The documents' charts (src/reports/charts.py) and pictures in documents (src/reports/picture.py): the same
data gives the same bytes, at print resolution for the 版心, with the edge cases (zero counts, one group, 21
prefectures); a Picture in a context prints as an inline image of its width, and the renders stay
deterministic."""

import io
import math
import struct
import zipfile

import pytest
from docx import Document

from src.reports.charts import DPI, MM_PER_INCH, WIDTH_MM, Bar, grades_by_group, score_distribution
from src.reports.contexts.provincial_evaluation_report import provincial_report_context
from src.reports.picture import Picture
from src.reports.render import Renderer
from tests.support.provincial_documents import PREFECTURES
from tests.support.provincial_documents import prefecture_report as report_data

BARS = [Bar("60分以下", 2, below_pass=True), Bar("60–70分", 3), Bar("70–80分", 0), Bar("80–90分", 9)]


def png_size(png: bytes) -> tuple[int, int, float]:
    """Width and height in pixels (IHDR) and the resolution in dots per inch (pHYs, per metre)."""
    width, height = struct.unpack(">II", png[16:24])
    at = png.index(b"pHYs")
    per_metre, _, unit = struct.unpack(">IIB", png[at + 4 : at + 13])
    assert unit == 1  # metres
    return width, height, per_metre * 0.0254


def test_art17_a_chart_of_the_same_data_is_the_same_bytes() -> None:
    assert score_distribution(BARS) == score_distribution(list(BARS))
    rows = [("成都市", {"优": 2, "良": 1}), ("自贡市", {"差": 1})]
    assert grades_by_group(rows) == grades_by_group(list(rows))
    assert score_distribution(BARS) != score_distribution([*BARS[:3], Bar("80–90分", 8)])


def test_art17_charts_print_at_their_width_and_resolution() -> None:
    width, height, dpi = png_size(score_distribution(BARS))
    assert round(dpi) == DPI and 200 <= DPI <= 300
    assert width == round(WIDTH_MM / MM_PER_INCH * DPI)
    assert width / DPI * MM_PER_INCH <= 156  # within the 版心
    assert 0 < height < width


def test_art17_edge_cases_draw() -> None:
    assert score_distribution([Bar("60分以下", 0), Bar("60–70分", 0)]).startswith(b"\x89PNG")
    one = png_size(grades_by_group([("四川省", {"良": 1})]))
    many = png_size(grades_by_group([(name, {"优": 1, "中": 2}) for _, name in PREFECTURES]))
    assert many[0] == one[0] and many[1] > 2 * one[1]  # 21 prefectures: a taller chart, same width
    assert grades_by_group([("成都市", {})]).startswith(b"\x89PNG")  # a prefecture with no grade yet


@pytest.mark.parametrize("width", [0.0, -1.0, 157.0, math.nan, math.inf])
def test_a_picture_is_within_the_text_width(width: float) -> None:
    with pytest.raises(ValueError):
        Picture(score_distribution(BARS), width)


def test_a_picture_holds_a_png() -> None:
    with pytest.raises(ValueError):
        Picture(b"GIF89a", 100.0)


def test_a_picture_in_a_context_prints_as_an_inline_image_the_same_each_time() -> None:
    context = provincial_report_context(report_data())
    first = Renderer().render("PROVINCIAL_EVALUATION_REPORT", context)
    assert first == Renderer().render("PROVINCIAL_EVALUATION_REPORT", context)
    document = Document(io.BytesIO(first))
    widths = [shape.width for shape in document.inline_shapes]
    assert len(widths) == 2 and all(abs(w.mm - WIDTH_MM) < 0.1 for w in widths)
    with zipfile.ZipFile(io.BytesIO(first)) as package:
        assert {i.date_time for i in package.infolist()} == {(2026, 1, 1, 0, 0, 0)}
