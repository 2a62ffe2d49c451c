"""The demo data set read back (after its commit, so values made the round trip), held in memory for the
read-only tests of tests/seed/ (loaded once per database: conftest.py)."""

from dataclasses import dataclass

from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    FundBudget,
    FundBudgetLine,
    FundType,
    Goal,
    Indicator,
    IndicatorTemplate,
    Organization,
    Region,
    User,
)
from src.seed.demo import DemoCounts
from src.services.pooling import pooling_regions

YEARS = (2025, 2026)


@dataclass
class Demo:
    """Every demo row, read back in a fresh session after the commit (so values made the round trip)."""

    counts: DemoCounts
    regions: dict[int, Region]
    funds: dict[int, FundType]
    templates: dict[int, IndicatorTemplate]
    orgs: list[Organization]
    users: list[User]
    goals: list[Goal]
    indicators: list[Indicator]
    budgets: list[FundBudget]
    lines: list[FundBudgetLine]
    pooling: dict[tuple[str, int], list[str]]  # (fund code, year) → pooling region codes

    def region(self, code: str) -> Region:
        return next(r for r in self.regions.values() if r.code == code)

    def fund(self, code: str) -> FundType:
        return next(f for f in self.funds.values() if f.code == code)


async def read_demo(session: AsyncSession, counts: DemoCounts) -> Demo:
    funds = {f.id: f for f in (await session.exec(select(FundType))).all() if f.id is not None}
    pooling: dict[tuple[str, int], list[str]] = {}
    for fund_id, fund in funds.items():
        for year in YEARS:
            regions = await pooling_regions(session=session, fund_type_id=fund_id, year=year)
            pooling[(fund.code, year)] = [r.code for r in regions]
    return Demo(
        counts=counts,
        regions={r.id: r for r in (await session.exec(select(Region))).all() if r.id is not None},
        funds=funds,
        templates={
            t.id: t for t in (await session.exec(select(IndicatorTemplate))).all() if t.id is not None
        },
        orgs=list((await session.exec(select(Organization))).all()),
        users=list((await session.exec(select(User))).all()),
        goals=list((await session.exec(select(Goal))).all()),
        indicators=list((await session.exec(select(Indicator))).all()),
        budgets=list((await session.exec(select(FundBudget))).all()),
        lines=list((await session.exec(select(FundBudgetLine))).all()),
        pooling=pooling,
    )
