"""Random result applications for the visibility agreement (test_visibility_agreement.py): on random
(region, fund, year) scopes of the drawn goals, written at their region or at the province, in every
status (a draft sits where it is written, a recorded one at its region: the clause's CASE and the check
must agree), some with a use linking a goal."""

import random

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Region, ResultApplication, ResultApplicationUse, User
from src.models.enums import RegionLevel
from src.models.result_application import ApplicationKind, ResultApplicationStatus

COUNT = 24


async def make_application_rows(session: AsyncSession, rng: random.Random) -> None:
    # A generator of their own, seeded without advancing the world's (the later draws stay as tuned).
    rng = random.Random(hash(rng.getstate()[1]) + 3)
    user = (await session.exec(select(User).order_by(col(User.id)))).first()
    province = (await session.exec(select(Region.id).where(Region.level == RegionLevel.PROVINCE))).first()
    assert user is not None and province is not None
    goals = (await session.exec(select(Goal).order_by(col(Goal.id)))).all()
    scopes = {(g.region_id, g.fund_type_id, g.start_year - 1): g for g in goals}
    for (region, fund, year), goal in rng.sample(sorted(scopes.items()), min(COUNT, len(scopes))):
        row = ResultApplication(
            region_id=region, author_region_id=rng.choice((region, province)), fund_type_id=fund, year=year,
            status=rng.choice(list(ResultApplicationStatus)), organization_id=user.organization_id,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        kind = rng.choice(list(ApplicationKind))
        session.add(
            ResultApplicationUse(
                application_id=row.id or 0, kind=kind, description="应用",
                goal_id=goal.id if rng.random() < 0.5 else None,
            )
        )  # fmt: skip
    await session.flush()
