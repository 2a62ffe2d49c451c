"""The deadlines listing (src/services/deadlines/listing.py): every registered source's items of a year in a
region and below, as the asker may see them (policy.visibility over each item's scope), with the body on
record and the status in China; a source a later domain registers is listed without a change here."""

import dataclasses
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType, Administration, RegionLevel
from src.services.actors import Actor
from src.services.deadlines import DeadlineContext, DeadlineItem, DeadlineSource, DeadlineStatus
from src.services.deadlines.listing import DeadlineListing, list_deadlines
from src.services.errors import ErrorCode, NotFound, ValidationFailed
from src.subjects.registry import registry
from tests.factories import make_actor
from tests.services.deadlines.scenario import CHENGDU, MED, NOW, PROVINCE, YEAR, ZIGONG, build
from tests.services.deadlines.scenario import organization_of as org_of

S = DeadlineStatus
Sessionmaker = async_sessionmaker[AsyncSession]


async def listing(
    sessionmaker: Sessionmaker, actor: Actor, area: str = PROVINCE, **options: object
) -> DeadlineListing:
    async with sessionmaker() as session:
        return await list_deadlines(
            session=session,
            actor=actor,
            year=YEAR,
            region_code=area,
            now=NOW,
            **options,  # type: ignore[arg-type]
        )


def seen(found: DeadlineListing) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in found.rows:
        counts[row.item.region.code] = counts.get(row.item.region.code, 0) + 1
    return counts


async def actor(
    sessionmaker: Sessionmaker, kind: ActorType, code: str, admin: Administration | None = None
) -> Actor:
    return await make_actor(sessionmaker, actor_type=kind, region_code=code, administration=admin)


async def test_each_sees_the_items_of_the_bodies_it_may_see(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    scenario = await build(sessionmaker)
    province = await listing(sessionmaker, await actor(sessionmaker, ActorType.FINANCE, PROVINCE))
    assert len(province.rows) == 8 + 8 + 21 and province.today == date(2026, 10, 15)
    assert seen(province)[CHENGDU] == seen(province)[ZIGONG] == 9
    # 成都市's medical agency: its own entries, reports and its finance's compilation (to both
    # administrations); not 自贡市's.
    agency = await listing(sessionmaker, await actor(sessionmaker, ActorType.AGENCY, CHENGDU, MED))
    assert seen(agency) == {CHENGDU: 9}
    hrss = await actor(sessionmaker, ActorType.AGENCY, CHENGDU, Administration.HRSS)
    assert [r.item.kind for r in (await listing(sessionmaker, hrss)).rows] == ["MONITORING_COMPILATION"]
    # Asked about 成都市 by 自贡市: a region it may not see holds nothing for it, which is no error.
    zigong = await actor(sessionmaker, ActorType.FINANCE, ZIGONG)
    assert (await listing(sessionmaker, zigong, CHENGDU)).rows == []
    confined = dataclasses.replace(
        await actor(sessionmaker, ActorType.FINANCE, PROVINCE), token_region_path="/510000/510100/"
    )
    assert seen(await listing(sessionmaker, confined)) == {CHENGDU: 9}
    # Each row names the body on record that must act, ordered by region, body and date.
    rows = [r for r in agency.rows if r.item.kind != "MONITORING_COMPILATION"]
    assert {r.organization_id for r in rows} == {scenario.chengdu.agency.organization_id}
    assert [r.item.due_on for r in rows] == sorted(r.item.due_on for r in rows)
    compilation = next(r for r in agency.rows if r.item.kind == "MONITORING_COMPILATION")
    assert compilation.organization_id == (await org_of(sessionmaker, scenario.chengdu.finance)).id
    assert compilation.status == S.LATE and compilation.noticed_at is None


async def test_only_the_statuses_asked_for(sessionmaker: Sessionmaker, reference: None) -> None:
    await build(sessionmaker)
    finance = await actor(sessionmaker, ActorType.FINANCE, CHENGDU)
    overdue = await listing(sessionmaker, finance, statuses={S.OVERDUE})
    assert [(r.item.kind, r.item.period) for r in overdue.rows] == [
        ("MONITORING_REPORT", 6),  # due 20 July
        ("MONITORING_ENTRIES", 9),  # due 10 October
    ]
    assert len((await listing(sessionmaker, finance, statuses={S.DONE, S.LATE})).rows) == 4


async def test_a_year_out_of_range_and_an_unknown_region_are_refused(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    finance = await actor(sessionmaker, ActorType.FINANCE, PROVINCE)
    for year in (1999, 2101, -1):
        with pytest.raises(ValidationFailed) as refused:
            async with sessionmaker() as session:
                await list_deadlines(session=session, actor=finance, year=year, region_code=PROVINCE)
        [problem] = refused.value.problems
        assert (problem.field, problem.code) == ("year", ErrorCode.OUT_OF_RANGE)
    with pytest.raises(NotFound):
        async with sessionmaker() as session:
            await list_deadlines(session=session, actor=finance, year=YEAR, region_code="999999")


async def _later_duty(context: DeadlineContext) -> list[DeadlineItem]:
    """What a later domain (evaluation: the self-evaluation due 5月底) would list: one item per
    prefecture, on the date of its rules."""
    items = []
    for region in context.of_level(RegionLevel.PREFECTURE):
        due = context.rules(region.id).self_evaluation_deadline
        items.append(
            DeadlineItem(
                kind="TEST_SELF_EVALUATION",
                region=region,
                actor_type=ActorType.FINANCE,
                administration=None,
                fund_type_id=None,
                year=context.year - 1,
                period=None,
                due_on=date(context.year, due.month, due.day),
                done_at=None,
                label=f"{region.name}{context.year - 1}年度绩效自评",
            )
        )
    return items


@pytest.fixture
def later_domain() -> Iterator[None]:
    source = DeadlineSource(
        name="test-evaluation", kinds={"TEST_SELF_EVALUATION": "绩效自评"}, items=_later_duty
    )
    registry().add_deadlines(source)
    yield
    del registry().deadline_sources[source.name]


async def test_a_domain_registered_later_is_listed_without_a_change_to_the_listing(
    sessionmaker: Sessionmaker, reference: None, later_domain: None
) -> None:
    with pytest.raises(ValueError):  # a kind belongs to one source
        registry().add_deadlines(
            DeadlineSource(name="again", kinds={"TEST_SELF_EVALUATION": "x"}, items=_later_duty)
        )
    finance = await actor(sessionmaker, ActorType.FINANCE, CHENGDU)
    rows = (await listing(sessionmaker, finance)).rows
    [row] = [r for r in rows if r.item.kind == "TEST_SELF_EVALUATION"]
    assert (row.item.due_on, row.status, row.item.year) == (date(2026, 5, 31), S.OVERDUE, 2025)
    assert row.item.key == f"TEST_SELF_EVALUATION:{row.item.region.id}:-:2025"
    assert registry().deadline_kinds()["TEST_SELF_EVALUATION"] == "绩效自评"
