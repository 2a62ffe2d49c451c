"""src/services/goals/reads.py: goals_select reads the goals an actor may see (policy.visible_goals_clause),
the same for the API, the document worker and the events; and narrows them by year, fund, region, status
and horizon. Who sees what is the policy's (policy.goal_visible): own region and below everything, the
regions above all but drafts, sibling regions nothing; HRSS, medical security and agencies only their
administration's funds; the national departments every submitted goal; a third party none until assigned."""

from dataclasses import dataclass, replace

import pytest

from src.models import FundType, Region
from src.models.enums import ActorType, Administration, GoalHorizon, GoalStatus
from src.services import policy
from src.services.actors import Actor
from src.services.goals.reads import GoalQuery, goals_select
from src.subjects.scope import RecordScope
from tests.factories import make_actor, make_goal
from tests.services.conftest import CHENGDU, HRSS, PROVINCE, YAAN, Bodies, Sessionmaker

S = GoalStatus
# label: (region, fund, status) — one 2027 annual goal each.
GOALS = {
    "四川 职工医保 draft": (PROVINCE, "EMPLOYEE_MEDICAL", S.DRAFT),
    "四川 居民医保 issued": (PROVINCE, "RESIDENT_MEDICAL", S.ISSUED),
    "四川 工伤 submitted": (PROVINCE, "WORK_INJURY", S.SUBMITTED),
    "成都 职工医保 draft": (CHENGDU, "EMPLOYEE_MEDICAL", S.DRAFT),
    "成都 居民医保 issued": (CHENGDU, "RESIDENT_MEDICAL", S.ISSUED),
    "成都 居民养老 returned": (CHENGDU, "RESIDENT_PENSION", S.RETURNED),
    "雅安 职工医保 draft": (YAAN, "EMPLOYEE_MEDICAL", S.DRAFT),
    "雅安 居民医保 submitted": (YAAN, "RESIDENT_MEDICAL", S.SUBMITTED),
}


@dataclass(frozen=True)
class Stored:
    label: str
    region_path: str
    administration: Administration | None
    status: GoalStatus


@pytest.fixture
async def goals(sessionmaker: Sessionmaker, reference: None) -> dict[int, Stored]:
    """The goals above, by id, with what the policy decides on."""
    stored: dict[int, Stored] = {}
    async with sessionmaker() as session:
        for label, (region_code, fund_code, status) in GOALS.items():
            goal = await make_goal(
                session, fund_code=fund_code, region_code=region_code, status=status, indicators=0
            )
            region = await session.get(Region, goal.region_id)
            fund = await session.get(FundType, goal.fund_type_id)
            assert region is not None and fund is not None
            stored[goal.id or 0] = Stored(label, region.path, fund.administration, status)
        await session.commit()
    return stored


async def readers(sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies) -> dict[str, Actor]:
    async def actor(
        actor_type: ActorType,
        region_code: str = PROVINCE,
        administration: Administration | None = None,
        is_admin: bool = False,
    ) -> Actor:
        return await make_actor(
            sessionmaker,
            actor_type=actor_type,
            region_code=region_code,
            administration=administration,
            is_admin=is_admin,
        )

    service_account = await actor(ActorType.FINANCE)
    return {
        "province finance": province.finance,
        "province medical agency": province.agency,
        "province HRSS agency": await actor(ActorType.AGENCY, administration=HRSS),
        "province tax": province.tax,
        "chengdu finance": chengdu.finance,
        "chengdu medical agency": chengdu.agency,
        "chengdu medical security": chengdu.reviewer,
        "yaan finance": await actor(ActorType.FINANCE, YAAN),
        "national": await actor(ActorType.NATIONAL),
        "third party": await actor(ActorType.THIRD_PARTY),
        "administrator (at 雅安)": await actor(ActorType.FINANCE, YAAN, is_admin=True),
        # An API token confined to 成都市 (src/services/identity/api_tokens.py sets it so).
        "province finance, token for 成都": replace(service_account, token_region_path="/510000/510100/"),
    }


