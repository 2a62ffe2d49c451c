"""An item's evidence files (整改佐证材料, Art. 20): attached by its owner while it is OPEN or RETURNED, and
removable then. A file is PDF, DOCX, XLSX, JPEG or PNG by its name AND its first bytes (a renamed file is
refused), at most the upload limit, its name one line of at most FILE_NAME_MAX_LENGTH characters. Stored as
documents are (src/reports/storage.py) under a key of its own, with its sha256: the bytes are written
first, the row then; if the row fails the bytes are deleted, so no row names a missing file and no file is
left without a row once the caller deletes it on a failed commit (src/app/evidence.py)."""

import hashlib
import io
import re
import secrets
import zipfile
from collections.abc import Sequence

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.models.rectification import (
    FILE_NAME_MAX_LENGTH,
    RectificationEventKind,
    RectificationEvidence,
    RectificationItem,
)
from src.reports.storage import Storage
from src.services import audit, policy
from src.services.actors import Actor
from src.services.errors import DomainError, ErrorCode, FieldProblem, NotFound, ValidationFailed
from src.services.rectification.items import event, require_editable, require_owner, visible_item
from src.services.rectification.scope import region_scope

CHANGED = RectificationEventKind.RECTIFICATION_ITEM_CHANGED
# Extension → (content type, what its first bytes must be).
TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
}
_MAGIC = {"pdf": b"%PDF-", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n"}
_OOXML_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}
_BAD_NAME = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff/\\]")
MAX_PER_ITEM = 20  # evidence files of one item: enough for any rectification, bounded for the page


class EvidenceRefused(DomainError):
    """A file the upload refuses as a whole: too large (413) or not an allowed type (415)."""

    def __init__(self, message: str, *, status: int, reason: str) -> None:
        super().__init__(message)
        self.status = status
        self.reason = reason


def checked_name(file_name: str) -> str:
    name = file_name.strip()
    if not name or len(name) > FILE_NAME_MAX_LENGTH or _BAD_NAME.search(name):
        raise ValidationFailed(
            [
                FieldProblem(
                    "fileName", f"文件名须为 1 至 {FILE_NAME_MAX_LENGTH} 个字符，不含控制字符和路径分隔符"
                )
            ]
        )
    return name


def _is_ooxml(data: bytes, part: str) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, OSError):
        return False
    return "[Content_Types].xml" in names and part in names


def content_type_of(file_name: str, data: bytes) -> str:
    """The file's content type, by its extension confirmed by its bytes; EvidenceRefused (415) otherwise."""
    extension = file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if extension not in TYPES:
        raise EvidenceRefused("仅接受 PDF、DOCX、XLSX、JPEG、PNG 格式的文件", status=415, reason="TYPE")
    if extension in _OOXML_PART:
        matches = data.startswith(b"PK\x03\x04") and _is_ooxml(data, _OOXML_PART[extension])
    else:
        matches = data.startswith(_MAGIC[extension])
    if not matches:
        raise EvidenceRefused(f"文件内容不是 {extension.upper()} 格式", status=415, reason="CONTENT")
    return TYPES[extension]


async def evidence_of(session: AsyncSession, item_ids: Sequence[int]) -> list[RectificationEvidence]:
    stmt = (
        select(RectificationEvidence)
        .where(col(RectificationEvidence.item_id).in_(list(item_ids)))
        .order_by(col(RectificationEvidence.id))
    )
    return list((await session.exec(stmt)).all())


async def _owned(session: AsyncSession, actor: Actor, item_id: int, operation: str) -> RectificationItem:
    item = await visible_item(session=session, actor=actor, item_id=item_id)
    policy.require(actor, policy.Action.RECTIFICATION_REPORT, await region_scope(session, item))
    require_owner(actor, item)
    require_editable(item, operation)
    return item


async def add_evidence(
    *, session: AsyncSession, actor: Actor, storage: Storage, item_id: int, file_name: str, data: bytes,
    max_bytes: int,
) -> RectificationEvidence:  # fmt: skip
    """The owner attaches a file: its bytes stored before its row is flushed (and removed if that fails)."""
    operation = "rectificationEvidenceUpload"
    item = await _owned(session, actor, item_id, operation)
    name = checked_name(file_name)
    if len(data) > max_bytes:
        raise EvidenceRefused(f"文件过大：上限为 {max_bytes} 字节", status=413, reason="SIZE")
    content_type = content_type_of(name, data)
    if len(await evidence_of(session, [item_id])) >= MAX_PER_ITEM:
        raise ValidationFailed(
            [FieldProblem("file", f"每个整改事项最多 {MAX_PER_ITEM} 份佐证材料", ErrorCode.OUT_OF_RANGE)]
        )
    extension = name.rsplit(".", 1)[-1].lower()
    key = f"rectification/{item_id}/{secrets.token_hex(16)}.{extension}"
    evidence = RectificationEvidence(
        item_id=item_id, storage_key=key, file_name=name, content_type=content_type, size=len(data),
        sha256=hashlib.sha256(data).hexdigest(), uploaded_by=actor.user_id, uploaded_at=utcnow(),
    )  # fmt: skip
    await storage.put(key, data)
    try:
        await audit.created(session=session, actor=actor, operation=operation, row=evidence)
        payload = {"operation": operation, "evidenceId": evidence.id, "fileName": name}
        await event(session, actor, item, CHANGED, payload)
    except BaseException:
        await storage.delete(key)
        raise
    return evidence


async def visible_evidence(*, session: AsyncSession, actor: Actor, evidence_id: int) -> RectificationEvidence:
    """The file's row if `actor` may read its item; NotFound otherwise, as for a missing one."""
    evidence = await session.get(RectificationEvidence, evidence_id)
    if evidence is None:
        raise NotFound("整改佐证材料", evidence_id)
    try:
        await visible_item(session=session, actor=actor, item_id=evidence.item_id)
    except NotFound:
        raise NotFound("整改佐证材料", evidence_id) from None
    return evidence


async def delete_evidence(
    *, session: AsyncSession, actor: Actor, evidence_id: int
) -> tuple[RectificationItem, str]:
    """The owner removes a file while the item is OPEN or RETURNED: its row now, its bytes by the caller
    once the transaction committed (the key returned)."""
    operation = "rectificationEvidenceDelete"
    evidence = await visible_evidence(session=session, actor=actor, evidence_id=evidence_id)
    item = await _owned(session, actor, evidence.item_id, operation)
    key = evidence.storage_key
    await audit.deleted(session=session, actor=actor, operation=operation, row=evidence)
    payload = {"operation": operation, "evidenceId": evidence_id, "fileName": evidence.file_name}
    await event(session, actor, item, CHANGED, payload)
    return item, key
