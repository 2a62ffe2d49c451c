"""Every read select is made for an actor and applies its visibility itself (the API, the worker and the
events share them), so a select cannot be built without one."""

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Region
from src.models.enums import ActorType, GoalHorizon, RegionLevel
from src.seed.reference import load_reference_data
from src.services.actors import Actor
from src.services.audit.reads import AuditQuery, audit_events_select
from src.services.budgets.reads import BudgetQuery, budgets_select
from src.services.errors import Forbidden
from src.services.goals.reads import GoalQuery, goals_select
from src.services.organizations import OrganizationQuery, organizations_select
from src.services.reference import (
    RegionQuery,
    TemplateQuery,
    fund_types_select,
    indicator_templates_select,
    pooling_select,
    regions_select,
)

SELECTS: dict[str, Callable[[Any], object]] = {
    "goals": lambda actor: goals_select(GoalQuery(), actor),
    "budgets": lambda actor: budgets_select(BudgetQuery(), actor),
    "organizations": lambda actor: organizations_select(OrganizationQuery(), actor),
    "audit": lambda actor: audit_events_select(AuditQuery(), actor),
    "regions": lambda actor: regions_select(RegionQuery(), actor),
    "fund types": lambda actor: fund_types_select(actor),
    "pooling": lambda actor: pooling_select(actor, year=None, fund_type_code=None),
    "templates": lambda actor: indicator_templates_select(TemplateQuery(), actor),
}


def actor(actor_type: ActorType = ActorType.FINANCE, path: str = "/510000/", **kw: Any) -> Actor:
    values: dict[str, Any] = {
        "user_id": 1,
        "username": "u",
        "full_name": "测试",
        "organization_id": 1,
        "organization_name": "单位",
        "actor_type": actor_type,
        "administration": None,
        "region_id": 1,
        "region_code": path.strip("/").split("/")[-1],
        "region_path": path,
        "region_level": RegionLevel.PROVINCE if path == "/510000/" else RegionLevel.PREFECTURE,
    }
    return Actor(**{**values, **kw})


@pytest.mark.parametrize("name", SELECTS)
def test_a_read_select_cannot_be_built_without_an_actor(name: str) -> None:
    build = SELECTS[name]
    for missing in (None, "admin", 1):
        with pytest.raises(TypeError, match="Actor"):
            build(missing)
    build(actor(is_admin=True))  # with one it builds


def test_the_audit_select_is_refused_to_those_who_may_not_read_it() -> None:
    with pytest.raises(Forbidden):
        audit_events_select(AuditQuery(), actor(ActorType.AGENCY))


async def test_goals_select_applies_the_actors_visibility(
    sessionmaker: async_sessionmaker[AsyncSession],
) -> None:
    """A prefecture never reads another prefecture's draft; the province reads both."""
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        regions = {r.code: r for r in (await session.exec(select(Region))).all()}
        fund_id = 1
        for code in ("510100", "511800"):
            region = regions[code]
            goal = Goal(
                title=f"{region.name}目标",
                horizon=GoalHorizon.ANNUAL,
                start_year=2026,
                end_year=2026,
                fund_type_id=fund_id,
                region_id=region.id or 0,
            )
            session.add(goal)
        await session.flush()
        await session.commit()
        chengdu = actor(path=regions["510100"].path, region_id=regions["510100"].id or 0)
        seen = (await session.exec(goals_select(GoalQuery(year=2026), chengdu))).all()
        assert [g.region_id for g in seen] == [regions["510100"].id]
        everything = (await session.exec(goals_select(GoalQuery(year=2026), actor()))).all()
        assert len(everything) == 2
