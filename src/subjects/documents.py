"""Document kinds: what the report jobs render, registered per domain (src/domains/).

A kind names its subject type and says how to build its template's context (as the requester: a document
never shows more than the API would to the same person), what version of the data a document is made of
(so the same request for unchanged data gets the same job), and which subjects a batch of it covers. Its
template is report_templates/<kind>.docx.
"""

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.services.actors import Actor


@dataclass(frozen=True)
class BatchScope:
    """Every subject of a fund, a year and a region with the regions below it."""

    fund_type_id: int
    fund_type_code: str
    region_id: int
    region_code: str
    region_path: str
    year: int
    # Drafts (those the requester may read) only when asked for: a batch leaves them out by default.
    include_drafts: bool = False


@dataclass(frozen=True)
class DocumentSpec:
    kind: str  # GOAL_TABLE: the template is report_templates/GOAL_TABLE.docx
    label: str  # 绩效目标表
    subject: str  # the registered subject type it documents ("Goal")
    # The context of one subject's document, read as `actor`; NotFound when it may not read the subject.
    build_context: Callable[..., Awaitable[dict[str, Any]]]  # (session=, actor=, subject_id=)
    # What each subject's document is made of, by subject id (fingerprinted with the request).
    versions: Callable[[AsyncSession, Sequence[Any]], Awaitable[dict[int, list[Any]]]]
    # The subjects a batch of this kind covers, as `actor` may read them, drafts only if the scope says so
    # (None: no batches of it).
    batch: Callable[[AsyncSession, Actor, BatchScope, int], Awaitable[Sequence[Any]]] | None = None
    batch_label: str = ""  # what a batch covers, for the message when it finds none: "绩效目标"
