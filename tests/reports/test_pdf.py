"""PDF through LibreOffice, for real: page count, and the text in the PDF holds the region and the
indicators. CI installs LibreOffice (.ci/run); where it is missing the tests fail in CI and skip locally."""

import asyncio
import subprocess
from pathlib import Path

import pytest

from bench.render import context
from src.models.goal import GoalDocumentKind
from src.reports.pdf import PdfUnavailable, convert, page_count
from src.reports.render import Renderer
from tests.support.pdf import docx_lines, needs_tools, page_pixels


async def test_goal_tables_convert_to_pdf_in_one_call(tmp_path: Path) -> None:
    needs_tools("pdftotext")
    renderer = Renderer()
    small, large = context(3), context(60)
    documents = {
        "小": renderer.render(GoalDocumentKind.GOAL_TABLE, small),
        "大": renderer.render(GoalDocumentKind.GOAL_TABLE, large),
    }
    pdfs = await convert(documents, profile_dir=tmp_path / "profile")
    assert set(pdfs) == {"小", "大"}
    assert 1 <= page_count(pdfs["小"]) < page_count(pdfs["大"])
    (tmp_path / "large.pdf").write_bytes(pdfs["大"])
    text = await asyncio.to_thread(
        subprocess.run,
        ["pdftotext", str(tmp_path / "large.pdf"), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    flat = "".join(text.stdout.split())
    assert "四川省" in flat and "绩效指标第1项" in flat and "绩效指标第60项" in flat


async def test_pdf_without_libreoffice_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no soffice anywhere on it
    with pytest.raises(PdfUnavailable, match="LibreOffice"):
        await convert({"x": b""}, profile_dir=tmp_path / "profile")


async def test_official_faces_print_with_simplified_chinese_glyphs(tmp_path: Path) -> None:
    # Noto CJK's faces share one glyph set and differ in which glyph a character maps to: 直, 骨 and 写 take
    # other shapes in the Japanese face. The PDF names the shared set ("NotoSerifCJKjp") whatever the face,
    # so the shapes are compared as printed: 宋体, which fonts.conf maps to Noto Serif CJK SC, must print as
    # the SC face does, not as JP. (The other official faces print in Fandol's: tests/reports/test_fonts.py.)
    needs_tools("pdftoppm")
    text = "直骨写"
    faces = {"official": "宋体", "sc": "Noto Serif CJK SC", "jp": "Noto Serif CJK JP"}
    documents = {key: docx_lines((text, face)) for key, face in faces.items()}
    pdfs = await convert(documents, profile_dir=tmp_path / "p")
    pixels = {key: await page_pixels(pdf, tmp_path, key) for key, pdf in pdfs.items()}
    assert pixels["sc"] != pixels["jp"]  # the characters do differ between the two faces
    assert pixels["official"] == pixels["sc"]
