"""Raising and editing rectification items (Art. 20 「绩效评价中发现的问题要及时分类进行整改」): who raises
them (财政厅 for any region, a region's finance for its own), their source, owner and due date (the
region's RECTIFICATION_DAYS, 30 by the province's default: FORMS §4C 「收文之日起三十日内」)."""

from datetime import timedelta

import pytest

from src.models import RegionalRule
from src.models.enums import Administration
from src.models.rectification import RectificationCategory, RectificationStatus, RectificationTreatment
from src.services.deadlines.items import china_today
from src.services.errors import Forbidden, NotFound, ValidationFailed
from src.services.rectification import items
from tests.factories import region_id
from tests.services.conftest import CHENGDU, ZIGONG, Bodies, Sessionmaker, act, bodies_of, refused
from tests.services.rectification.support import BASE, create, raise_item, update, with_


async def test_art20_the_province_raises_an_item_due_by_the_default_thirty_days(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    assert item.status == RectificationStatus.OPEN
    assert item.raised_on == china_today() and item.due_on == china_today() + timedelta(days=30)
    assert item.raised_by_organization_id == province.finance.organization_id
    # 预算进度执行偏差: 认真分析原因、提出整改措施.
    assert item.treatment == RectificationTreatment.ANALYSE_AND_REMEDY
    goal_setting = await raise_item(
        sessionmaker, province.finance, chengdu.finance, category=RectificationCategory.GOAL_SETTING
    )
    assert goal_setting.treatment == RectificationTreatment.STRENGTHEN_MANAGEMENT


async def test_art20_the_due_date_follows_the_regions_rule_and_stays_within_limits(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    async with sessionmaker() as s:
        s.add(RegionalRule(region_id=await region_id(s, CHENGDU), key="RECTIFICATION_DAYS", value="15"))
        await s.commit()
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    assert item.due_on == china_today() + timedelta(days=15)
    for due_on in (china_today(), china_today() + timedelta(days=181)):
        data = with_(owner_organization_id=chengdu.agency.organization_id, due_on=due_on)
        error = await refused(
            sessionmaker,
            ValidationFailed,
            create(province.finance, data),
        )
        assert [p.field for p in error.problems] == ["input.dueOn"]


async def test_art20_a_regions_finance_raises_for_its_own_region_only(
    sessionmaker: Sessionmaker, reference: None, chengdu: Bodies
) -> None:
    item = await raise_item(sessionmaker, chengdu.finance, chengdu.agency)
    assert item.raised_by_organization_id == chengdu.finance.organization_id
    zigong = await bodies_of(sessionmaker, ZIGONG)
    data = with_(region_code=ZIGONG, owner_organization_id=zigong.agency.organization_id)
    await refused(
        sessionmaker, Forbidden, lambda s: items.create_item(session=s, actor=chengdu.finance, data=data)
    )
    # Nor the agency, which owns items but raises none.
    await refused(
        sessionmaker, Forbidden, lambda s: items.create_item(session=s, actor=chengdu.agency, data=BASE)
    )


async def test_art20_an_item_names_its_source_and_an_owner_of_its_region(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    no_source = with_(source_text="  ", owner_organization_id=chengdu.agency.organization_id)
    error = await refused(
        sessionmaker,
        ValidationFailed,
        lambda s: items.create_item(session=s, actor=province.finance, data=no_source),
    )
    assert [p.field for p in error.problems] == ["input.sourceText"]
    for owner in (province.agency, chengdu.tax):  # another region's body; 税务 reads, it owns nothing
        data = with_(owner_organization_id=owner.organization_id)
        error = await refused(
            sessionmaker,
            ValidationFailed,
            create(province.finance, data),
        )
        assert [p.field for p in error.problems] == ["input.ownerOrganizationId"]
    bad = with_(owner_organization_id=chengdu.agency.organization_id, problem="问题\x07", year=1999)
    error = await refused(
        sessionmaker,
        ValidationFailed,
        lambda s: items.create_item(session=s, actor=province.finance, data=bad),
    )
    assert sorted(p.field for p in error.problems) == ["input.problem", "input.year"]


async def test_art20_the_raiser_edits_its_parts_and_the_owner_its_own(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    assert item.id is not None
    item_id = item.id

    item = await act(
        sessionmaker,
        update(
            province.finance, item_id, 1, problem="执行进度滞后", due_on=item.raised_on + timedelta(days=60)
        ),
    )
    assert item.problem == "执行进度滞后" and item.row_version == 2
    item = await act(
        sessionmaker, update(chengdu.agency, item_id, 2, measures="按月调度支出", cause="结算滞后")
    )
    assert (item.measures, item.cause) == ("按月调度支出", "结算滞后")
    await refused(sessionmaker, Forbidden, update(chengdu.agency, item_id, 3, problem="改问题"))
    await refused(sessionmaker, Forbidden, update(chengdu.finance, item_id, 3, measures="不是责任单位"))
    await refused(sessionmaker, Forbidden, update(chengdu.finance, item_id, 3, problem="不是提出单位"))


async def test_art20_another_regions_bodies_do_not_see_an_item(
    sessionmaker: Sessionmaker, province: Bodies, chengdu: Bodies
) -> None:
    item = await raise_item(sessionmaker, province.finance, chengdu.agency)
    zigong = await bodies_of(sessionmaker, ZIGONG)
    async with sessionmaker() as s:
        for reader in (chengdu.finance, chengdu.tax, chengdu.reviewer, province.reviewer):
            assert (await items.visible_item(session=s, actor=reader, item_id=item.id or 0)).id == item.id
        with pytest.raises(NotFound):
            await items.visible_item(session=s, actor=zigong.finance, item_id=item.id or 0)
        hrss = await bodies_of(sessionmaker, CHENGDU, Administration.HRSS)
        with pytest.raises(NotFound):  # not its fund
            await items.visible_item(session=s, actor=hrss.agency, item_id=item.id or 0)
