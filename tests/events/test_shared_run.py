"""Rendering an event once for all subscribers of a shared document (src/schema/events/shared_run.py): the
region's and fund's names are kept, so a delivery reads nothing once they are known."""

import json
from dataclasses import replace

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.message import EventMessage
from src.events.shared import Planner
from src.models import FundType, Region
from src.schema import build_schema
from src.schema.events.shared_run import renderer
from src.settings import Settings
from tests.events.test_hub import event
from tests.support.sql import count_statements

RELATED = "subscription { statusChanged { id region { code name } fundType { code name } } }"


async def ids(sessionmaker: async_sessionmaker[AsyncSession]) -> tuple[int, int, int]:
    async with sessionmaker() as session:
        chengdu = (await session.exec(select(Region).where(Region.code == "510100"))).one()
        mianyang = (await session.exec(select(Region).where(Region.code == "510700"))).one()
        fund = (await session.exec(select(FundType).where(FundType.code == "ENTERPRISE_PENSION"))).first()
    assert chengdu.id and mianyang.id and fund is not None and fund.id
    return chengdu.id, mianyang.id, fund.id


async def test_region_and_fund_names_are_read_once_and_then_kept(
    engine: AsyncEngine, reference: None, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    chengdu, mianyang, fund = await ids(sessionmaker)
    schema = build_schema(settings)._schema
    plan = Planner(schema).plan(RELATED, None, None)
    assert plan is not None
    render = renderer(schema, sessionmaker, settings)

    def at(event_id: int, region_id: int) -> EventMessage:
        return replace(event(event_id), region_id=region_id, fund_type_id=fund)

    with count_statements(engine) as counter:
        first = json.loads(await render(plan, at(1, chengdu)))
        assert counter.count == 2  # the region and the fund, once
        second = json.loads(await render(plan, at(2, chengdu)))
        assert counter.count == 2  # known: nothing read
        third = json.loads(await render(plan, at(3, mianyang)))
        assert counter.count == 3  # only the region not seen yet
    assert first["data"]["statusChanged"]["region"] == {"code": "510100", "name": "成都市"}
    assert second["data"]["statusChanged"]["id"] == "2"
    assert third["data"]["statusChanged"]["region"]["code"] == "510700"
    assert first["data"]["statusChanged"]["fundType"] == {
        "code": "ENTERPRISE_PENSION",
        "name": "企业职工基本养老保险基金",
    }

    uncached = renderer(
        schema, sessionmaker, settings.model_copy(update={"EVENT_REFERENCE_CACHE_SECONDS": 0})
    )
    with count_statements(engine) as counter:
        for n in range(3):
            assert json.loads(await uncached(plan, at(n, chengdu))) == json.loads(
                await render(plan, at(n, chengdu))
            )
        assert counter.count == 6  # read afresh for every event
