"""Evidence files of an item (Art. 20 整改佐证材料): PDF, DOCX, XLSX, JPEG, PNG by name and first bytes, at
most the limit, a one-line name; stored with their sha256 next to their row, both or neither; removable by
the owner while the item is OPEN or RETURNED; read by whoever reads the item."""

import hashlib
from pathlib import Path

import pytest

from src.models.rectification import RectificationEvidence
from src.reports.storage import LocalStorage
from src.services.errors import Forbidden, NotFound, ValidationFailed
from src.services.rectification import evidence
from tests.services.conftest import ZIGONG, Bodies, Sessionmaker, act, bodies_of, refused
from tests.services.rectification.support import JPEG, PDF, PNG, attach, ooxml, raise_item


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


async def test_art20_each_allowed_type_is_stored_with_its_sha256(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, tmp_path: Path
) -> None:
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    files = {
        "整改报告.pdf": (PDF, "application/pdf"),
        "台账.xlsx": (
            ooxml("xl/workbook.xml"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        "制度.docx": (
            ooxml("word/document.xml"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        "现场.JPG": (JPEG, "image/jpeg"),
        "截图.png": (PNG, "image/png"),
    }
    for name, (data, content_type) in files.items():
        row = await attach(sessionmaker, chengdu.agency, tmp_path, item.id or 0, name=name, data=data)
        assert (row.file_name, row.content_type, row.size) == (name, content_type, len(data))
        assert row.sha256 == hashlib.sha256(data).hexdigest() and row.uploaded_by == chengdu.agency.user_id
        assert LocalStorage(tmp_path).path(row.storage_key).read_bytes() == data
    assert len(stored_files(tmp_path)) == len(files)


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("报告.pdf", PNG, 415),  # renamed: its bytes are a PNG
        ("报告.exe", PDF, 415),
        ("报告", PDF, 415),
        ("表.xlsx", ooxml("word/document.xml"), 415),  # a DOCX renamed
        ("表.docx", b"PK\x03\x04 not a zip", 415),
        ("大.pdf", PDF + b"\x00" * 2048, 413),
    ],
)
async def test_art20_a_wrong_type_or_oversized_file_is_refused_and_nothing_stored(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, tmp_path: Path, name: str, data: bytes,
    status: int,
) -> None:  # fmt: skip
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    storage = LocalStorage(tmp_path)
    error = await refused(
        sessionmaker,
        evidence.EvidenceRefused,
        lambda s: evidence.add_evidence(
            session=s,
            actor=chengdu.agency,
            storage=storage,
            item_id=item.id or 0,
            file_name=name,
            data=data,
            max_bytes=2048,
        ),
    )
    assert error.status == status and stored_files(tmp_path) == []


@pytest.mark.parametrize("name", ["", "a\x00.pdf", "行\n.pdf", "../x.pdf", "x" * 121 + ".pdf"])
async def test_art20_a_bad_file_name_is_refused(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, tmp_path: Path, name: str
) -> None:
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    storage = LocalStorage(tmp_path)
    await refused(
        sessionmaker,
        ValidationFailed,
        lambda s: evidence.add_evidence(
            session=s,
            actor=chengdu.agency,
            storage=storage,
            item_id=item.id or 0,
            file_name=name,
            data=PDF,
            max_bytes=2048,
        ),
    )
    assert stored_files(tmp_path) == []


async def test_art20_only_the_owner_attaches_and_removes_and_others_regions_do_not_read(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, tmp_path: Path
) -> None:
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    storage = LocalStorage(tmp_path)
    await refused(
        sessionmaker,
        Forbidden,
        lambda s: evidence.add_evidence(
            session=s,
            actor=chengdu.finance,
            storage=storage,
            item_id=item.id or 0,
            file_name="a.pdf",
            data=PDF,
            max_bytes=2048,
        ),
    )
    assert stored_files(tmp_path) == []
    row = await attach(sessionmaker, chengdu.agency, tmp_path, item.id or 0)
    zigong = await bodies_of(sessionmaker, ZIGONG)
    async with sessionmaker() as s:
        assert (
            await evidence.visible_evidence(session=s, actor=chengdu.tax, evidence_id=row.id or 0)
        ).id == row.id
        with pytest.raises(NotFound):
            await evidence.visible_evidence(session=s, actor=zigong.finance, evidence_id=row.id or 0)
    await refused(
        sessionmaker,
        Forbidden,
        lambda s: evidence.delete_evidence(session=s, actor=province.finance, evidence_id=row.id or 0),
    )
    _, key = await act(
        sessionmaker,
        lambda s: evidence.delete_evidence(session=s, actor=chengdu.agency, evidence_id=row.id or 0),
    )
    assert key == row.storage_key
    async with sessionmaker() as s:
        assert await s.get(RectificationEvidence, row.id) is None
