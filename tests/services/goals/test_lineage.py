"""Art. 14: an indicator keeps its lineage across the versions of its goal — an adjustment, a national
return's new version, a region's goal re-based or re-versioned on a new province version — and a new
indicator starts one. On SQLite and PostgreSQL."""

import uuid
from dataclasses import dataclass
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Indicator, IndicatorCreate, Region
from src.models.base import utcnow
from src.models.enums import (
    ActorType,
    Administration,
    Comparator,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
)
from src.seed.reference import load_reference_data
from src.services.actors import Actor, load_actor
from src.services.goals.indicators import create_indicator, delete_indicator
from src.services.goals.lineage import (
    LineageMatch,
    indicators_by_lineage,
    inherited_lineages,
    match_versions,
)
from src.services.goals.steps import GoalAction
from src.services.goals.workflow import Assessment, request_adjustment, return_goal, transition
from tests.factories import make_goal, make_user

MED = Administration.MEDICAL_SECURITY
PROVINCE, CHENGDU, ZIGONG = "510000", "510100", "510300"
ASSESSMENT = Assessment(
    what_changed="参保人数较预期减少", reason="参保政策调整", fund_effect="收入减少", target_effect="目标下调"
)


async def _actor(
    sessionmaker: async_sessionmaker[AsyncSession],
    actor_type: ActorType,
    region_code: str = PROVINCE,
    administration: Administration | None = None,
) -> Actor:
    user = await make_user(
        sessionmaker, actor_type=actor_type, region_code=region_code, administration=administration
    )
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=user.id or 0)
    assert actor is not None
    return actor


@pytest.fixture
async def reference(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()


async def _province_goal(
    sessionmaker: async_sessionmaker[AsyncSession], status: GoalStatus, *, national: bool = False
) -> int:
    """A province-wide 2027 goal of employee medical insurance (pooled by prefecture), three indicators."""
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code=PROVINCE, year=2027, status=status, indicators=3)
        if national:
            goal.national_submitted_at = utcnow()
            session.add(goal)
        await session.commit()
    return goal.id or 0


def _new(level3: str) -> IndicatorCreate:
    return IndicatorCreate(
        level1=IndicatorCategory.OUTPUT,
        level2="数量",
        level3=level3,
        kind=IndicatorKind.QUANTITATIVE,
        comparator=Comparator.GE,
        unit="%",
        weight=Decimal(5),
        target_value=Decimal(90),
    )


async def _add(
    sessionmaker: async_sessionmaker[AsyncSession], actor: Actor, goal_id: int, level3: str
) -> Indicator:
    async with sessionmaker() as session:
        created = await create_indicator(session=session, actor=actor, goal_id=goal_id, data=_new(level3))
        await session.commit()
    return created


async def _adjust(sessionmaker: async_sessionmaker[AsyncSession], actor: Actor, goal_id: int) -> int:
    async with sessionmaker() as session:
        goal = await session.get(Goal, goal_id)
        assert goal is not None
        new = await request_adjustment(
            session=session, actor=actor, goal_id=goal_id, row_version=goal.row_version, assessment=ASSESSMENT
        )
        await session.commit()
    return new.id or 0


async def _matches(
    sessionmaker: async_sessionmaker[AsyncSession], earlier: int, later: int
) -> list[LineageMatch]:
    async with sessionmaker() as session:
        return await match_versions(session=session, earlier_goal_id=earlier, later_goal_id=later)


