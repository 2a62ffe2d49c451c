"""Random assessment rounds for the visibility agreement (test_visibility_agreement.py): rounds of a few years
at the province, drafts and published (a draft's prefecture rows sit at the province, a published one's at
each prefecture: the clause's CASE and the check must agree), each with a row for every prefecture."""

import random

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AssessmentRound, PrefectureAssessment, Region, User
from src.models.assessment import AssessmentStatus
from src.models.enums import RegionLevel

YEARS = range(2013, 2026)  # more than the agreement deletes of a documented subject (GONE)


async def make_assessment_rows(session: AsyncSession, rng: random.Random) -> None:
    # A generator of their own, seeded without advancing the world's (the later draws stay as tuned).
    rng = random.Random(hash(rng.getstate()[1]) + 3)
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    province = (await session.exec(select(Region.id).where(Region.level == RegionLevel.PROVINCE))).first()
    prefectures = (await session.exec(select(Region.id).where(Region.level == RegionLevel.PREFECTURE))).all()
    assert user is not None and province is not None
    for year in YEARS:
        status = rng.choice(list(AssessmentStatus))
        row = AssessmentRound(
            region_id=province, year=year, status=status, organization_id=user.organization_id
        )
        session.add(row)
        await session.flush()
        for region_id in prefectures:
            session.add(
                PrefectureAssessment(
                    round_id=row.id or 0, region_id=region_id or 0, year=year,
                    published=status == AssessmentStatus.PUBLISHED,
                )
            )  # fmt: skip
    await session.flush()
