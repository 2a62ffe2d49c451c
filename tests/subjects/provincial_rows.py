"""Random provincial evaluations and summaries for the visibility agreement (test_visibility_agreement.py):
at the province, one per fund and year in every status, and the years' summaries, drafts and sent. Some are
at a prefecture's region too: the clause and the check must agree on any row, not only the ones the
services make."""

import random
from itertools import product

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region, User
from src.models.enums import PoolingLevel, RegionLevel
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationStatus,
    ProvincialEvaluationSummary,
    ProvincialSummaryStatus,
)

YEARS = (2025, 2026)
ROWS = 10


async def make_provincial_rows(session: AsyncSession, rng: random.Random) -> None:
    # A generator of their own, seeded without advancing the world's (the later draws stay as tuned).
    rng = random.Random(hash(rng.getstate()[1]) + 1)
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    funds = (await session.exec(select(FundType.id).order_by(col(FundType.id)))).all()
    regions = (
        await session.exec(
            select(Region.id)
            .where(col(Region.level).in_([RegionLevel.PROVINCE, RegionLevel.PREFECTURE]))
            .order_by(col(Region.id))
        )
    ).all()
    assert user is not None and funds and regions
    province, others = regions[0], list(regions[1:4])
    scopes = rng.sample(list(product([province, *others], funds, YEARS)), ROWS)
    for region_id, fund_type_id, year in scopes:
        session.add(
            ProvincialEvaluation(
                region_id=region_id or 0, fund_type_id=fund_type_id or 0, year=year,
                pooling_level=rng.choice(list(PoolingLevel)),
                status=rng.choice(list(ProvincialEvaluationStatus)),
                opener_organization_id=user.organization_id,
            )
        )  # fmt: skip
    # More than the agreement deletes of a documented subject type (GONE), so that some always remain.
    for region_id, year in product([province, *others], (2024, *YEARS)):
        session.add(
            ProvincialEvaluationSummary(
                region_id=region_id or 0, year=year, status=rng.choice(list(ProvincialSummaryStatus)),
                organization_id=user.organization_id,
            )
        )  # fmt: skip
    await session.flush()
