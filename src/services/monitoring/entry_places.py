"""Who enters what where (Art. 5, 6, 13): the goal in force an entry belongs to, and the region whose own
figure it is.

Art. 6: a fund pooled nationally or 统收统支 at the province is the province's responsibility and
「各市（州）相关部门具体承担」; 调剂金 and the other funds are the prefectures', and
「各县（市、区）相关部门具体承担」. So a pooling region's *parts* — the regions directly below it — each
enter their own part, and the pooling region's figure is the sum of its parts (the roll-up, Art. 12), never
entered directly. That holds for what sums: every budget execution line (amounts, balances) and the
indicators that split by sum or rate (aggregation SUM, RATE: a rate sums its numerator and denominator).
What does not sum — a qualitative grade, a level such as 申领办理时限 (aggregation NONE) — is the pooling
region's own judgement, entered by its agency. A pooling region without parts on record enters everything
itself.

Who at that region (policy.py): its agency (经办机构…具体实施运行监控, Art. 13); for the contribution line
(社会保险费收入) also its tax department, which collects the contributions (Art. 5 税务部门…具体负责运行监控).
"""

import uuid
from dataclasses import dataclass, field

from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, Indicator, Region
from src.models.enums import Aggregation, BudgetItem, IndicatorKind, RegionLevel
from src.services import policy
from src.services.actors import Actor
from src.services.errors import Forbidden
from src.services.pooling import pooling_level, pooling_region_level
from src.services.rows import kept_row

PARTS_OF = {RegionLevel.PROVINCE: "各市（州）", RegionLevel.PREFECTURE: "各县（市、区）"}


def summable(indicator: Indicator) -> bool:
    """An indicator whose pooling-region figure is the sum of its parts' (Art. 12 roll-up)."""
    return indicator.kind == IndicatorKind.QUANTITATIVE and indicator.aggregation in (
        Aggregation.SUM,
        Aggregation.RATE,
    )


@dataclass(frozen=True)
class Place:
    """A pooling region of a fund in a year, as entries see it."""

    region: Region
    fund: FundType
    year: int
    is_pooling_region: bool  # the region is the fund's pooling level's (else: no entries on it)
    has_parts: bool

    @property
    def parts_label(self) -> str:
        return PARTS_OF.get(self.region.level, "下级地区")


@dataclass
class Places:
    """Pooling levels and regions' parts read once per call, whatever the number of rows."""

    session: AsyncSession
    _levels: dict[tuple[int, int], RegionLevel] = field(default_factory=dict)
    _parts: dict[int, bool] = field(default_factory=dict)

    async def of(self, *, region_id: int, fund_type_id: int, year: int) -> Place:
        region = await kept_row(self.session, Region, region_id)
        fund = await kept_row(self.session, FundType, fund_type_id)
        assert region is not None and fund is not None and region.id is not None
        key = (fund_type_id, year)
        if key not in self._levels:
            level = await pooling_level(session=self.session, fund_type_id=fund_type_id, year=year)
            self._levels[key] = pooling_region_level(level)
        if region.id not in self._parts:
            count = select(func.count()).select_from(Region).where(col(Region.parent_id) == region.id)
            self._parts[region.id] = (await self.session.exec(count)).one() > 0
        pooling = region.level == self._levels[key]
        return Place(region, fund, year, pooling, self._parts[region.id])


def entered_by_parts(place: Place, *, sums: bool) -> bool:
    return sums and place.has_parts


def where_refusal(actor: Actor, place: Place, *, sums: bool, what: str) -> str | None:
    """Why `actor`'s region does not enter `what` of `place`, or None when it does."""
    if entered_by_parts(place, sums=sums):
        if actor.region_path.startswith(place.region.path) and actor.region_path.count("/") == (
            place.region.path.count("/") + 1
        ):
            return None
        return (
            f"{what}：{place.region.name}的数据为{place.parts_label}填报数之和，"
            f"由{place.parts_label}经办机构分别填报本地区数据（第六条），本级不直接填报"
        )
    if actor.region_path == place.region.path:
        return None
    return f"{what}：由统筹地区（{place.region.name}）经办机构填报"


def require_entering(actor: Actor, place: Place, *, sums: bool, item: BudgetItem | None, what: str) -> None:
    """The actor may enter this at its own region: its body (policy) and its region (the place above);
    Forbidden, naming what and where, otherwise."""
    action = policy.Action.MONITORING_ENTER
    if item == BudgetItem.CONTRIBUTION:
        action = policy.Action.MONITORING_ENTER_CONTRIBUTION
    own = policy.Scope(
        region_path=actor.region_path,
        region_level=actor.region_level,
        administration=place.fund.administration,
    )
    if not policy.allowed(actor, action, own):
        if actor.read_only:
            raise Forbidden(policy.READ_ONLY_MESSAGE)
        if policy.allowed(actor.unconfined(), action, own):
            raise Forbidden(policy.TOKEN_REGION_MESSAGE)
        who = "经办机构或税务部门" if item == BudgetItem.CONTRIBUTION else "经办机构"
        raise Forbidden(f"{what}：运行监控数据由本地区{who}填报（第十三条）")
    refusal = where_refusal(actor, place, sums=sums, what=what)
    if refusal is not None:
        raise Forbidden(refusal)


async def goals_in_force(session: AsyncSession, lineages: set[uuid.UUID]) -> dict[uuid.UUID, Goal]:
    """The version in force of each goal lineage (Art. 10, 14): the newest issued, guiding or formal."""
    if not lineages:
        return {}
    stmt = (
        select(Goal)
        .where(col(Goal.lineage_id).in_(sorted(lineages)), col(Goal.status).in_(list(policy.ISSUED_STATES)))
        .order_by(col(Goal.version).desc(), col(Goal.id).desc())
    )
    found: dict[uuid.UUID, Goal] = {}
    for goal in (await session.exec(stmt)).all():
        found.setdefault(goal.lineage_id, goal)
    return found
