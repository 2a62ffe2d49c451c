"""Random 两书一函 cases for the visibility agreement (test_visibility_agreement.py): one per prefecture and
year, at every level (a case without a letter sits at the province as a draft, one with a letter at its
prefecture: the clause's CASE and the check must agree), in a status that fits its level."""

import random

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EscalationCase, Region, User
from src.models.enums import RegionLevel
from src.models.escalation import EscalationStatus

YEARS = (2025, 2026)
SENT = [s for s in EscalationStatus if s != EscalationStatus.OPEN]


async def make_escalation_rows(session: AsyncSession, rng: random.Random) -> None:
    # A generator of their own, seeded without advancing the world's (the later draws stay as tuned).
    rng = random.Random(hash(rng.getstate()[1]) + 3)
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    province = (await session.exec(select(Region.id).where(Region.level == RegionLevel.PROVINCE))).first()
    assert user is not None and province is not None
    prefectures = (
        await session.exec(
            select(Region.id).where(Region.level == RegionLevel.PREFECTURE).order_by(col(Region.id))
        )
    ).all()
    for region in prefectures:
        for year in YEARS:
            level = rng.randrange(4)
            status = EscalationStatus.OPEN if level == 0 else rng.choice(SENT)
            session.add(
                EscalationCase(
                    region_id=region or 0, province_id=province, year=year, reason="考核", status=status,
                    level=level, organization_id=user.organization_id,
                )
            )  # fmt: skip
    await session.flush()