EVERYTHING = set(GOALS)
SEES = {
    "province finance": EVERYTHING,
    "province medical agency": {
        "四川 职工医保 draft",
        "四川 居民医保 issued",
        "成都 职工医保 draft",
        "成都 居民医保 issued",
        "雅安 职工医保 draft",
        "雅安 居民医保 submitted",
    },
    "province HRSS agency": {"四川 工伤 submitted", "成都 居民养老 returned"},
    "province tax": EVERYTHING,
    "chengdu finance": {
        "成都 职工医保 draft",
        "成都 居民医保 issued",
        "成都 居民养老 returned",
        "四川 居民医保 issued",
        "四川 工伤 submitted",
    },
    "chengdu medical agency": {"成都 职工医保 draft", "成都 居民医保 issued", "四川 居民医保 issued"},
    "chengdu medical security": {"成都 职工医保 draft", "成都 居民医保 issued", "四川 居民医保 issued"},
    "yaan finance": {
        "雅安 职工医保 draft",
        "雅安 居民医保 submitted",
        "四川 居民医保 issued",
        "四川 工伤 submitted",
    },
    "national": {
        "四川 居民医保 issued",
        "四川 工伤 submitted",
        "成都 居民医保 issued",
        "雅安 居民医保 submitted",
    },
    "third party": set(),
    "administrator (at 雅安)": EVERYTHING,
    "province finance, token for 成都": {
        "成都 职工医保 draft",
        "成都 居民医保 issued",
        "成都 居民养老 returned",
    },
}


@pytest.mark.parametrize("reader", list(SEES))
async def test_art5_each_actor_reads_the_goals_the_policy_shows_it(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies, goals: dict[int, Stored], reader: str
) -> None:
    actor = (await readers(sessionmaker, province, chengdu))[reader]
    async with sessionmaker() as session:
        seen = {goal.id or 0 for goal in (await session.exec(goals_select(GoalQuery(), actor))).all()}
    assert {goals[i].label for i in seen} == SEES[reader]
    # The select and the policy's rule for one goal agree on every goal.
    decided = {
        goal_id
        for goal_id, g in goals.items()
        if policy.visible(
            actor,
            RecordScope(
                region_id=1,
                region_path=g.region_path,
                administrations=frozenset({g.administration} if g.administration else ()),
                draft=g.status in policy.DRAFT_STATES,
            ),
        )
    }
    assert seen == decided


async def test_goals_narrow_by_year_fund_region_status_and_horizon(
    sessionmaker: Sessionmaker, province: Bodies
) -> None:
    async with sessionmaker() as session:
        overall = await make_goal(
            session, region_code=PROVINCE, year=2026, horizon=GoalHorizon.OVERALL, indicators=0
        )
        annual_2026 = await make_goal(session, region_code=PROVINCE, year=2026, indicators=0)
        annual_2027 = await make_goal(session, region_code=PROVINCE, year=2027, indicators=0, status=S.ISSUED)
        chengdu = await make_goal(session, region_code=CHENGDU, year=2027, indicators=0)
        county = await make_goal(session, region_code="510104", year=2027, indicators=0)
        pension = await make_goal(
            session, fund_code="RESIDENT_PENSION", region_code=CHENGDU, year=2027, indicators=0
        )
        await session.commit()

    async def ids(query: GoalQuery) -> set[int | None]:
        async with sessionmaker() as session:
            return {g.id for g in (await session.exec(goals_select(query, province.finance))).all()}

    assert await ids(GoalQuery(year=2028)) == {overall.id}  # 2026–2030 covers it
    assert await ids(GoalQuery(year=2026)) == {overall.id, annual_2026.id}
    assert await ids(GoalQuery(year=2027, horizon=GoalHorizon.ANNUAL)) == {
        annual_2027.id,
        chengdu.id,
        county.id,
        pension.id,
    }
    assert await ids(GoalQuery(year=2027, statuses=[S.ISSUED])) == {annual_2027.id}
    assert await ids(GoalQuery(fund_type_code="RESIDENT_PENSION")) == {pension.id}
    assert await ids(GoalQuery(region_code=CHENGDU, year=2027)) == {chengdu.id, pension.id}
    assert await ids(GoalQuery(region_code=CHENGDU, include_descendants=True, year=2027)) == {
        chengdu.id,
        county.id,
        pension.id,
    }
    assert await ids(GoalQuery(fund_type_code="NOPE")) == set()  # an unknown code matches nothing
