"""Document numbers (发文字号, GB/T 9704 7.2.5; FORMS.md §5): 川财社〔2026〕12号.

A number is part of issuing a document, not of printing it: the service that issues a subject (goalIssue,
guiding or formal, Art. 10) calls `number_for` in its own transaction with the `Issue` — which body issues
it, when, and which act of the subject it is — and stores the number; a document's context builder only
reads it (rendering never assigns: a reader's download uses up nobody's number).

A numbered document kind declares its number (`DocumentSpec.number`, src/subjects/documents.py): the actor
type of the bodies that issue it and its family code (财社, 人社 …). The issuing body — an organization of
that actor type — numbers each family's documents per year of issue (the year of the issue's moment in
China, not a year the subject is about), 1, 2, 3 … (no leading zeros, no 第). The prefix is the issuing
body's region's document abbreviation, a regional rule (Art. 23, DOCUMENT_ABBREVIATION: 川 for the
province, 成 for 成都市 … or what the region set), then the family: 川财社, 成人社. A subject gets one number
per family and act (a goal's guiding and formal issues are two acts, two documents: two numbers); asked
again for the same act, `number_for` returns the number already given. A new version of a subject (a new
row, Art. 14) gets its own. Nothing here knows a domain: the goal table's family and issuer are its
registration's (src/domains/goals.py), its acts the goal service's (src/services/goals/issuing.py).
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.db import savepoint
from src.models import DocumentNumber, Organization, Region
from src.services.rules import rules_for_region
from src.subjects.documents import DocumentSpec, NumberSpec
from src.subjects.registry import registry

CHINA = ZoneInfo("Asia/Shanghai")

# How often an assignment that lost a race is tried again. Each loss means another assignment of the same
# body, family and year committed meanwhile, so this many concurrent assignments always succeed.
ATTEMPTS = 10


class NumberingFailed(RuntimeError):
    """No number could be assigned after ATTEMPTS tries (far more concurrent assignments than expected)."""


@dataclass(frozen=True)
class Issue:
    """One issue of a subject's document, as its number needs it."""

    organization_id: int  # the issuing body (of the kind's issuer type): its sequence numbers it
    at: datetime  # the moment of issue: the sequence is that of its year in China
    act: str = ""  # which issue of the subject ("" for a kind issued once; a goal's GUIDING or FORMAL)


def year_of_issue(at: datetime) -> int:
    """The year a document issued at `at` is numbered in: the calendar year in China (GB/T 9704's 年份)."""
    return at.astimezone(CHINA).year


def document_prefix(abbreviation: str, family: str) -> str:
    """The code before 〔year〕: the region's abbreviation, then the family (川 + 财社 = 川财社)."""
    return f"{abbreviation}{family}"


async def _existing(
    session: AsyncSession, subject_type: str, subject_id: int, family: str, act: str
) -> str | None:
    stmt = select(DocumentNumber.text).where(
        DocumentNumber.subject_type == subject_type,
        DocumentNumber.subject_id == subject_id,
        DocumentNumber.family == family,
        DocumentNumber.act == act,
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
    act: str,
    at: datetime,
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
        sa.literal(act, sa.String),
        sa.literal(at, DocumentNumber.__table__.c.created_at.type),  # type: ignore[attr-defined]
    ).where(number.organization_id == organization_id, number.family == family, number.year == year)
    columns = ["organization_id", "family", "year", "sequence", "subject_type", "subject_id"]
    columns += ["prefix", "text", "act", "created_at"]
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


async def number_for(*, session: AsyncSession, spec: DocumentSpec, subject: Any, issue: Issue) -> str:
    """The number of the `spec` kind's document of `subject` (a row of the kind's subject) for `issue`:
    assigned from the issuing body's sequence of the family and the year of issue, unless the subject has
    one for that family and act already (then that one). Called by the service that issues the subject, in
    its transaction (on PostgreSQL a concurrent assignment of the same body, family and year waits for its
    commit). ValueError for an issuing body not of the kind's issuer type.

    Concurrency: the next sequence is taken as max + 1 in the INSERT itself, and the unique constraints
    (body, family, year, sequence) and (subject, family, act) decide. On SQLite the INSERT takes the
    database's write lock before it reads the max, so it always sees the latest number. On PostgreSQL (READ
    COMMITTED) two assignments can read the same max: the second waits on the unique index until the first
    commits, then fails; it is rolled back to its SAVEPOINT and tried again, and then reads the committed
    number. A subject numbered meanwhile for the same act by another assignment fails the same way and
    returns that number. This needs no dialect-specific locking and holds no lock on the organization row.
    (On SQLite, as the driver runs it here, a SAVEPOINT opened before any other write of the transaction is
    its outermost level, and releasing it commits; an issuing transaction has written the subject first.)"""
    numbering, subject_id = _numbering(spec, subject)
    found = await _existing(session, spec.subject, subject_id, numbering.family, issue.act)
    if found is not None:
        return found
    organization = await session.get(Organization, issue.organization_id)
    if organization is None or organization.actor_type != numbering.issuer:
        raise ValueError(f"organization {issue.organization_id} does not issue {spec.kind} documents")
    region = await session.get(Region, organization.region_id)
    assert region is not None and organization.id is not None
    rules = await rules_for_region(session=session, region=region)
    insert = _insert_next(
        organization_id=organization.id,
        family=numbering.family,
        year=year_of_issue(issue.at),
        subject_type=spec.subject,
        subject_id=subject_id,
        prefix=document_prefix(rules.document_abbreviation, numbering.family),
        act=issue.act,
        at=issue.at,
    )
    for _ in range(ATTEMPTS):
        try:
            async with savepoint(session):
                await session.exec(insert)
        except IntegrityError:
            pass  # lost a race: the subject was numbered meanwhile, or the sequence moved on
        found = await _existing(session, spec.subject, subject_id, numbering.family, issue.act)
        if found is not None:
            return found
    raise NumberingFailed(f"{spec.subject} {subject_id}: no {spec.kind} number after {ATTEMPTS} attempts")
