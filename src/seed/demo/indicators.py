"""Demo indicators: each goal's indicators from the library, weighted to the province's indicator total (90,
beside the 10 points of budget execution: the Sichuan form), count targets per region."""

import math
import random
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy import insert, update
from sqlalchemy.orm import aliased
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Goal, GoalDecompositionTarget, Indicator, IndicatorTemplate
from src.models.base import utcnow
from src.models.enums import GoalHorizon, IndicatorCategory, IndicatorKind, RegionLevel
from src.models.types import UTCDateTime
from src.seed.demo.context import YEARS, DemoReference, bulk_insert, prefecture_size, row_id
from src.seed.demo.figures import CENT, FundProfile, PrefectureSize, basis_shares, count_target, jitter
from src.seed.demo.goals import GoalPlan
from src.services.policy import ISSUED_STATES
from src.services.rules import DEFINITION, RuleKey

# The demo's rules are the province's defaults: its goals are weighted to the default total.
WEIGHT_TOTAL = int(Decimal(DEFINITION[RuleKey.INDICATOR_WEIGHT_TOTAL].default))

# Points per level-1 category, the usual split of national practice forms (of 100; apportioned to the total).
CATEGORY_POINTS = {
    IndicatorCategory.DECISION: 10,
    IndicatorCategory.PROCESS: 20,
    IndicatorCategory.OUTPUT: 40,
    IndicatorCategory.BENEFIT: 30,
}
# Common indicators a fund-specific one replaces (or that do not apply: no fiscal subsidy for these funds).
REPLACED_COMMON: dict[str, set[str]] = {
    "ENTERPRISE_PENSION": {"待遇按时足额发放率"},
    "EMPLOYEE_MEDICAL": {"累计结余可支付月数", "财政补助资金到位率"},
    "RESIDENT_MEDICAL": {"累计结余可支付月数", "财政补助资金到位率", "参保率"},
    "WORK_INJURY": {"待遇按时足额发放率", "参保人数", "财政补助资金到位率"},
    "UNEMPLOYMENT": {"待遇按时足额发放率", "财政补助资金到位率"},
}


def _applicable_templates(ref: DemoReference, fund: FundType) -> list[IndicatorTemplate]:
    """Common templates (less those the fund replaces) and the fund's own, grouped by level-1 category."""
    replaced = REPLACED_COMMON.get(fund.code, set())
    chosen = [
        t
        for t in ref.templates
        if t.fund_type_id == fund.id or (t.fund_type_id is None and t.level3 not in replaced)
    ]
    order = {category: index for index, category in enumerate(CATEGORY_POINTS)}
    return sorted(chosen, key=lambda t: order.get(t.level1, len(order)))  # stable: library order within


def _overall_subset(rng: random.Random, templates: list[IndicatorTemplate]) -> list[IndicatorTemplate]:
    """An overall goal keeps the fund's own indicators and about 60% of the common ones in each category."""
    keep: set[int] = {row_id(t) for t in templates if t.fund_type_id is not None}
    for category in CATEGORY_POINTS:
        common = [t for t in templates if t.level1 == category and t.fund_type_id is None]
        if common:
            keep |= {row_id(t) for t in rng.sample(common, math.ceil(len(common) * 0.6))}
    return [t for t in templates if row_id(t) in keep]


def _apportion(total: int, weights: dict[IndicatorCategory, int]) -> dict[IndicatorCategory, int]:
    """Whole points in proportion to weights, summing to total (largest remainder)."""
    scale = sum(weights.values())
    exact = {k: total * w / scale for k, w in weights.items()}
    points = {k: math.floor(v) for k, v in exact.items()}
    by_remainder = sorted(exact, key=lambda k: exact[k] - points[k], reverse=True)
    for k in by_remainder[: total - sum(points.values())]:
        points[k] += 1
    return points


def _split(total: int, count: int) -> list[Decimal]:
    """`count` weights summing exactly to `total`: whole points where possible, else cents."""
    quantum = Decimal(1) if total >= count else CENT
    units = int(Decimal(total) / quantum)
    base, extra = divmod(units, count)
    return [((base + (i < extra)) * quantum).quantize(CENT) for i in range(count)]


def _weights(templates: Sequence[IndicatorTemplate]) -> list[Decimal]:
    """Weights (分值) totalling exactly the province's indicator total (INDICATOR_WEIGHT_TOTAL, 90.00):
    category points split evenly within each category."""
    counts = {c: sum(t.level1 == c for t in templates) for c in CATEGORY_POINTS}
    present = {c: CATEGORY_POINTS[c] for c, n in counts.items() if n}
    points = _apportion(WEIGHT_TOTAL, present)
    pools = {c: _split(points[c], counts[c]) for c in present}
    return [pools[t.level1].pop(0) for t in templates]


