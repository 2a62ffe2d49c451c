"""DOCX → PDF with LibreOffice (`soffice --headless --convert-to pdf`).

One soffice start costs about 1.6 s and each further document in the same call about 0.33 s, so a batch is
converted in one call. Each converter has its own profile directory (two soffice processes sharing one
profile block each other), a timeout that kills the whole process group, and fontconfig aliases
(report_templates/fonts.conf) so the official faces map to Simplified Chinese fonts, not Japanese ones:
仿宋_GB2312 to FandolFang, 方正小标宋简体 to FandolSong Bold and so on (report_templates/install-fonts),
else to Noto CJK.
"""

import asyncio
import os
import re
import shutil
import signal
import tempfile
from collections.abc import Mapping
from pathlib import Path

from src.reports.render import TEMPLATE_DIR

FONTS_CONF = TEMPLATE_DIR / "fonts.conf"
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")


class PdfUnavailable(RuntimeError):
    """No LibreOffice on this server: PDF output cannot be produced here."""


class PdfFailed(RuntimeError):
    """LibreOffice ran but did not produce every PDF (or took too long)."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def page_count(pdf: bytes) -> int:
    """Pages of a PDF as LibreOffice writes it (page objects are not compressed into object streams)."""
    return len(_PAGE.findall(pdf))


def _prepare(work: Path, documents: Mapping[str, bytes], profile_dir: Path) -> tuple[list[Path], str]:
    """The DOCX files written into `work`, and the profile directory as the URI soffice takes."""
    profile_dir.mkdir(parents=True, exist_ok=True)
    (work / "in").mkdir()
    (work / "out").mkdir()
    paths = []
    for name, data in documents.items():
        path = work / "in" / f"{name}.docx"
        path.write_bytes(data)
        paths.append(path)
    return paths, profile_dir.absolute().as_uri()


def _collect(out: Path, names: list[str]) -> dict[str, bytes | None]:
    return {
        name: (out / f"{name}.pdf").read_bytes() if (out / f"{name}.pdf").exists() else None for name in names
    }


async def convert(
    documents: Mapping[str, bytes], *, profile_dir: Path, time_limit: float = 120
) -> dict[str, bytes]:
    """PDF bytes for each named DOCX (names are plain file stems), converted in one soffice call."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable("服务器未安装 LibreOffice（soffice），不能生成 PDF；请选择 DOCX 格式")
    with tempfile.TemporaryDirectory(prefix="fundperf-pdf-") as directory:
        work = Path(directory)
        paths, profile_uri = await asyncio.to_thread(_prepare, work, documents, profile_dir)
        env = {**os.environ, "HOME": str(profile_dir)}
        if FONTS_CONF.exists():
            env["FONTCONFIG_FILE"] = str(FONTS_CONF)
        process = await asyncio.create_subprocess_exec(
            soffice,
            "--headless",
            "--norestore",
            "--nologo",
            f"-env:UserInstallation={profile_uri}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(work / "out"),
            *map(str, paths),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            env=env,
            start_new_session=True,  # its own process group: a timeout kills soffice.bin too
        )
        try:
            async with asyncio.timeout(time_limit):
                output, _ = await process.communicate()
        except TimeoutError:
            os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            raise PdfFailed(f"LibreOffice 转换超时（{time_limit:.0f} 秒）") from None
        found = await asyncio.to_thread(_collect, work / "out", list(documents))
    missing = [name for name, pdf in found.items() if pdf is None]
    if missing:
        text = output.decode(errors="replace").strip()[-500:]
        raise PdfFailed(f"LibreOffice 未生成 {missing[0]}.pdf（退出码 {process.returncode}）：{text}")
    return {name: pdf for name, pdf in found.items() if pdf is not None}
