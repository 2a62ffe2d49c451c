"""Reference data: idempotent loading of regions, fund types, pooling and the indicator library."""

from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.data import read_csv
from src.models import FundType, IndicatorTemplate, PoolingArrangement, Region
from src.models.enums import (
    Administration,
    Comparator,
    IndicatorCategory,
    IndicatorKind,
    PoolingLevel,
    QualitativeGrade,
    RegionLevel,
)
from src.seed.reference import (
    DEFAULT_POOLING_YEARS,
    RegionRow,
    load_reference_data,
    load_regions,
    read_region_csv,
)
from src.seed.regions import region_ancestors
from src.services.errors import NotFound
from src.services.goals.units import Measure, measure_of, target_value_problem
from src.services.pooling import pooling_region_level, pooling_regions
from tests.conftest import StatementCounter

LIBRARY_ROWS = len(list(read_csv("indicator_library.csv")))


async def _region(session: AsyncSession, code: str) -> Region:
    return (await session.exec(select(Region).where(Region.code == code))).one()


async def _fund(session: AsyncSession, code: str) -> FundType:
    return (await session.exec(select(FundType).where(FundType.code == code))).one()


async def _snapshot(session: AsyncSession) -> dict[str, list[tuple[object, ...]]]:
    regions = (await session.exec(select(Region).order_by(col(Region.code)))).all()
    funds = (await session.exec(select(FundType).order_by(col(FundType.code)))).all()
    pooling = (await session.exec(select(PoolingArrangement).order_by(col(PoolingArrangement.id)))).all()
    templates = (await session.exec(select(IndicatorTemplate).order_by(col(IndicatorTemplate.key)))).all()
    return {
        "regions": [(r.id, r.code, r.name, r.level, r.parent_id, r.path) for r in regions],
        "funds": [(f.id, f.code, f.name_zh, f.administration, f.sort_order) for f in funds],
        "pooling": [(p.id, p.fund_type_id, p.year, p.pooling_level) for p in pooling],
        "templates": [tuple(t.model_dump().values()) for t in templates],
    }


async def test_loading_twice_gives_the_same_rows(sessionmaker: async_sessionmaker[AsyncSession]) -> None:
    async with sessionmaker() as session:
        first = await load_reference_data(session=session)
        await session.commit()
    async with sessionmaker() as session:
        before = await _snapshot(session)
        second = await load_reference_data(session=session)
        await session.commit()
    async with sessionmaker() as session:
        after = await _snapshot(session)

    assert first.regions == second.regions == 205
    assert first.fund_types == second.fund_types == 7
    assert first.pooling_arrangements == second.pooling_arrangements == 7 * len(DEFAULT_POOLING_YEARS)
    assert first.indicator_templates == second.indicator_templates == LIBRARY_ROWS
    assert first.inserted == 205 + 7 + 7 * len(DEFAULT_POOLING_YEARS) + LIBRARY_ROWS
    assert (second.inserted, second.updated) == (0, 0)
    assert before == after
    assert Counter(r[3] for r in after["regions"]) == {
        RegionLevel.PROVINCE: 1,
        RegionLevel.PREFECTURE: 21,
        RegionLevel.COUNTY: 183,
    }


async def test_reloading_unchanged_data_is_a_few_selects(
    sessionmaker: async_sessionmaker[AsyncSession], count_statements: StatementCounter
) -> None:
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()
    count_statements.reset()
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await session.commit()
    writes = [s for s in count_statements.statements if not s.lstrip().upper().startswith("SELECT")]
    assert [s for s in writes if s.lstrip().upper().startswith(("INSERT", "UPDATE"))] == []
    assert count_statements.count <= 12, count_statements.statements


async def test_paths_and_parents(session: AsyncSession) -> None:
    await load_reference_data(session=session)
    jinjiang = await _region(session, "510104")
    chengdu = await _region(session, "510100")
    province = await _region(session, "510000")

    assert (jinjiang.name, jinjiang.level, jinjiang.path) == (
        "锦江区",
        RegionLevel.COUNTY,
        "/510000/510100/510104/",
    )
    assert jinjiang.parent_id == chengdu.id
    assert chengdu.parent_id == province.id and province.parent_id is None
    assert (province.path, chengdu.path) == ("/510000/", "/510000/510100/")
    assert [r.name for r in await region_ancestors(session=session, region=jinjiang)] == ["四川省", "成都市"]
    # Every stored path is the parent's path plus the region's own code.
    regions = (await session.exec(select(Region))).all()
    by_id = {r.id: r for r in regions}
    for region in regions:
        parent_path = by_id[region.parent_id].path if region.parent_id else "/"
        assert region.path == f"{parent_path}{region.code}/"


