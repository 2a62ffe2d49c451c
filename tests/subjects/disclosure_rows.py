"""Random disclosures for the visibility agreement (test_visibility_agreement.py): regions of every level,
in every status (the rule reads none of them as a draft: the clause and the check must agree on that)."""

import random

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure, Region, User
from src.models.disclosure import DisclosureStatus

COUNT = 12


async def make_disclosure_rows(session: AsyncSession, rng: random.Random) -> None:
    # A generator of their own, seeded without advancing the world's (the later draws stay as tuned).
    rng = random.Random(hash(rng.getstate()[1]) + 3)
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    assert user is not None
    regions = (await session.exec(select(Region.id).order_by(col(Region.id)))).all()
    scopes = rng.sample([(r, y) for r in regions for y in (2024, 2025)], min(COUNT, 2 * len(regions)))
    for region, year in scopes:
        session.add(
            Disclosure(
                region_id=region or 0, year=year, status=rng.choice(list(DisclosureStatus)),
                organization_id=user.organization_id, last_edited_by=user.id or 0,
            )
        )  # fmt: skip
    await session.flush()
