"""DOCX → PDF with LibreOffice (`soffice --headless --convert-to pdf`).

One soffice start costs about 1.6 s and each further document in the same call about 0.33 s, so a batch is
converted a chunk at a time: one call for up to Settings.REPORT_BATCH_CHUNK_SIZE documents (PdfConverter).
Each converter has its own profile directory (two soffice processes sharing one profile block each other),
a timeout that kills the whole process group, and fontconfig aliases (report_templates/fonts.conf) so the
official faces map to Simplified Chinese fonts, not Japanese ones: 仿宋_GB2312 to FandolFang, 方正小标宋简体
to FandolSong Bold and so on (report_templates/install-fonts), else to Noto CJK.
"""

import asyncio
import logging
import os
import re
import shutil
import signal
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from src.reports.render import TEMPLATE_DIR

logger = logging.getLogger(__name__)

FONTS_CONF = TEMPLATE_DIR / "fonts.conf"
PDF_UNAVAILABLE = "服务器未安装 LibreOffice（soffice），不能生成 PDF；请选择 DOCX 格式"
# One soffice call: what a chunk of documents may take (a document takes well under 2 s).
CALL_TIME_LIMIT_SECONDS = 120.0
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


@dataclass
class Converted:
    """What one soffice call made: each document's PDF, or why there is none."""

    pdfs: dict[str, bytes] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)


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


async def convert_each(
    documents: Mapping[str, bytes], *, profile_dir: Path, time_limit: float = CALL_TIME_LIMIT_SECONDS
) -> Converted:
    """PDF bytes for each named DOCX (names are plain file stems), converted in one soffice call; a document
    LibreOffice did not convert (or had not reached when the time limit killed it) is in `failed`."""
    soffice = soffice_path()
    if soffice is None:
        raise PdfUnavailable(PDF_UNAVAILABLE)
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
        reason = ""
        try:
            async with asyncio.timeout(time_limit):
                output, _ = await process.communicate()
        except TimeoutError:
            os.killpg(process.pid, signal.SIGKILL)
            await process.wait()
            reason = f"LibreOffice 转换超时（{time_limit:.0f} 秒）"
        except asyncio.CancelledError:
            os.killpg(process.pid, signal.SIGKILL)  # no soffice outlives the job it worked for
            await asyncio.shield(process.wait())
            raise
        else:
            text = output.decode(errors="replace").strip()[-500:]
            reason = f"LibreOffice 未生成 PDF（退出码 {process.returncode}）：{text}"
        found = await asyncio.to_thread(_collect, work / "out", list(documents))
    converted = Converted()
    for name, pdf in found.items():
        if pdf is None:
            converted.failed[name] = reason
        else:
            converted.pdfs[name] = pdf
    return converted


async def convert(
    documents: Mapping[str, bytes], *, profile_dir: Path, time_limit: float = CALL_TIME_LIMIT_SECONDS
) -> dict[str, bytes]:
    """PDF bytes for each named DOCX, converted in one soffice call; PdfFailed unless every one was."""
    converted = await convert_each(documents, profile_dir=profile_dir, time_limit=time_limit)
    if converted.failed:
        name, reason = next(iter(converted.failed.items()))
        raise PdfFailed(f"{name}.pdf: {reason}")
    return converted.pdfs


class PdfConverter:
    """A process's conversions: one soffice call at a time (they share the profile directory), at most
    `chunk_size` documents a call, counted (`calls`: soffice processes started, `documents`: converted).

    A document a chunk's call did not convert is tried again in a call of its own, once, so that a document
    that makes LibreOffice fail (or hang until the time limit) costs only itself its PDF; the chunk's
    others are kept, or converted again alone."""

    def __init__(
        self,
        *,
        chunk_size: int,
        profile_dir: Path | None = None,
        time_limit: float = CALL_TIME_LIMIT_SECONDS,
    ) -> None:
        if chunk_size < 1:
            raise ValueError("chunk_size must be at least 1")
        self.chunk_size = chunk_size
        self.profile_dir = profile_dir or Path(tempfile.gettempdir()) / f"fundperf-soffice-{os.getpid()}"
        self.time_limit = time_limit
        self.calls = 0
        self.documents = 0
        self._lock = asyncio.Lock()

    async def _call(self, documents: Mapping[str, bytes]) -> Converted:
        async with self._lock:
            self.calls += 1
            start = time.perf_counter()
            converted = await convert_each(
                documents, profile_dir=self.profile_dir, time_limit=self.time_limit
            )
            self.documents += len(converted.pdfs)
        logger.info(
            "soffice call %d: %d of %d documents converted in %.1f s",
            self.calls,
            len(converted.pdfs),
            len(documents),
            time.perf_counter() - start,
        )
        return converted

    async def convert(self, documents: Mapping[str, bytes]) -> Converted:
        """Every document's PDF, or why there is none: one call per `chunk_size` documents, and one more
        for each document a call of several left out."""
        names = list(documents)
        result = Converted()
        for start in range(0, len(names), self.chunk_size):
            chunk = {name: documents[name] for name in names[start : start + self.chunk_size]}
            converted = await self._call(chunk)
            result.pdfs.update(converted.pdfs)
            if len(chunk) == 1:
                result.failed.update(converted.failed)
                continue
            for name in converted.failed:  # alone: a document that broke the call breaks only itself
                again = await self._call({name: chunk[name]})
                result.pdfs.update(again.pdfs)
                result.failed.update(again.failed)
        return result