async def test_changed_region_rows_update_in_place(session: AsyncSession) -> None:
    await load_reference_data(session=session)
    jinjiang = await _region(session, "510104")
    jinjiang_id = jinjiang.id

    renamed = await load_regions(
        session=session, rows=[RegionRow("510104", "锦江区（更名）", RegionLevel.COUNTY, "510100")]
    )
    assert (renamed.inserted, renamed.updated, renamed.total) == (0, 1, 205)
    assert (await _region(session, "510104")).name == "锦江区（更名）"
    assert (await _region(session, "510104")).id == jinjiang_id

    # Moving a prefecture under a new province moves the paths of its stored counties too.
    moved = await load_regions(
        session=session,
        rows=[
            RegionRow("510100", "成都市", RegionLevel.PREFECTURE, "990000"),
            RegionRow("990000", "测试省", RegionLevel.PROVINCE),
        ],
    )
    assert moved.inserted == 1
    test_province = await _region(session, "990000")
    chengdu = await _region(session, "510100")
    assert chengdu.parent_id == test_province.id and chengdu.path == "/990000/510100/"
    assert (await _region(session, "510104")).path == "/990000/510100/510104/"
    assert (await _region(session, "510300")).path == "/510000/510300/"


async def test_other_tables_are_restored_from_the_shipped_files(session: AsyncSession) -> None:
    await load_reference_data(session=session)
    fund = await _fund(session, "WORK_INJURY")
    fund.name_zh = "改过的名称"
    template = (
        await session.exec(
            select(IndicatorTemplate).where(IndicatorTemplate.key == "COMMON:基金支出预算执行率")
        )
    ).one()
    template.default_target_value = Decimal("80")
    template.unit = "元"
    await session.flush()

    counts = await load_reference_data(session=session)
    assert (counts.inserted, counts.updated) == (0, 2)
    assert (await _fund(session, "WORK_INJURY")).name_zh == "工伤保险基金"
    await session.refresh(template)
    assert (template.default_target_value, template.unit) == (Decimal("90.0000"), "%")


async def test_fund_types_and_default_pooling(session: AsyncSession) -> None:
    await load_reference_data(session=session, pooling_years=range(2025, 2027))
    funds = (await session.exec(select(FundType).order_by(col(FundType.sort_order)))).all()
    assert [(f.sort_order, f.code) for f in funds][:2] == [(1, "ENTERPRISE_PENSION"), (2, "RESIDENT_PENSION")]
    assert [f.sort_order for f in funds] == list(range(1, 8))
    medical = {f.code for f in funds if f.administration == Administration.MEDICAL_SECURITY}
    assert medical == {"EMPLOYEE_MEDICAL", "RESIDENT_MEDICAL"}
    assert (await _fund(session, "EMPLOYEE_MEDICAL")).name_zh == "职工基本医疗保险(含生育保险)基金"

    rows = (await session.exec(select(PoolingArrangement))).all()
    code_by_id = {f.id: f.code for f in funds}
    levels = {(code_by_id[p.fund_type_id], p.year): p.pooling_level for p in rows}
    assert len(levels) == 14
    for year in (2025, 2026):
        assert levels[("ENTERPRISE_PENSION", year)] == PoolingLevel.NATIONAL
        assert levels[("UNEMPLOYMENT", year)] == PoolingLevel.PROVINCIAL_UNIFIED
        assert levels[("WORK_INJURY", year)] == PoolingLevel.PROVINCIAL_UNIFIED
        assert levels[("PUBLIC_SECTOR_PENSION", year)] == PoolingLevel.PROVINCIAL_ADJUSTMENT
        for code in ("EMPLOYEE_MEDICAL", "RESIDENT_MEDICAL", "RESIDENT_PENSION"):
            assert levels[(code, year)] == PoolingLevel.PREFECTURE


async def test_indicator_library_mapping(session: AsyncSession) -> None:
    await load_reference_data(session=session)
    templates = {t.key: t for t in (await session.exec(select(IndicatorTemplate))).all()}
    assert len(templates) == LIBRARY_ROWS
    unemployment = await _fund(session, "UNEMPLOYMENT")

    qualitative = templates["COMMON:绩效目标设置合理性"]
    assert qualitative.fund_type_id is None
    assert (qualitative.kind, qualitative.comparator) == (IndicatorKind.QUALITATIVE, Comparator.GRADE)
    assert (qualitative.default_target_grade, qualitative.default_target_value) == (
        QualitativeGrade.ACHIEVED,
        None,
    )
    assert qualitative.level1 == IndicatorCategory.DECISION and qualitative.sort_order == 1

    days = templates["UNEMPLOYMENT:失业保险金申领办理时限"]
    assert days.fund_type_id == unemployment.id
    assert (days.comparator, days.default_target_value, days.unit) == (Comparator.LE, Decimal("5"), "工作日")
    assert days.default_target_grade is None

    insured = templates["COMMON:参保人数"]
    assert (insured.comparator, insured.default_target_value, insured.unit) == (Comparator.GE, None, "万人")
    assert templates["COMMON:待遇按时足额发放率"].comparator == Comparator.EQ
    # The same level-3 name in two funds gives two templates.
    assert "EMPLOYEE_MEDICAL:统筹基金累计结余可支付月数" in templates
    assert "RESIDENT_MEDICAL:统筹基金累计结余可支付月数" in templates


