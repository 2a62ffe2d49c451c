"""What the rectification tests share: a minimal valid file of each allowed type, the raising of an item
by 财政厅 for 成都's medical agency, and an evidence file attached by its owner."""

import io
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.rectification import RectificationCategory, RectificationEvidence, RectificationItem
from src.reports.storage import LocalStorage
from src.services.actors import Actor
from src.services.rectification import evidence, items, workflow
from tests.services.conftest import CHENGDU, Sessionmaker, act

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 32
MAX_BYTES = 10 * 1024 * 1024


def ooxml(part: str) -> bytes:
    """A ZIP holding [Content_Types].xml and `part` (word/document.xml, xl/workbook.xml)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr(part, "<x/>")
    return buffer.getvalue()


BASE = items.ItemInput(
    region_code=CHENGDU,
    fund_code="EMPLOYEE_MEDICAL",
    year=2025,
    category=RectificationCategory.EXECUTION_LAG,
    problem="基金支出预算执行进度滞后于序时进度",
    owner_organization_id=0,
    source_text="2025年度绩效评价结果反馈",
)


def with_(**changes: Any) -> items.ItemInput:
    return replace(BASE, **changes)


async def raise_item(
    sessionmaker: Sessionmaker, raiser: Actor, owner: Actor, **changes: Any
) -> RectificationItem:
    data = replace(BASE, owner_organization_id=owner.organization_id, **changes)
    return await act(sessionmaker, lambda s: items.create_item(session=s, actor=raiser, data=data))


async def attach(
    sessionmaker: Sessionmaker, owner: Actor, storage_dir: Path, item_id: int, name: str = "整改报告.pdf",
    data: bytes = PDF,
) -> RectificationEvidence:  # fmt: skip
    storage = LocalStorage(storage_dir)
    return await act(
        sessionmaker,
        lambda s: evidence.add_evidence(
            session=s,
            actor=owner,
            storage=storage,
            item_id=item_id,
            file_name=name,
            data=data,
            max_bytes=MAX_BYTES,
        ),
    )


Step = Callable[[AsyncSession], Awaitable[RectificationItem]]


def create(actor: Actor, data: items.ItemInput) -> Step:
    return lambda s: items.create_item(session=s, actor=actor, data=data)


def update(actor: Actor, item_id: int, version: int, **changes: Any) -> Step:
    return lambda s: items.update_item(
        session=s, actor=actor, item_id=item_id, row_version=version, changes=changes
    )


def report(actor: Actor, item_id: int, version: int) -> Step:
    return lambda s: workflow.report_item(session=s, actor=actor, item_id=item_id, row_version=version)


def verify(actor: Actor, item_id: int, version: int) -> Step:
    return lambda s: workflow.verify_item(session=s, actor=actor, item_id=item_id, row_version=version)


def send_back(actor: Actor, item_id: int, version: int, reason: str = "佐证材料不全") -> Step:
    return lambda s: workflow.return_item(
        session=s, actor=actor, item_id=item_id, row_version=version, reason=reason
    )
