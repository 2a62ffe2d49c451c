"""Reference data: regions, fund types, default pooling arrangements and the indicator library.

Loading is idempotent: rows are keyed by natural keys, new ones inserted, changed fields updated in place.
Nothing is committed here; the caller owns the transaction. `fundperf seed` then announces a load that
changed something (seed_reference_data): an event, so dataVersion moves.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.data import read_csv
from src.domains.reference import ReferenceEventKind
from src.models import FundType, IndicatorTemplate, PoolingArrangement
from src.models.enums import (
    Administration,
    Aggregation,
    Comparator,
    IndicatorCategory,
    IndicatorKind,
    PoolingLevel,
    QualitativeGrade,
)
from src.seed.regions import RegionLoadResult, RegionRow, assign_changed, load_regions, read_region_csv
from src.subjects.events import record_event

__all__ = [
    "DEFAULT_POOLING_YEARS",
    "ReferenceCounts",
    "RegionLoadResult",
    "RegionRow",
    "UpsertCounts",
    "announce_reference_change",
    "load_fund_types",
    "load_indicator_templates",
    "load_pooling_arrangements",
    "load_reference_data",
    "load_regions",
    "read_region_csv",
    "seed_reference_data",
]

DEFAULT_POOLING_YEARS = range(2021, 2031)
COMMON_KEY = "COMMON"

_KINDS = {"quantitative": IndicatorKind.QUANTITATIVE, "qualitative": IndicatorKind.QUALITATIVE}
_COMPARATORS = {">=": Comparator.GE, "<=": Comparator.LE, "=": Comparator.EQ, "grade": Comparator.GRADE}
_GRADES = {
    "达成": QualitativeGrade.ACHIEVED,
    "部分达成": QualitativeGrade.PARTLY_ACHIEVED,
    "未达成": QualitativeGrade.NOT_ACHIEVED,
}


@dataclass(frozen=True)
class ReferenceCounts:
    """Rows present after loading, and how many of them this load inserted or changed."""

    regions: int
    fund_types: int
    pooling_arrangements: int
    indicator_templates: int
    inserted: int
    updated: int


@dataclass(frozen=True)
class UpsertCounts:
    total: int  # rows stored after the load
    inserted: int
    updated: int


async def load_reference_data(
    *, session: AsyncSession, pooling_years: Iterable[int] = DEFAULT_POOLING_YEARS
) -> ReferenceCounts:
    """Load the shipped Sichuan regions, fund types, default pooling and indicator library."""
    regions = await load_regions(session=session, rows=read_region_csv("regions_sichuan.csv"))
    funds = await load_fund_types(session=session)
    pooling = await load_pooling_arrangements(session=session, years=pooling_years)
    templates = await load_indicator_templates(session=session)
    return ReferenceCounts(
        regions=regions.total,
        fund_types=funds.total,
        pooling_arrangements=pooling.total,
        indicator_templates=templates.total,
        inserted=regions.inserted + funds.inserted + pooling.inserted + templates.inserted,
        updated=regions.updated + funds.updated + pooling.updated + templates.updated,
    )


async def seed_reference_data(*, session: AsyncSession) -> ReferenceCounts:
    """`fundperf seed`'s load: load_reference_data, announced if it changed anything."""
    counts = await load_reference_data(session=session)
    await announce_reference_change(session=session, counts=counts)
    return counts


async def announce_reference_change(*, session: AsyncSession, counts: ReferenceCounts) -> bool:
    """Records that a load inserted or changed reference data, in its transaction: dataVersion moves, so no
    cached answer (src/app/response_cache/) outlives the data it was made of. Nothing changed: no event."""
    if not counts.inserted and not counts.updated:
        return False
    fund = (await session.exec(select(FundType).order_by(col(FundType.id)))).first()
    assert fund is not None, "reference data without a fund type"
    payload = {"inserted": counts.inserted, "updated": counts.updated}
    await record_event(
        session=session,
        kind=ReferenceEventKind.REFERENCE_DATA_CHANGED,
        subject=fund,
        actor=None,
        payload=payload,
    )
    return True


