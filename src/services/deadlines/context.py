"""What every deadline source reads for one year and one area (a region and every region below it), read
once for all of them: the regions, the rules in force in each (Art. 23: a deadline's date comes from the
rules, within the text's), and the funds pooled in the area's regions in a year (Art. 6)."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, PoolingArrangement, Region
from src.models.enums import Administration, RegionLevel
from src.services.pooling import pooling_region_level
from src.services.rules.reads import DefinedRule, RuleSet, defined_rules, resolve
from src.services.rules.region_defaults import RegionFacts


@dataclass(frozen=True)
class PooledFund:
    """A fund whose budget a region owns in a year (a pooling region, 统筹地区)."""

    region: RegionFacts
    fund_type_id: int
    fund_name: str
    administration: Administration


@dataclass
class DeadlineContext:
    session: AsyncSession
    year: int
    area: RegionFacts
    regions: Mapping[int, RegionFacts]  # the area and every region below it, by id
    defined: list[DefinedRule]  # the stored rules of those regions and of the area's ancestors
    _rules: dict[int, RuleSet] = field(default_factory=dict)
    _pooled: dict[int, list[PooledFund]] = field(default_factory=dict)

    @classmethod
    async def load(cls, *, session: AsyncSession, area: Region, year: int) -> "DeadlineContext":
        """Two statements: the area's regions and their rules."""
        rows = (
            await session.exec(
                select(Region)
                .where(col(Region.path).startswith(area.path, autoescape=True))
                .order_by(col(Region.code))
            )
        ).all()
        regions = {facts.id: facts for facts in map(RegionFacts.of, rows)}
        defined = await defined_rules(session, area, with_descendants=True)
        return cls(session=session, year=year, area=RegionFacts.of(area), regions=regions, defined=defined)

    def rules(self, region_id: int) -> RuleSet:
        """The rules in force in a region of the area (resolved in memory, once each)."""
        found = self._rules.get(region_id)
        if found is None:
            found = self._rules[region_id] = resolve(self.regions[region_id], self.defined)
        return found

    def of_level(self, level: RegionLevel) -> list[RegionFacts]:
        return [region for region in self.regions.values() if region.level == level]

    async def pooled_funds(self, year: int) -> list[PooledFund]:
        """The area's pooling regions × the funds they pool in `year` (one statement, once per year): a
        fund pooled at the province is the province's, any other each prefecture's (pooling.py)."""
        found = self._pooled.get(year)
        if found is not None:
            return found
        stmt = (
            select(FundType, PoolingArrangement)
            .join(PoolingArrangement, col(PoolingArrangement.fund_type_id) == FundType.id)
            .where(PoolingArrangement.year == year, col(FundType.active))
            .order_by(col(FundType.sort_order), col(FundType.id))
        )
        found = []
        arrangements = (await self.session.exec(stmt)).all()
        for region in self.regions.values():
            for fund, arrangement in arrangements:
                if pooling_region_level(arrangement.pooling_level) == region.level:
                    assert fund.id is not None
                    found.append(PooledFund(region, fund.id, fund.name_zh, fund.administration))
        self._pooled[year] = found
        return found
