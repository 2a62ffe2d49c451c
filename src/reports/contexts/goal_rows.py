"""The indicator grid of the goal table (FORMS.md §1D): one row per indicator, in the indicator library's
category order (一级 Art. 9: 决策, 过程, 产出, 效益; within it the library's 二级 order), so that each
category is one block of the grid.

Each row says what the published 申报表 asks (FORMS.md §1A): the comparator (指标性质), the target and its
unit, the weight, the direction (指标方向性: ≥ 正向, ≤ 反向, = 中性; a qualitative grade is 正向, the
better grade is the higher), whether the indicator is quantitative or qualitative (`kind`), the mark of
an indicator handed down by the region above (省下达（川财社〔2026〕1号）, Art. 6 分解下达), and a note
only where it says something of its own (a target set stricter than the one handed down).
"""

from collections.abc import Sequence
from decimal import Decimal
from typing import Protocol, TypeVar

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Indicator, IndicatorTemplate, Region
from src.models.enums import Comparator, IndicatorCategory, IndicatorKind, RegionLevel, label_zh

NONE = "—"

DIRECTION = {
    Comparator.GE: "正向",  # the more the better
    Comparator.LE: "反向",  # the less the better
    Comparator.EQ: "中性",  # exactly the target
    Comparator.GRADE: "正向",  # 达成 is better than 部分达成, better than 未达成
}

# Who hands an indicator down, by the level of the region whose goal it comes from.
HANDED_DOWN_BY = {RegionLevel.PROVINCE: "省下达", RegionLevel.PREFECTURE: "市（州）下达"}

CATEGORY_ORDER = {category: rank for rank, category in enumerate(IndicatorCategory)}


def number(value: Decimal | None) -> str:
    """A target as people write it: thousands separated, no trailing zeros (2,381.86; 100; 9.5)."""
    if value is None:
        return NONE
    normal = value.normalize()
    places = max(0, -int(normal.as_tuple().exponent))
    return f"{normal:,.{places}f}"


async def level2_order(session: AsyncSession) -> dict[tuple[IndicatorCategory, str], int]:
    """The rank of each (一级, 二级) in the indicator library (its first template's place in the library)."""
    stmt = select(
        IndicatorTemplate.level1, IndicatorTemplate.level2, sa.func.min(IndicatorTemplate.sort_order)
    ).group_by(col(IndicatorTemplate.level1), col(IndicatorTemplate.level2))
    rows = (await session.exec(stmt)).all()
    return {(IndicatorCategory(level1), level2): rank for level1, level2, rank in rows}


class Categorized(Protocol):
    """What has an indicator's categories: an indicator, a self-evaluation's line."""

    @property
    def level1(self) -> IndicatorCategory: ...

    @property
    def level2(self) -> str: ...


C = TypeVar("C", bound=Categorized)


def in_category_order(indicators: Sequence[C], library: dict[tuple[IndicatorCategory, str], int]) -> list[C]:
    """Ordered by 一级 (Art. 9's order), then 二级 as the library orders them (a 二级 the library does not
    know after the known ones, by its first place in the goal), then the goal's own order."""
    first_place: dict[tuple[IndicatorCategory, str], int] = {}
    for place, indicator in enumerate(indicators):
        first_place.setdefault((indicator.level1, indicator.level2), place)
    unknown = len(library) + 1_000_000

    def key(pair: tuple[int, C]) -> tuple[int, int, int, int]:
        place, i = pair
        category = (i.level1, i.level2)
        rank = library.get(category, unknown + first_place[category])
        return (CATEGORY_ORDER[i.level1], rank, first_place[category], place)

    return [i for _, i in sorted(enumerate(indicators), key=key)]


async def handed_down_marks(session: AsyncSession, indicators: Sequence[Indicator]) -> dict[int, str]:
    """For each indicator handed down from the goal of the region above (inherited_from), the mark of it:
    who handed it down and the number that goal was (last) issued under; by indicator id."""
    sources = {i.inherited_from_id for i in indicators if i.inherited_from_id is not None}
    if not sources:
        return {}
    stmt = (
        select(Indicator.id, Goal.document_number, Region.level)
        .join(Goal, col(Goal.id) == Indicator.goal_id)
        .join(Region, col(Region.id) == Goal.region_id)
        .where(col(Indicator.id).in_(sorted(sources)))
    )
    source: dict[int, str] = {}
    for indicator_id, document_number, level in (await session.exec(stmt)).all():
        by = HANDED_DOWN_BY.get(RegionLevel(level), "上级下达")
        source[indicator_id or 0] = f"{by}（{document_number}）" if document_number else by
    return {
        i.id: source[i.inherited_from_id]
        for i in indicators
        if i.id is not None and i.inherited_from_id is not None and i.inherited_from_id in source
    }


def _target(i: Indicator) -> str:
    if i.kind == IndicatorKind.QUANTITATIVE:
        return number(i.target_value)
    return label_zh(i.target_grade) if i.target_grade else NONE


def _note(i: Indicator) -> str:
    """Only what the other columns do not say: a target set stricter than the one handed down."""
    if i.inherited_from_id is None:
        return ""
    value, grade = i.assigned_target_value, i.assigned_target_grade
    if i.kind == IndicatorKind.QUANTITATIVE and value is not None and i.target_value not in (None, value):
        return f"下达目标值{label_zh(i.comparator)}{number(value)}{i.unit}，本级从严设定"
    if i.kind == IndicatorKind.QUALITATIVE and grade is not None and i.target_grade not in (None, grade):
        return f"下达目标为{label_zh(grade)}，本级从严设定"
    return ""


def indicator_rows(indicators: Sequence[Indicator], marks: dict[int, str]) -> list[dict[str, str]]:
    return [
        {
            "level1": f"{label_zh(i.level1)}指标",
            "level2": i.level2,
            "level3": i.level3,
            "comparator": label_zh(i.comparator),
            "target": _target(i),
            "unit": i.unit or NONE,
            "weight": number(i.weight),
            "direction": DIRECTION[i.comparator],
            "kind": label_zh(i.kind),
            "handed_down": marks.get(i.id or 0, ""),
            "note": _note(i),
        }
        for i in indicators
    ]


def common_mark(rows: Sequence[dict[str, str]]) -> str:
    """The handed-down mark every row carries, when they all carry the same one (a prefecture's goal handed
    down whole): printed once under the grid instead of on each row. "" otherwise."""
    marks = {row["handed_down"] for row in rows}
    return marks.pop() if len(marks) == 1 else ""
