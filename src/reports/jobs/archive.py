"""A batch's file: a ZIP of its documents with a manifest (清单) of every one, made or not.

Entries keep their documents' Chinese names (stored with ZIP's UTF-8 flag, which current Windows,
macOS and Linux tools read), made safe by safe_file_name (no path separators, so nothing unpacks outside
the folder it is unpacked into) and numbered where two are the same. The manifest, MANIFEST (UTF-8 with a
byte-order mark, so that Excel reads the Chinese), lists each document in the batch's order: its file in
the archive, status, reason, subject, region and title.
"""

import csv
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePosixPath

from src.models.report import REPORT_JOB_STATUS_LABELS, ReportJob, ReportJobStatus
from src.reports.jobs.common import CHINA
from src.subjects.registry import registry

MANIFEST = "清单.csv"
MANIFEST_COLUMNS = (
    "序号",
    "文件名",
    "状态",
    "说明",
    "对象类型",
    "对象ID",
    "区划代码",
    "区划",
    "文档标题",
    "任务ID",
)


@dataclass(frozen=True)
class ArchiveEntry:
    """One document of the batch: its job, its region, and its file's bytes (None: it has none)."""

    job: ReportJob
    region_code: str
    region_name: str
    data: bytes | None


def free_name(name: str, taken: set[str]) -> str:
    """`name`, or `name（2）`, `name（3）` … if a file of that name was written already (a goal's version in
    force and the version being adjusted have the same title)."""
    path = PurePosixPath(name)
    candidate, n = name, 1
    while candidate in taken:
        n += 1
        candidate = f"{path.stem}（{n}）{path.suffix}"
    taken.add(candidate)
    return candidate


def _title(job: ReportJob) -> str:
    """The document's title, as its file name carries it (contexts.file_stem); empty without a file."""
    return PurePosixPath(job.file_name).stem if job.file_name else ""


def build_archive(entries: Sequence[ArchiveEntry], made_at: datetime) -> bytes:
    """The ZIP: each document that has a file, and the manifest (made at `made_at`) listing every entry."""
    out = io.BytesIO()
    rows: list[list[str]] = []
    taken = {MANIFEST}
    with zipfile.ZipFile(out, "w") as archive:
        for number, entry in enumerate(entries, start=1):
            job = entry.job
            name = ""
            if entry.data is not None and job.file_name:
                name = free_name(job.file_name, taken)
                # PDF and DOCX are compressed already: stored as they are.
                archive.writestr(
                    zipfile.ZipInfo(name, date_time=_date_time(job.finished_at or made_at)), entry.data
                )
            label = registry().subject(job.subject_type).label
            rows.append(
                [
                    str(number),
                    name,
                    REPORT_JOB_STATUS_LABELS[job.status],
                    (job.error or "") if job.status != ReportJobStatus.SUCCEEDED else "",
                    label,
                    str(job.subject_id or ""),
                    entry.region_code,
                    entry.region_name,
                    _title(job),
                    str(job.id),
                ]
            )
        manifest = io.StringIO()
        writer = csv.writer(manifest, lineterminator="\r\n")
        writer.writerow(MANIFEST_COLUMNS)
        writer.writerows(rows)
        info = zipfile.ZipInfo(MANIFEST, date_time=_date_time(made_at))
        info.compress_type = zipfile.ZIP_DEFLATED
        archive.writestr(info, "\ufeff" + manifest.getvalue())
    return out.getvalue()


def _date_time(when: datetime) -> tuple[int, int, int, int, int, int]:
    """ZIP keeps local time without a zone: China's."""
    local = when.astimezone(CHINA)
    return (local.year, local.month, local.day, local.hour, local.minute, local.second)
