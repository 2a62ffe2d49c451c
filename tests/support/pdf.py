"""Helpers of the PDF tests: the tools they need (failing under CI=true, skipped locally without them), a
DOCX of lines set in named faces, and a PDF's page image and embedded fonts as poppler-utils see them."""

import asyncio
import hashlib
import io
import shutil
import subprocess
from pathlib import Path

import pytest
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt

from src.reports.pdf import soffice_path
from tests.conftest import IN_CI


def require_installed(missing: str, remedy: str) -> None:
    """Fails the test under CI=true (CI installs everything, .ci/run), skips it elsewhere: with the reason."""
    message = f"{missing} missing; {remedy}"
    if IN_CI:
        pytest.fail(f"{message} (CI needs it)", pytrace=False)
    pytest.skip(message)


def needs_tools(*tools: str) -> None:
    """LibreOffice (soffice) and the named commands, or the test fails in CI and skips locally."""
    missing = [tool for tool in tools if shutil.which(tool) is None]
    if soffice_path() is None:
        missing.insert(0, "soffice")
    if missing:
        remedy = "apt-get install libreoffice-writer-nogui fonts-noto-cjk poppler-utils fontconfig"
        require_installed(", ".join(missing), remedy)


def docx_lines(*lines: tuple[str, str], size: float = 72) -> bytes:
    """A DOCX of one paragraph per (text, face), the face named for every script as the templates do."""
    document = Document()
    for text, face in lines:
        run = document.add_paragraph().add_run(text)
        run.font.size = Pt(size)
        run.font.name = face
        run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


async def page_pixels(pdf: bytes, directory: Path, name: str, *, dpi: int = 40) -> str:
    """The SHA-256 of the first page as a grey PGM image (pdftoppm): equal digests mean the same glyphs in the
    same places. A digest, not the image: pytest's explanation of two unequal images takes minutes."""
    (directory / f"{name}.pdf").write_bytes(pdf)
    command = ["pdftoppm", "-r", str(dpi), "-gray", "-singlefile", "-f", "1", "-l", "1"]
    await asyncio.to_thread(
        subprocess.run, [*command, str(directory / f"{name}.pdf"), str(directory / name)], check=True
    )
    return hashlib.sha256((directory / f"{name}.pgm").read_bytes()).hexdigest()


async def embedded_fonts(pdf: bytes, directory: Path, name: str) -> list[str]:
    """The names of the fonts embedded in a PDF (pdffonts), without the subset prefix (ABCDEF+)."""
    (directory / f"{name}.pdf").write_bytes(pdf)
    listing = await asyncio.to_thread(
        subprocess.run,
        ["pdffonts", str(directory / f"{name}.pdf")],
        capture_output=True,
        text=True,
        check=True,
    )
    rows = listing.stdout.splitlines()[2:]  # a header line and a rule
    return [row.split()[0].partition("+")[2] or row.split()[0] for row in rows if row.strip()]