async def load_fund_types(*, session: AsyncSession, path: str | Path = "fund_types.csv") -> UpsertCounts:
    """The funds of Art. 3: the seven it names, and any other
    「根据国家法律法规建立并纳入预算管理的其他社会保险基金」 added as one more row of the file (nothing in
    code names a fund)."""
    existing = {f.code: f for f in (await session.exec(select(FundType))).all()}
    new: list[FundType] = []
    updated = 0
    for row in read_csv(path):
        fund = FundType(
            code=row["code"],
            name_zh=row["name_zh"],
            administration=Administration(row["administration"]),
            sort_order=int(row["sort_order"]),
        )
        current = existing.get(fund.code)
        if current is None:
            new.append(fund)
            existing[fund.code] = fund
        else:
            updated += assign_changed(current, _fields(fund, _FUND_FIELDS))
    session.add_all(new)
    await session.flush()
    return UpsertCounts(total=len(existing), inserted=len(new), updated=updated)


async def load_pooling_arrangements(
    *,
    session: AsyncSession,
    years: Iterable[int] = DEFAULT_POOLING_YEARS,
    path: str | Path = "pooling_defaults.csv",
) -> UpsertCounts:
    """The default pooling level of each fund for every year in `years` (DOMAIN §3 demo assumption).

    Only missing (fund, year) rows are added: pooling is editable data, so a reload never overwrites an
    arrangement someone has changed.
    """
    years = sorted(set(years))
    fund_ids = {f.code: f.id for f in (await session.exec(select(FundType))).all()}
    existing = {(p.fund_type_id, p.year): p for p in (await session.exec(select(PoolingArrangement))).all()}
    new: list[PoolingArrangement] = []
    for row in read_csv(path):
        fund_id = fund_ids[row["fund_type"]]
        assert fund_id is not None
        level = PoolingLevel(row["pooling_level"])
        for year in years:
            if (fund_id, year) not in existing:
                arrangement = PoolingArrangement(fund_type_id=fund_id, year=year, pooling_level=level)
                new.append(arrangement)
                existing[(fund_id, year)] = arrangement
    session.add_all(new)
    await session.flush()
    return UpsertCounts(total=len(existing), inserted=len(new), updated=0)


async def load_indicator_templates(*, session: AsyncSession) -> UpsertCounts:
    fund_ids = {f.code: f.id for f in (await session.exec(select(FundType))).all()}
    existing = {t.key: t for t in (await session.exec(select(IndicatorTemplate))).all()}
    new: list[IndicatorTemplate] = []
    updated = 0
    for sort_order, row in enumerate(read_csv("indicator_library.csv"), start=1):
        fund_code = row["fund_type"]
        common = fund_code == "ALL"
        kind = _KINDS[row["kind"]]
        default = row["default_target"]
        qualitative = kind == IndicatorKind.QUALITATIVE
        template = IndicatorTemplate(
            key=f"{COMMON_KEY if common else fund_code}:{row['level3']}",
            fund_type_id=None if common else fund_ids[fund_code],
            level1=IndicatorCategory(row["level1"]),
            level2=row["level2"],
            level3=row["level3"],
            kind=kind,
            comparator=_COMPARATORS[row["comparator"]],
            default_target_value=Decimal(default) if default and not qualitative else None,
            default_target_grade=_GRADES[default] if default and qualitative else None,
            unit=row["unit"],
            aggregation=Aggregation(row["aggregation"]),
            definition=row["definition"],
            # A rate is entered as numerator and denominator (Art. 12 roll-up): what each is.
            numerator_label=row.get("numerator_label", ""),
            denominator_label=row.get("denominator_label", ""),
            sort_order=sort_order,
        )
        current = existing.get(template.key)
        if current is None:
            new.append(template)
            existing[template.key] = template
        else:
            updated += assign_changed(current, _fields(template, _TEMPLATE_FIELDS))
    session.add_all(new)
    await session.flush()
    return UpsertCounts(total=len(existing), inserted=len(new), updated=updated)


_FUND_FIELDS = ("name_zh", "administration", "sort_order")
_TEMPLATE_FIELDS = (
    "fund_type_id",
    "level1",
    "level2",
    "level3",
    "kind",
    "comparator",
    "default_target_value",
    "default_target_grade",
    "unit",
    "aggregation",
    "definition",
    "numerator_label",
    "denominator_label",
    "sort_order",
)


def _fields(obj: object, names: tuple[str, ...]) -> dict[str, object]:
    return {name: getattr(obj, name) for name in names}
