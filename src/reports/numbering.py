"""Document numbers (发文字号, GB/T 9704 7.2.5; FORMS.md §5): 川财社〔2026〕12号.

A numbered document kind declares its number (`DocumentSpec.number`, src/subjects/documents.py): the actor
type of the body that issues it, its family code (财社, 人社 …) and how a subject says where and when it is
issued (its region, the year of the sequence, whether it is issued yet). The issuing body — the organization
of that actor type at that region — numbers each family's documents per year, 1, 2, 3 … (no leading zeros,
no 第). The prefix is the region's document abbreviation, a regional rule (Art. 23, DOCUMENT_ABBREVIATION: 川
for the province, 成 for 成都市 … or what the region set), then the family: 川财社, 成人社. A subject keeps
the number it was given, one per family, however often its document is built again; a new version of it (a
new row, Art. 14) gets its own. Numbers are assigned when the document of a subject that is issued is first
built (`number_for`, called by the kind's context builder). Nothing here knows a domain: the goal table's
parts (the finance body, the goal's region and first year, issued when in force) are its registration's
(src/domains/goals.py).
"""

import logging
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DocumentNumber, Organization, Region
from src.models.enums import ActorType
from src.services.rules import rules_for_region
from src.subjects.documents import DocumentSpec, NumberSpec
from src.subjects.registry import registry

logger = logging.getLogger(__name__)

# How often an assignment that lost a race is tried again. Each loss means another assignment of the same
# body, family and year committed meanwhile, so this many concurrent assignments always succeed.
ATTEMPTS = 10


class NumberingFailed(RuntimeError):
    """No number could be assigned after ATTEMPTS tries (far more concurrent assignments than expected)."""


def document_prefix(abbreviation: str, family: str) -> str:
    """The code before 〔year〕: the region's abbreviation, then the family (川 + 财社 = 川财社)."""
    return f"{abbreviation}{family}"


async def _existing(session: AsyncSession, subject_type: str, subject_id: int, family: str) -> str | None:
    stmt = select(DocumentNumber.text).where(
        DocumentNumber.subject_type == subject_type,
        DocumentNumber.subject_id == subject_id,
        DocumentNumber.family == family,
    )
    return (await session.exec(stmt)).first()


async def _issuer(session: AsyncSession, region_id: int, actor_type: ActorType) -> int | None:
    stmt = select(Organization.id).where(
        Organization.region_id == region_id, Organization.actor_type == actor_type
    )
    return (await session.exec(stmt)).first()


def _insert_next(
    *,
    organization_id: int,
    family: str,
    year: int,
    subject_type: str,
    subject_id: int,
    prefix: str,
) -> sa.Insert:
    """INSERT … SELECT max(sequence) + 1 of the body, family and year, in one statement. The text is built
    in SQL from the same sequence, as GB/T 9704 7.2.5 writes it: the year in full in 〔 〕, the sequence
    without leading zeros or 第, then 号."""
    number = DocumentNumber.__table__.c  # type: ignore[attr-defined]
    sequence = sa.func.coalesce(sa.func.max(number.sequence), 0) + 1
    text = sa.literal(f"{prefix}〔{year}〕") + sa.cast(sequence, sa.String) + sa.literal("号")
    source = sa.select(
        sa.literal(organization_id, sa.Integer),
        sa.literal(family, sa.String),
        sa.literal(year, sa.Integer),
        sequence,
        sa.literal(subject_type, sa.String),
        sa.literal(subject_id, sa.Integer),
        sa.literal(prefix, sa.String),
        text,
    ).where(number.organization_id == organization_id, number.family == family, number.year == year)
    columns = ["organization_id", "family", "year", "sequence", "subject_type", "subject_id"]
    columns += ["prefix", "text"]
    return sa.insert(DocumentNumber).from_select(columns, source)


def _numbering(spec: DocumentSpec, subject: Any) -> tuple[NumberSpec, int]:
    """The kind's number and the subject's id; ValueError for a kind without a number, or a row that is
    not of the kind's subject."""
    if spec.number is None:
        raise ValueError(f"document kind {spec.kind} carries no number")
    subject_spec = registry().subject_of(subject)
    if subject_spec.name != spec.subject:
        raise ValueError(f"document kind {spec.kind} documents a {spec.subject}, not a {subject_spec.name}")
    return spec.number, subject_spec.row_id(subject)


async def number_for(*, session: AsyncSession, spec: DocumentSpec, subject: Any) -> str:
    """The number of the `spec` kind's document of `subject` (a row of the kind's subject), assigned from
    its issuing body's sequence of the family and the year if the subject has none in that family yet; ""
    for a subject not issued yet (a goal not in force: a draft, one under review), and for a region without
    an organization of the issuer's actor type on record (no body to number it). A subject no longer
    issued (a superseded goal version) keeps showing the number it was issued under. The caller commits
    (soon: on PostgreSQL a concurrent assignment of the same body, family and year waits for that commit).

    Concurrency: the next sequence is taken as max + 1 in the INSERT itself, and the unique constraints
    (body, family, year, sequence) and (subject, family) decide. On SQLite the INSERT takes the database's
    write lock before it reads the max, so it always sees the latest number. On PostgreSQL (READ
    COMMITTED) two assignments can read the same max: the second waits on the unique index until the first
    commits, then fails; it is rolled back to its SAVEPOINT and tried again, and then reads the committed
    number. A subject numbered meanwhile by another assignment (two jobs of one goal) fails the same way
    and returns that number. This needs no dialect-specific locking and holds no lock on the organization
    row. (On SQLite, as the driver runs it here, a SAVEPOINT opened before any other write of the
    transaction is its outermost level, and releasing it commits: there the number is kept even if the
    caller then rolls back.)"""
    numbering, subject_id = _numbering(spec, subject)
    found = await _existing(session, spec.subject, subject_id, numbering.family)
    if found is not None:
        return found
    issue = await numbering.issue(session, subject)
    if not issue.numberable:
        return ""
    region = await session.get(Region, issue.region_id)
    assert region is not None
    organization_id = await _issuer(session, issue.region_id, numbering.issuer)
    if organization_id is None:
        logger.warning(
            "%s %s: no %s organization in region %s to number its %s",
            spec.subject,
            subject_id,
            numbering.issuer,
            region.code,
            spec.kind,
        )
        return ""
    rules = await rules_for_region(session=session, region=region)
    insert = _insert_next(
        organization_id=organization_id,
        family=numbering.family,
        year=issue.year,
        subject_type=spec.subject,
        subject_id=subject_id,
        prefix=document_prefix(rules.document_abbreviation, numbering.family),
    )
    for _ in range(ATTEMPTS):
        try:
            async with session.begin_nested():
                await session.exec(insert)
        except IntegrityError:
            pass  # lost a race: the subject was numbered meanwhile, or the sequence moved on
        found = await _existing(session, spec.subject, subject_id, numbering.family)
        if found is not None:
            return found
    raise NumberingFailed(f"{spec.subject} {subject_id}: no {spec.kind} number after {ATTEMPTS} attempts")
