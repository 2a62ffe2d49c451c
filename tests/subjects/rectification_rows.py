"""Random rectification items for the visibility agreement (test_visibility_agreement.py): at regions of
every level, of every fund, in every status (none is a draft: the item's region and its fund decide)."""

import random
from datetime import date, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, RectificationItem, Region, User
from src.models.rectification import RectificationCategory, RectificationStatus

ITEMS = 40


async def make_rectification_rows(session: AsyncSession, rng: random.Random) -> None:
    # A generator of their own, seeded without advancing the world's (the later draws stay as tuned).
    rng = random.Random(hash(rng.getstate()[1]) + 3)
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    assert user is not None
    regions = [r for r in (await session.exec(select(Region.id).order_by(col(Region.id)))).all() if r]
    funds = [f for f in (await session.exec(select(FundType.id).order_by(col(FundType.id)))).all() if f]
    for _ in range(ITEMS):
        raised_on = date(2026, 1, 1) + timedelta(days=rng.randrange(300))
        session.add(
            RectificationItem(
                region_id=rng.choice(regions) or 0, fund_type_id=rng.choice(funds) or 0, year=2025,
                category=rng.choice(list(RectificationCategory)), problem="问题", source_text="来源",
                owner_organization_id=user.organization_id, raised_by_organization_id=user.organization_id,
                raised_on=raised_on, due_on=raised_on + timedelta(days=30),
                status=rng.choice(list(RectificationStatus)),
            )
        )  # fmt: skip
    await session.flush()