async def test_art9_library_units_are_classified_and_defaults_in_range(session: AsyncSession) -> None:
    """Every unit the library uses has a meaning (src/services/goals/units.py), so the rule on negative
    targets decides by it, and every default target keeps that rule."""
    await load_reference_data(session=session)
    templates = (await session.exec(select(IndicatorTemplate))).all()
    quantitative = [t for t in templates if t.kind == IndicatorKind.QUANTITATIVE]
    assert {t.unit: measure_of(t.unit) for t in quantitative} == {
        "%": Measure.PERCENT,
        "万人": Measure.COUNT,
        "人次": Measure.COUNT,
        "户": Measure.COUNT,
        "月": Measure.DURATION,
        "工作日": Measure.DURATION,
    }
    for t in quantitative:
        problem = target_value_problem(
            field=t.key, unit=t.unit, comparator=t.comparator, target=t.default_target_value
        )
        assert problem is None, problem


@pytest.mark.parametrize(
    ("level", "expected"),
    [
        (PoolingLevel.NATIONAL, RegionLevel.PROVINCE),
        (PoolingLevel.PROVINCIAL_UNIFIED, RegionLevel.PROVINCE),
        (PoolingLevel.PROVINCIAL_ADJUSTMENT, RegionLevel.PREFECTURE),
        (PoolingLevel.PREFECTURE, RegionLevel.PREFECTURE),
        (PoolingLevel.COUNTY, RegionLevel.PREFECTURE),
    ],
)
def test_pooling_region_level(level: PoolingLevel, expected: RegionLevel) -> None:
    assert pooling_region_level(level) == expected


async def test_pooling_regions(session: AsyncSession) -> None:
    await load_reference_data(session=session)
    work_injury = await _fund(session, "WORK_INJURY")
    medical = await _fund(session, "EMPLOYEE_MEDICAL")
    assert work_injury.id is not None and medical.id is not None

    province_pooled = await pooling_regions(session=session, fund_type_id=work_injury.id, year=2026)
    assert [r.code for r in province_pooled] == ["510000"]
    prefecture_pooled = await pooling_regions(session=session, fund_type_id=medical.id, year=2026)
    assert len(prefecture_pooled) == 21
    assert {r.level for r in prefecture_pooled} == {RegionLevel.PREFECTURE}
    assert prefecture_pooled[0].code == "510100" and prefecture_pooled[-1].code == "513400"

    with pytest.raises(NotFound):
        await pooling_regions(session=session, fund_type_id=medical.id, year=1999)
    with pytest.raises(NotFound):
        await pooling_regions(session=session, fund_type_id=medical.id, year=2026, province_code="990000")


async def test_load_regions_accepts_any_order_and_skips_self_parented_rows(session: AsyncSession) -> None:
    rows = [
        RegionRow(
            "441900", "东莞市", RegionLevel.COUNTY, "441900"
        ),  # 不设区的地级市 repeated as its own county
        RegionRow("110101", "东城区", RegionLevel.COUNTY, "110100"),
        RegionRow("110100", "市辖区", RegionLevel.PREFECTURE, "110000"),
        RegionRow("441900", "东莞市", RegionLevel.PREFECTURE, "440000"),
        RegionRow("440000", "广东省", RegionLevel.PROVINCE),
        RegionRow("110000", "北京市", RegionLevel.PROVINCE),
    ]
    result = await load_regions(session=session, rows=rows)
    assert (result.inserted, result.skipped, result.total) == (5, 1, 5)
    assert (await _region(session, "110101")).path == "/110000/110100/110101/"
    dongguan = await _region(session, "441900")
    assert (dongguan.level, dongguan.path) == (RegionLevel.PREFECTURE, "/440000/441900/")


async def test_load_regions_rejects_unknown_parents_and_conflicting_duplicates(session: AsyncSession) -> None:
    with pytest.raises(ValueError, match="unknown parent"):
        await load_regions(
            session=session, rows=[RegionRow("110101", "东城区", RegionLevel.COUNTY, "110100")]
        )
    with pytest.raises(ValueError, match="twice"):
        await load_regions(
            session=session,
            rows=[
                RegionRow("110000", "北京市", RegionLevel.PROVINCE),
                RegionRow("110000", "北京", RegionLevel.PROVINCE),
            ],
        )


def test_read_region_csv_reads_the_shipped_file() -> None:
    rows = read_region_csv("regions_sichuan.csv")
    assert len(rows) == 205
    assert rows[0] == RegionRow("510000", "四川省", RegionLevel.PROVINCE, None)


async def test_reload_keeps_an_edited_pooling_level(session: AsyncSession) -> None:
    await load_reference_data(session=session, pooling_years=range(2026, 2027))
    medical = await _fund(session, "EMPLOYEE_MEDICAL")
    arrangement = (
        await session.exec(select(PoolingArrangement).where(PoolingArrangement.fund_type_id == medical.id))
    ).one()
    arrangement.pooling_level = PoolingLevel.PROVINCIAL_UNIFIED  # the province moves to 统收统支
    await session.flush()
    counts = await load_reference_data(session=session, pooling_years=range(2026, 2028))
    await session.refresh(arrangement)
    assert arrangement.pooling_level == PoolingLevel.PROVINCIAL_UNIFIED
    assert counts.pooling_arrangements == 14
