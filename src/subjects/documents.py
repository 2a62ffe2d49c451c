"""Document kinds: what the report jobs render, registered per domain (src/domains/).

A kind names its subject type, its template (report_templates/<template>, by default <kind>.docx, built by
report_templates/build.py) and how to build that template's context (as the requester: a document never
shows more than the API would to the same person), what version of the data a document is made of (so the
same request for unchanged data gets the same job), which subjects a batch of it covers, and — for an
official document — its number (发文字号, `NumberSpec`): which type of body issues it and its family code.
The service that issues a subject has src/reports/numbering.py assign the number (the issuing body, the
moment and act of the issue are the service's), the prefix being the issuing body's region's abbreviation
(a regional rule, Art. 23) and the family: 川财社〔2026〕1号, 川人社〔2026〕1号, or a prefecture's own
(成财社, or what 成都市 sets). A context builder reads the number it stored; building a document assigns none.
"""

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.document_number import FAMILY_MAX_LENGTH
from src.models.enums import ActorType
from src.models.report import ReportFormat
from src.services.actors import Actor

# Families of document numbers: the issuing body's code between the region's abbreviation and 〔year〕.
FINANCE_SOCIAL_SECURITY = "财社"  # a finance body's social-security documents: 川财社 (四川省财政厅)
HUMAN_RESOURCES_SOCIAL_SECURITY = "人社"  # the human resources and social security department's: 川人社


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
class NumberSpec:
    """The document number of a kind: an organization of actor type `issuer` issues it, numbering each
    `family`'s documents per year of issue from 1 (src/reports/numbering.py)."""

    issuer: ActorType  # FINANCE for the goal table (四川省财政厅, 成都市财政局 …), HRSS for 人社 documents
    family: str  # 财社: printed after the region's abbreviation, 川财社〔2026〕1号

    def __post_init__(self) -> None:
        refused = any(c.isspace() or c in "〔〕" for c in self.family)
        if refused or not 0 < len(self.family) <= FAMILY_MAX_LENGTH:
            raise ValueError(f"family {self.family!r}: 1 to {FAMILY_MAX_LENGTH} characters, no space or 〔〕")


@dataclass(frozen=True)
class DocumentSpec:
    kind: str  # GOAL_TABLE
    label: str  # 绩效目标表
    subject: str  # the registered subject type it documents ("Goal")
    # The context of one subject's document, read as `actor`; NotFound when it may not read the subject.
    # Its keys are exactly the template's variables (tests/reports/test_render.py checks every kind).
    build_context: Callable[..., Awaitable[dict[str, Any]]]  # (session=, actor=, subject_id=)
    # What each subject's document is made of, by subject id (fingerprinted with the request).
    versions: Callable[[AsyncSession, Sequence[Any]], Awaitable[dict[int, list[Any]]]]
    # The subjects a batch of this kind covers, as `actor` may read them, drafts only if the scope says so
    # (None: no batches of it).
    batch: Callable[[AsyncSession, Actor, BatchScope, int], Awaitable[Sequence[Any]]] | None = None
    # Optional: the contexts of many subjects at once, by subject id, those `actor` may not read absent
    # (session=, actor=, subject_ids=): a batch's chunk then reads its data in a few statements, not a
    # few per document. Each context must equal build_context's for the same subject.
    build_contexts: Callable[..., Awaitable[dict[int, dict[str, Any]]]] | None = None
    batch_label: str = ""  # what a batch covers, for the message when it finds none: "绩效目标"
    template: str = ""  # its file in report_templates/ (the renderer's directory); "" is <kind>.docx
    number: NumberSpec | None = None  # its 发文字号, for an official document; None: not numbered
    # The formats it is made in (a request for another is refused): a document from a DOCX template is DOCX
    # or its PDF; a kind drawn in code names its own.
    formats: tuple[ReportFormat, ...] = (ReportFormat.DOCX, ReportFormat.PDF)
    # A kind drawn in code rather than filled into a template (a spreadsheet to fill in): the file's bytes
    # from the context its builder gave. Such a kind has no template.
    draw: Callable[[Mapping[str, Any]], bytes] | None = None

    def __post_init__(self) -> None:
        if not self.template and self.draw is None:
            object.__setattr__(self, "template", f"{self.kind}.docx")
        if not self.formats:
            raise ValueError(f"document kind {self.kind} is made in no format")


@dataclass(frozen=True)
class ExportScope:
    """What an export covers: a year's records that its requester may read, optionally only one fund's and
    only those of a region with the regions below it; drafts only when asked for."""

    year: int
    fund_type_id: int | None = None
    region_path: str | None = None  # "/510000/510100/"; None: wherever the requester reads
    include_drafts: bool = False


@dataclass(frozen=True)
class ExportSpec:
    """A kind of document that is no one subject's: every record of a year (GOALS_XLSX), written as the
    requester reads them, in partitions, to a file on disk (never whole in memory)."""

    kind: str  # GOALS_XLSX
    label: str  # 年度绩效目标汇总表
    subject: str  # the registered subject type it exports ("Goal")
    # Writes the file at `path` (session=, actor=, scope=, path=); returns the rows it wrote.
    write: Callable[..., Awaitable[int]]
    # What the data is at (session, scope) → a version: the same request for unchanged data gets its job.
    version: Callable[[AsyncSession, ExportScope], Awaitable[Any]]
    formats: tuple[ReportFormat, ...] = (ReportFormat.XLSX,)