async def test_art14_adjustment_keeps_indicator_lineage(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    v1 = await _province_goal(sessionmaker, GoalStatus.ISSUED)
    v2 = await _adjust(sessionmaker, await _actor(sessionmaker, ActorType.AGENCY, administration=MED), v1)

    matches = await _matches(sessionmaker, v1, v2)
    assert len(matches) == 3
    for match in matches:
        assert match.earlier is not None and match.later is not None
        assert match.earlier.lineage_id == match.later.lineage_id == match.lineage_id
        assert (match.earlier.goal_id, match.later.goal_id) == (v1, v2)
        assert match.earlier.level3 == match.later.level3
    assert [m.later.level3 for m in matches if m.later] == ["指标1", "指标2", "指标3"]  # v2's order


async def test_art14_new_indicator_starts_a_lineage(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    agency = await _actor(sessionmaker, ActorType.AGENCY, administration=MED)
    v1 = await _province_goal(sessionmaker, GoalStatus.ISSUED)
    v2 = await _adjust(sessionmaker, agency, v1)
    added = await _add(sessionmaker, agency, v2, "新增指标")
    async with sessionmaker() as session:
        by_name = {i.level3: i for i in (await indicators_by_lineage(session=session, goal_id=v2)).values()}
        removed = by_name["指标1"]
        await delete_indicator(
            session=session, actor=agency, indicator_id=removed.id or 0, row_version=removed.row_version
        )
        await session.commit()

    matches = {m.lineage_id: m for m in await _matches(sessionmaker, v1, v2)}
    assert len(matches) == 4
    fresh = matches[added.lineage_id]
    assert fresh.earlier is None and fresh.later is not None and fresh.later.level3 == "新增指标"
    gone = matches[removed.lineage_id]
    assert gone.later is None and gone.earlier is not None and gone.earlier.level3 == "指标1"
    kept = [m for key, m in matches.items() if key not in (added.lineage_id, removed.lineage_id)]
    assert len(kept) == 2 and all(m.earlier and m.later for m in kept)


async def test_art14_national_return_keeps_indicator_lineage(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    v1 = await _province_goal(sessionmaker, GoalStatus.ISSUED_GUIDING, national=True)
    national = await _actor(sessionmaker, ActorType.NATIONAL)
    async with sessionmaker() as session:
        v2 = await return_goal(session=session, actor=national, goal_id=v1, row_version=1, reason="目标偏低")
        await session.commit()
    assert v2.version == 2 and v2.status == GoalStatus.RETURNED

    matches = await _matches(sessionmaker, v1, v2.id or 0)
    assert len(matches) == 3 and all(m.earlier and m.later for m in matches)


@dataclass
class FirstIssue:
    """Province version 1 issued as guiding: Chengdu's goal is a draft, Zigong's in force; each has added an
    indicator of its own."""

    province: int
    chengdu: int
    zigong: int
    own: dict[str, Indicator]  # by region code
    lineages: dict[str, dict[uuid.UUID, uuid.UUID]]  # by region code: province lineage → the region's
    finance: Actor


async def _issue_guiding(
    sessionmaker: async_sessionmaker[AsyncSession], finance: Actor, goal_id: int
) -> None:
    async with sessionmaker() as session:
        goal = await session.get(Goal, goal_id)
        assert goal is not None
        await transition(
            session=session,
            actor=finance,
            goal_id=goal_id,
            row_version=goal.row_version,
            action=GoalAction.ISSUE_GUIDING,
        )
        await session.commit()


async def _set_status(
    sessionmaker: async_sessionmaker[AsyncSession], goal_id: int, status: GoalStatus
) -> None:
    """Stands for a goal's own review chain, which these tests are not about."""
    async with sessionmaker() as session:
        goal = await session.get(Goal, goal_id)
        assert goal is not None
        goal.status = status
        session.add(goal)
        await session.commit()


async def _children(sessionmaker: async_sessionmaker[AsyncSession], province: int) -> dict[str, Goal]:
    async with sessionmaker() as session:
        rows = await session.exec(
            select(Region.code, Goal)
            .join(Region, col(Region.id) == Goal.region_id)
            .where(Goal.parent_goal_id == province)
        )
        return {code: goal for code, goal in rows.all()}


async def _inherited(
    sessionmaker: async_sessionmaker[AsyncSession], goal_id: int
) -> dict[uuid.UUID, uuid.UUID]:
    async with sessionmaker() as session:
        return await inherited_lineages(session=session, goal_id=goal_id)


@pytest.fixture
async def first_issue(sessionmaker: async_sessionmaker[AsyncSession], reference: None) -> FirstIssue:
    finance = await _actor(sessionmaker, ActorType.FINANCE)
    province = await _province_goal(sessionmaker, GoalStatus.REVIEWED)
    await _issue_guiding(sessionmaker, finance, province)
    children = await _children(sessionmaker, province)
    own: dict[str, Indicator] = {}
    for code in (CHENGDU, ZIGONG):
        agency = await _actor(sessionmaker, ActorType.AGENCY, code, MED)
        own[code] = await _add(sessionmaker, agency, children[code].id or 0, "本地区指标")
    await _set_status(sessionmaker, children[ZIGONG].id or 0, GoalStatus.ISSUED_GUIDING)
    return FirstIssue(
        province=province,
        chengdu=children[CHENGDU].id or 0,
        zigong=children[ZIGONG].id or 0,
        own=own,
        lineages={code: await _inherited(sessionmaker, children[code].id or 0) for code in (CHENGDU, ZIGONG)},
        finance=finance,
    )


async def test_art14_decomposition_gives_inherited_indicators_a_lineage_of_their_own(
    sessionmaker: async_sessionmaker[AsyncSession], first_issue: FirstIssue
) -> None:
    async with sessionmaker() as session:
        province = await indicators_by_lineage(session=session, goal_id=first_issue.province)
    chengdu, zigong = first_issue.lineages[CHENGDU], first_issue.lineages[ZIGONG]
    # Each region's inherited indicator follows one province lineage, under a lineage of the region's own.
    assert set(chengdu) == set(zigong) == set(province)
    assert not set(chengdu.values()) & (set(zigong.values()) | set(province))


async def test_art14_region_adjustment_keeps_inherited_and_own_lineage(
    sessionmaker: async_sessionmaker[AsyncSession], first_issue: FirstIssue
) -> None:
    agency = await _actor(sessionmaker, ActorType.AGENCY, ZIGONG, MED)
    v2 = await _adjust(sessionmaker, agency, first_issue.zigong)

    matches = await _matches(sessionmaker, first_issue.zigong, v2)
    assert len(matches) == 4 and all(m.earlier and m.later for m in matches)
    for m in matches:
        assert m.earlier is not None and m.later is not None
        assert m.later.inherited_from_id == m.earlier.inherited_from_id  # the same province indicator
    assert await _inherited(sessionmaker, v2) == first_issue.lineages[ZIGONG]


@dataclass
class SecondIssue:
    """Province version 2 (an adjustment adding an indicator) issued as guiding over FirstIssue."""

    first: FirstIssue
    province: int
    added: Indicator  # the province's new indicator in version 2
    zigong: int  # Zigong's version 2, decomposed from the province's version 2


@pytest.fixture
async def second_issue(
    sessionmaker: async_sessionmaker[AsyncSession], first_issue: FirstIssue
) -> SecondIssue:
    agency = await _actor(sessionmaker, ActorType.AGENCY, administration=MED)
    v2 = await _adjust(sessionmaker, agency, first_issue.province)
    added = await _add(sessionmaker, agency, v2, "全省新增指标")
    await _set_status(sessionmaker, v2, GoalStatus.REVIEWED)
    await _issue_guiding(sessionmaker, first_issue.finance, v2)
    children = await _children(sessionmaker, v2)
    assert children[CHENGDU].id == first_issue.chengdu  # re-based
    assert children[ZIGONG].previous_version_id == first_issue.zigong  # a new version
    return SecondIssue(first=first_issue, province=v2, added=added, zigong=children[ZIGONG].id or 0)


async def test_art14_rebased_region_draft_keeps_inherited_lineage(
    sessionmaker: async_sessionmaker[AsyncSession], second_issue: SecondIssue
) -> None:
    before = second_issue.first.lineages[CHENGDU]
    after = await _inherited(sessionmaker, second_issue.first.chengdu)
    # The province's lineages carried into its version 2 keep Chengdu's; the new one starts one for Chengdu.
    assert {k: after[k] for k in before} == before
    assert set(after) == {*before, second_issue.added.lineage_id}
    assert after[second_issue.added.lineage_id] not in {*before.values(), second_issue.added.lineage_id}
    async with sessionmaker() as session:
        chengdu = await indicators_by_lineage(session=session, goal_id=second_issue.first.chengdu)
        province = {
            i.id
            for i in (await indicators_by_lineage(session=session, goal_id=second_issue.province)).values()
        }
    own = second_issue.first.own[CHENGDU]
    assert chengdu[own.lineage_id].id == own.id  # untouched
    assert {i.inherited_from_id for i in chengdu.values() if i.inherited_from_id} == province


async def test_art14_region_goal_in_force_keeps_lineage_in_its_new_version(
    sessionmaker: async_sessionmaker[AsyncSession], second_issue: SecondIssue
) -> None:
    first = second_issue.first
    matches = await _matches(sessionmaker, first.zigong, second_issue.zigong)
    kept = [m for m in matches if m.earlier and m.later]
    new = [m for m in matches if m.earlier is None]
    assert len(kept) == 4 and len(new) == 1 and len(matches) == 5  # 3 inherited and its own; 1 new
    assert new[0].later is not None and new[0].later.level3 == "全省新增指标"
    assert any(m.lineage_id == first.own[ZIGONG].lineage_id for m in kept)
    after = await _inherited(sessionmaker, second_issue.zigong)
    assert {k: after[k] for k in first.lineages[ZIGONG]} == first.lineages[ZIGONG]
