"""A prefecture's monitoring entry sheets, filled in as their users would fill them (for
bench/monitoring_xlsx.py): the entering agencies, the (agency, goal) pairs whose sheet has rows, a valid
value in every entry row, and synthetic sheets of any size made of those rows.

Who enters what (src/services/monitoring/entry_places.py): of a prefecture-pooled fund's goal, the
counties' agencies what sums (every budget execution line, the indicators aggregated by sum or rate), the
prefecture's agency what does not. Agencies are of the fund's administration (HRSS, medical security).
"""

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import cycle, islice
from typing import Any

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.read_api import BenchFailure
from src.models import FundType, Goal, Indicator, Organization, Region, User
from src.models.enums import ActorType, Administration, QualitativeGrade, label_zh
from src.models.monitoring import CompletionLikelihood
from src.services.actors import Actor, load_actor
from src.services.monitoring import clock
from src.services.monitoring.entry_checks import bounds
from src.services.monitoring.entry_places import goals_in_force
from src.services.monitoring.entry_sheet import entry_sheet_context
from src.services.policy import ISSUED_STATES


@dataclass(frozen=True)
class Sheet:
    actor: Actor
    goal_id: int


@dataclass(frozen=True)
class Sheets:
    prefecture: Region
    goals: int  # in force at the prefecture
    sheets: list[Sheet]
    indicators: dict[int, Indicator]  # of the prefecture's goals, by id


@contextmanager
def calendar(today: date) -> Iterator[None]:
    """The monitoring calendar (src/services/monitoring/clock.py, which tests move the same way) at `today`
    meanwhile: the sheets' months are those ended on that day."""
    saved = clock.china_today
    clock.china_today = lambda: today
    try:
        yield
    finally:
        clock.china_today = saved


async def _agency_user(session: AsyncSession, region: Region, administration: Administration) -> int:
    """A user of the region's agency of `administration` (the organization made when missing)."""
    org = (
        await session.exec(
            select(Organization).where(
                Organization.actor_type == ActorType.AGENCY,
                Organization.region_id == region.id,
                Organization.administration == administration,
            )
        )
    ).first()
    if org is None:
        name = f"{region.name}{label_zh(administration)}经办机构"
        org = Organization(
            name=name, actor_type=ActorType.AGENCY, administration=administration, region_id=region.id or 0
        )
        session.add(org)
        await session.flush()
    username = f"bench_xlsx_{region.code}_{administration.value.lower()}"
    user = (await session.exec(select(User).where(User.username == username))).first()
    if user is None:
        user = User(username=username, full_name="基准测试填报", organization_id=org.id or 0)
        session.add(user)
        await session.flush()
    return user.id or 0


async def _agencies(session: AsyncSession, prefecture: Region) -> list[Actor]:
    """The agencies of the prefecture and of its counties, of both administrations (committed)."""
    parts = (await session.exec(select(Region).where(Region.parent_id == prefecture.id))).all()
    actors = []
    for region in (prefecture, *sorted(parts, key=lambda r: r.code)):
        for administration in Administration:
            user_id = await _agency_user(session, region, administration)
            actor = await load_actor(session=session, user_id=user_id)
            assert actor is not None
            actors.append(actor)
    await session.commit()
    return actors


async def prefecture_sheets(session: AsyncSession, code: str) -> Sheets:
    """The prefecture's goals in force and every (agency, goal) whose sheet has rows (as of the calendar)."""
    prefecture = (await session.exec(select(Region).where(Region.code == code))).one()
    actors = await _agencies(session, prefecture)
    issued = select(Goal.lineage_id).where(
        Goal.region_id == prefecture.id, col(Goal.status).in_(list(ISSUED_STATES))
    )
    in_force = await goals_in_force(session, set((await session.exec(issued)).all()))
    if not in_force:
        raise BenchFailure(f"no goal in force at {code}")
    sheets = []
    for goal in sorted(in_force.values(), key=lambda g: g.id or 0):
        fund = await session.get(FundType, goal.fund_type_id)
        assert fund is not None and goal.id is not None
        for actor in actors:
            if actor.administration != fund.administration:
                continue
            context = await entry_sheet_context(
                session=session, actor=actor, subject_id=goal.id, prefilled=True
            )
            if context["actuals"] or context["executions"]:
                sheets.append(Sheet(actor, goal.id))
    of_goals = select(Indicator).join(Goal, col(Goal.id) == Indicator.goal_id)
    found = (await session.exec(of_goals.where(Goal.region_id == prefecture.id))).all()
    return Sheets(prefecture, len(in_force), sheets, {i.id or 0: i for i in found})


def _value(indicator: Indicator) -> Decimal:
    """A valid actual of a quantitative indicator that is not a rate: its target, within its bounds."""
    limits = bounds(indicator)
    value = indicator.target_value if indicator.target_value is not None else Decimal(1)
    value = max(value, limits.low) if limits.low is not None else value
    value = min(value, limits.high) if limits.high is not None else value
    return value.to_integral_value() if limits.whole else value.quantize(Decimal("0.0001"))


def filled(context: dict[str, Any], indicators: dict[int, Indicator]) -> dict[str, Any]:
    """The context with every entry row filled in: a qualitative indicator's grade, a rate's numerator and
    denominator, another's value; a likelihood and a forecast; every budget line's amount to date."""
    actuals = []
    for row in context["actuals"]:
        entry: dict[str, Any] = {
            "likelihood": label_zh(CompletionLikelihood.POSSIBLE),
            "forecast": "预计可完成年度目标",
        }
        if row["qualitative"]:
            entry["grade"] = label_zh(QualitativeGrade.ACHIEVED)
        elif row["rate"]:
            entry |= {"numerator": Decimal(99), "denominator": Decimal(100)}
        else:
            entry["value"] = _value(indicators[row["indicator_id"]])
        actuals.append(row | entry)
    executions = []
    for row in context["executions"]:
        budget = Decimal(row["adjusted"] if row["adjusted"] is not None else row["initial"])
        executions.append(row | {"amount": (budget * row["month"] / 24).quantize(Decimal("0.01"))})
    return context | {"actuals": actuals, "executions": executions}


def rows_of(context: dict[str, Any]) -> int:
    return len(context["actuals"]) + len(context["executions"])


def synthetic(contexts: Sequence[dict[str, Any]], rows: int) -> dict[str, Any]:
    """A sheet of `rows` rows: the filled sheets' rows repeated (indicator actuals and budget lines in
    their proportion)."""
    pool = [
        (kind, row) for context in contexts for kind in ("actuals", "executions") for row in context[kind]
    ]
    chosen = list(islice(cycle(pool), rows))
    return {
        "title": f"基准测试 {rows} 行填报表",
        "notes": contexts[0]["notes"],
        "actuals": [row for kind, row in chosen if kind == "actuals"],
        "executions": [row for kind, row in chosen if kind == "executions"],
    }