def _is_count(template: IndicatorTemplate) -> bool:
    """A quantitative indicator without a library default: its target depends on the region's size."""
    return template.kind == IndicatorKind.QUANTITATIVE and template.default_target_value is None


async def add_indicators(
    session: AsyncSession,
    rng: random.Random,
    ref: DemoReference,
    goals: list[GoalPlan],
    sizes: dict[str, PrefectureSize],
    profiles: dict[str, FundProfile],
) -> int:
    applicable = {fund.code: _applicable_templates(ref, fund) for fund in ref.funds}
    overall_sets = {(f.code, y): _overall_subset(rng, applicable[f.code]) for y in YEARS for f in ref.funds}
    population = sum(prefecture_size(sizes, r).population for r in ref.prefectures)
    # Each prefecture's size for a fund, and a fixed deviation per count indicator so years stay consistent.
    weighted: dict[tuple[str, str], float] = {}
    factors: dict[tuple[str, str], float] = {}
    for fund in ref.funds:
        shares = basis_shares([prefecture_size(sizes, r) for r in ref.prefectures], profiles[fund.code].basis)
        counted = [t for t in applicable[fund.code] if _is_count(t)]
        for region in ref.prefectures:
            weighted[(region.code, fund.code)] = population * shares[region.code]
            for t in counted:
                factors[(region.code, t.key)] = jitter(rng, 0.03)

    def count(plan: GoalPlan, template: IndicatorTemplate) -> Decimal:
        parts = ref.prefectures if plan.region.level == RegionLevel.PROVINCE else [plan.region]
        return sum(
            (
                count_target(
                    template_key=template.key,
                    unit=template.unit,
                    profile=profiles[plan.fund.code],
                    population=weighted[(r.code, plan.fund.code)],
                    year=plan.goal.end_year,
                    factor=factors[(r.code, template.key)],
                )
                for r in parts
            ),
            Decimal(0),
        )

    now = utcnow()
    rows: list[dict[str, Any]] = []
    for plan in goals:
        if plan.goal.horizon == GoalHorizon.OVERALL:
            templates = overall_sets[(plan.fund.code, plan.year)]
        else:
            templates = applicable[plan.fund.code]
        for order, (t, weight) in enumerate(zip(templates, _weights(templates), strict=True), start=1):
            rows.append(
                {
                    "goal_id": row_id(plan.goal),
                    "template_id": row_id(t),
                    "level1": t.level1,
                    "level2": t.level2,
                    "level3": t.level3,
                    "kind": t.kind,
                    "comparator": t.comparator,
                    "target_value": count(plan, t) if _is_count(t) else t.default_target_value,
                    "target_grade": t.default_target_grade,
                    "unit": t.unit,
                    "aggregation": t.aggregation,
                    "weight": weight,
                    "definition": t.definition,
                    "numerator_label": t.numerator_label,
                    "denominator_label": t.denominator_label,
                    "sort_order": order,
                    "row_version": 1,
                    "created_at": now,
                    "updated_at": now,
                }
            )
    await bulk_insert(session, Indicator, rows)
    await _link_decomposed(session)
    return len(rows)


async def _link_decomposed(session: AsyncSession) -> None:
    """A prefecture's goal decomposed from the province's inherits its indicators (Art. 6): each is linked
    to the province's indicator of the same template and keeps the target it was given; the province-wide
    goal's decomposition table holds, frozen as issued, every prefecture's quantitative target."""
    child, parent_goal, parent = aliased(Indicator), aliased(Goal), aliased(Indicator)
    source = (
        select(parent.id)
        .join(Goal, col(Goal.parent_goal_id) == parent.goal_id)
        .where(col(Goal.id) == child.goal_id, col(parent.template_id) == child.template_id)
        .scalar_subquery()
    )
    await session.exec(
        update(child)
        .where(col(child.goal_id).in_(select(Goal.id).where(col(Goal.parent_goal_id).is_not(None))))
        .values(
            inherited_from_id=source,
            assigned_target_value=child.target_value,
            assigned_target_grade=child.target_grade,
        )
    )
    now = utcnow()
    cells = (
        sa.select(
            col(parent.goal_id),
            col(parent.id),
            col(Goal.region_id),
            col(child.target_value),
            sa.literal(False),
            sa.literal(1),
            sa.literal(now, UTCDateTime()),
            sa.literal(now, UTCDateTime()),
        )
        .join(child, col(child.inherited_from_id) == parent.id)
        .join(Goal, col(Goal.id) == child.goal_id)
        .join(parent_goal, col(parent_goal.id) == parent.goal_id)
        .where(
            col(child.kind) == IndicatorKind.QUANTITATIVE,
            col(parent_goal.status).in_([s.value for s in ISSUED_STATES]),
        )
    )
    columns = ["goal_id", "indicator_id", "region_id", "target_value", "by_hand", "row_version"]
    columns += ["created_at", "updated_at"]
    await session.exec(insert(GoalDecompositionTarget).from_select(columns, cells))
