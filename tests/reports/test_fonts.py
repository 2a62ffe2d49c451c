"""The official faces print in real substitutes: 仿宋_GB2312 in a FangSong face (FandolFang), not in the
Song face it used to borrow; 黑体 in FandolHei, 楷体 in FandolKai, the 小标宋 title in FandolSong Bold, 宋体
in Noto Serif CJK SC. Checked through report_templates/fonts.conf as LibreOffice reads it (FONTCONFIG_FILE),
and in the PDF LibreOffice makes. CI installs the Fandol fonts (report_templates/install-fonts, from
.ci/run); without them or without fontconfig's tools these tests fail in CI and skip locally."""

import os
import shutil
import subprocess
from pathlib import Path

from report_templates.official.units import FANGSONG, HEITI, SONGTI, XIAOBIAOSONG
from src.reports.pdf import FONTS_CONF, convert
from tests.support.pdf import docx_lines, embedded_fonts, needs_tools, page_pixels, require_installed

FANDOL = ("FandolFang", "FandolHei", "FandolKai", "FandolSong")

BOLD_SONG = ("FandolSong", "Bold")

# Every name fonts.conf maps, with the (family, style) it must resolve to.
INTENDED = {
    **dict.fromkeys(("仿宋_GB2312", "FangSong_GB2312", "仿宋", "FangSong"), ("FandolFang", "Regular")),
    **dict.fromkeys(("楷体_GB2312", "KaiTi_GB2312", "楷体", "KaiTi"), ("FandolKai", "Regular")),
    **dict.fromkeys(("黑体", "SimHei"), ("FandolHei", "Regular")),
    **dict.fromkeys(("方正小标宋简体", "方正小标宋_GBK", "FZXiaoBiaoSong-B05S", "小标宋"), BOLD_SONG),
    **dict.fromkeys(("宋体", "SimSun"), ("Noto Serif CJK SC", "Regular")),
}


def _fontconfig(command: str, *args: str) -> str:
    """What a fontconfig tool (fc-match, fc-list) prints reading the project's fonts.conf, as soffice does."""
    env = {**os.environ, "FONTCONFIG_FILE": str(FONTS_CONF)}
    return subprocess.run([command, *args], capture_output=True, text=True, check=True, env=env).stdout


def _needs_fandol() -> None:
    """fontconfig's tools and the Fandol fonts, or the test fails in CI and skips locally."""
    missing = [tool for tool in ("fc-match", "fc-list") if shutil.which(tool) is None]
    if missing:
        require_installed(", ".join(missing), "apt-get install fontconfig")
    installed = set(_fontconfig("fc-list", "--format", "%{family[0]}\n").splitlines())
    absent = [family for family in FANDOL if family not in installed]
    if absent:
        require_installed(f"fonts {', '.join(absent)}", "run sudo report_templates/install-fonts")


def test_every_face_the_templates_name_is_mapped() -> None:
    assert {FANGSONG, XIAOBIAOSONG, HEITI, SONGTI} <= set(INTENDED)


def test_official_font_names_resolve_to_the_intended_faces() -> None:
    _needs_fandol()
    resolved = {}
    for name in INTENDED:
        pattern = name.replace("-", "\\-") + ":lang=zh-cn"  # an unescaped "-" would start a point size
        match = _fontconfig("fc-match", "--format", "%{family[0]}|%{style[0]}", pattern)
        family, _, style = match.partition("|")
        resolved[name] = (family, style)
    assert resolved == INTENDED


async def test_fangsong_and_songti_lines_print_in_different_faces(tmp_path: Path) -> None:
    # One document with a 仿宋 line and a 宋体 line embeds FandolFang and the Noto Serif CJK glyph set; and
    # the same text set alone in each face prints differently, in just the glyphs FandolFang and Noto Serif
    # CJK SC print when named directly (equal page images: the same glyphs in the same places).
    needs_tools("pdftoppm", "pdffonts")
    _needs_fandol()
    text = "绩效目标表直骨写"
    documents = {
        "both": docx_lines((text, FANGSONG), (text, SONGTI)),
        "fangsong": docx_lines((text, FANGSONG)),
        "songti": docx_lines((text, SONGTI)),
        "fandolfang": docx_lines((text, "FandolFang")),
        "noto": docx_lines((text, "Noto Serif CJK SC")),
    }
    pdfs = await convert(documents, profile_dir=tmp_path / "profile")
    fonts = await embedded_fonts(pdfs["both"], tmp_path, "both")
    assert "FandolFang-Regular" in fonts
    assert any(font.startswith("NotoSerifCJK") for font in fonts), fonts
    pixels = {key: await page_pixels(pdfs[key], tmp_path, key) for key in documents if key != "both"}
    assert pixels["fangsong"] != pixels["songti"]
    assert pixels["fangsong"] == pixels["fandolfang"]
    assert pixels["songti"] == pixels["noto"]


async def test_title_heading_and_kai_faces_print_as_their_fandol_face(tmp_path: Path) -> None:
    # 方正小标宋简体 prints exactly as FandolSong Bold named directly: bold once, not emboldened again by
    # fontconfig (which a request for the bold weight would do); 黑体 and 楷体 as FandolHei and FandolKai.
    needs_tools("pdftoppm")
    _needs_fandol()
    text = "绩效目标表"
    pairs = {XIAOBIAOSONG: "FandolSong", HEITI: "FandolHei", "楷体_GB2312": "FandolKai"}
    documents = {}
    for index, (official, fandol) in enumerate(pairs.items()):
        documents[f"official{index}"] = docx_lines((text, official))
        documents[f"fandol{index}"] = docx_lines((text, fandol))
    pdfs = await convert(documents, profile_dir=tmp_path / "profile")
    pixels = {key: await page_pixels(pdf, tmp_path, key) for key, pdf in pdfs.items()}
    for index, official in enumerate(pairs):
        assert pixels[f"official{index}"] == pixels[f"fandol{index}"], official
    assert len({pixels[f"fandol{index}"] for index in range(len(pairs))}) == len(pairs)
