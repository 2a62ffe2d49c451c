"""Document numbers (发文字号, GB/T 9704 7.2.5; FORMS.md §5): 川财社〔2026〕12号.

A goal table documents the issuing of a goal, so the table of a goal in force carries the number of its
issue: the issuing body (the FINANCE organization of the goal's region) numbers its documents per year,
1, 2, 3 … (no leading zeros, no 第), and a goal version keeps the number it was given. Numbers are assigned
when the table of a goal in force is first built (`number_for`, called by the goal table's context builder).
"""

import logging

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DocumentNumber, Goal, Organization, Region
from src.models.enums import ActorType, RegionLevel
from src.services import policy

logger = logging.getLogger(__name__)

# 社会保障 documents of a finance body: 川财社 (四川省财政厅). The province's one-character abbreviation
# (简称) by the first two digits of its code; a province not listed takes the first character of its name.
PROVINCE_ABBREVIATIONS = {"51": "川"}
# [INFERRED convention, not verified] A prefecture's finance bureau uses the first character of the
# prefecture's name (成财社 成都市, 自财社 自贡市 …). 广元市 and 广安市 share their first character, which
# would give both 广财社 and two different documents the same number; 广安市 takes its first two characters
# (广安财社), as its own documents appear to (广安府发 beside 广元市's 广府发 — recalled, not verified).
PREFECTURE_ABBREVIATIONS = {"511600": "广安"}
FINANCE_SOCIAL_SECURITY = "财社"
# How often an assignment that lost a race is tried again. Each loss means another assignment of the same
# body and year committed meanwhile, so this many concurrent assignments always succeed.
ATTEMPTS = 10


class NumberingFailed(RuntimeError):
    """No number could be assigned after ATTEMPTS tries (far more concurrent assignments than expected)."""


def document_prefix(region: Region) -> str:
    """The code before 〔year〕 in the numbers of the finance body of `region`: 川财社, 成财社, 自财社 …

    Counties [INFERRED as well; no county is a pooling region in the shipped data]: the first two
    characters of the county's name (锦江财社), since many counties share a first character."""
    if region.level == RegionLevel.PROVINCE:
        abbreviation = PROVINCE_ABBREVIATIONS.get(region.code[:2], region.name[:1])
    elif region.level == RegionLevel.PREFECTURE:
        abbreviation = PREFECTURE_ABBREVIATIONS.get(region.code, region.name[:1])
    else:
        abbreviation = region.name[:2]
    return f"{abbreviation}{FINANCE_SOCIAL_SECURITY}"


async def _existing(session: AsyncSession, goal_id: int) -> str | None:
    stmt = select(DocumentNumber.text).where(DocumentNumber.goal_id == goal_id)
    return (await session.exec(stmt)).first()


async def _issuer(session: AsyncSession, region_id: int) -> int | None:
    stmt = select(Organization.id).where(
        Organization.region_id == region_id, Organization.actor_type == ActorType.FINANCE
    )
    return (await session.exec(stmt)).first()


def _insert_next(*, organization_id: int, year: int, goal_id: int, prefix: str) -> sa.Insert:
    """INSERT … SELECT max(sequence) + 1 of the body and year, in one statement. The text is built in SQL
    from the same sequence, as GB/T 9704 7.2.5 writes it: the year in full in 〔 〕, the sequence without
    leading zeros or 第, then 号."""
    number = DocumentNumber.__table__.c  # type: ignore[attr-defined]
    sequence = sa.func.coalesce(sa.func.max(number.sequence), 0) + 1
    text = sa.literal(f"{prefix}〔{year}〕") + sa.cast(sequence, sa.String) + sa.literal("号")
    source = sa.select(
        sa.literal(organization_id, sa.Integer),
        sa.literal(year, sa.Integer),
        sequence,
        sa.literal(goal_id, sa.Integer),
        sa.literal(prefix, sa.String),
        text,
    ).where(number.organization_id == organization_id, number.year == year)
    columns = ["organization_id", "year", "sequence", "goal_id", "prefix", "text"]
    return sa.insert(DocumentNumber).from_select(columns, source)


async def number_for(*, session: AsyncSession, goal: Goal) -> str:
    """The document number of `goal`, assigned from its issuing body's sequence of `goal.start_year` if it
    has none yet; "" for a goal not in force (a draft, one under review), and for a region without a
    finance organization on record (no issuing body to number it). A version no longer in force keeps
    showing the number it was issued under. The caller commits (soon: on PostgreSQL a concurrent
    assignment of the same body and year waits for that commit).

    Concurrency: the next sequence is taken as max + 1 in the INSERT itself, and the unique constraints
    (body, year, sequence) and (goal) decide. On SQLite the INSERT takes the database's write lock before it
    reads the max, so it always sees the latest number. On PostgreSQL (READ COMMITTED) two assignments can
    read the same max: the second waits on the unique index until the first commits, then fails; it is
    rolled back to its SAVEPOINT and tried again, and then reads the committed number. A goal numbered
    meanwhile by another assignment (two jobs of one goal) fails the same way and returns that number. This
    needs no dialect-specific locking and holds no lock on the organization row. (On SQLite, as the driver
    runs it here, a SAVEPOINT opened before any other write of the transaction is its outermost level, and
    releasing it commits: there the number is kept even if the caller then rolls back.)"""
    assert goal.id is not None
    found = await _existing(session, goal.id)
    if found is not None or goal.status not in policy.ISSUED_STATES:
        return found or ""
    region = await session.get(Region, goal.region_id)
    assert region is not None
    organization_id = await _issuer(session, goal.region_id)
    if organization_id is None:
        logger.warning("goal %s: no finance organization in region %s to number it", goal.id, region.code)
        return ""
    insert = _insert_next(
        organization_id=organization_id,
        year=goal.start_year,
        goal_id=goal.id,
        prefix=document_prefix(region),
    )
    for _ in range(ATTEMPTS):
        try:
            async with session.begin_nested():
                await session.exec(insert)
        except IntegrityError:
            pass  # lost a race: the goal was numbered meanwhile, or the sequence moved on
        found = await _existing(session, goal.id)
        if found is not None:
            return found
    raise NumberingFailed(f"goal {goal.id}: no document number after {ATTEMPTS} attempts")
