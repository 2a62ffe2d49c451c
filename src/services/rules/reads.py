"""Reading a region's rules (Art. 23): its own value of each key, else the nearest ancestor's (county →
prefecture → province), else the province's built-in default. A key naming the region itself (its document
abbreviation: registry.RuleDefinition.region_default) is never inherited: the region's own value, else the
default derived from the region (region_defaults.py).

rules_for(session=..., region_id=...) answers with a RuleSet in two SQL statements at most (the region,
unless the session has it already, and the rows of the region and its ancestors), whatever the number of keys.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from types import MappingProxyType
from typing import Any

from sqlalchemy import ColumnElement
from sqlmodel import col, or_, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region, RegionalRule
from src.models.enums import IndicatorCategory, RegionLevel
from src.services import policy
from src.services.actors import Actor
from src.services.errors import NotFound
from src.services.rules.region_defaults import RegionFacts
from src.services.rules.registry import (
    DEFINITION,
    DEFINITIONS,
    EqIndicatorScoring,
    IndicatorCoverage,
    LeIndicatorLighting,
    LeIndicatorScoring,
    Level1Weights,
    MonitoringPeriods,
    MonthDay,
    OverAchievementReduction,
    RuleKey,
    RuleSource,
    RuleValue,
    RuleValueError,
)
from src.services.rules.scope import rule_set_scope


@dataclass(frozen=True)
class RuleOrigin:
    """Where a region's value of one key comes from."""

    source: RuleSource  # PROVINCE: the province's row or the built-in default; REGION: a region below it
    region_id: int | None  # the region whose row defines the value; None for the built-in default
    text: str  # the value's canonical text
    updated_at: datetime | None = None  # when that row last changed; None for the built-in default


@dataclass(frozen=True)
class RuleSet:
    """The rules in force in one region, one typed attribute per RuleKey (its lower-case name)."""

    region_id: int
    indicator_weight_total: Decimal
    indicator_coverage: IndicatorCoverage
    monitoring_compilation_deadline: MonthDay
    self_evaluation_deadline: MonthDay
    provincial_report_deadline: MonthDay
    provincial_summary_deadline: MonthDay
    light_red_below: Decimal
    light_yellow_below: Decimal
    light_blue_from: Decimal
    execution_red_below: Decimal
    execution_yellow_below: Decimal
    grade_excellent_from: Decimal
    grade_good_from: Decimal
    grade_fair_from: Decimal
    eq_indicator_scoring: EqIndicatorScoring
    qualitative_achieved_from: Decimal
    qualitative_partly_from: Decimal
    execution_points: Decimal
    execution_reason_below: Decimal
    document_abbreviation: str
    le_indicator_lighting: LeIndicatorLighting
    le_yellow_excess_below: Decimal
    execution_large_deviation_below: Decimal
    adjustment_review_red_periods: Decimal
    monitoring_periods: MonitoringPeriods
    monitoring_entry_due_days: Decimal
    monitoring_report_due_days: Decimal
    le_indicator_scoring: LeIndicatorScoring
    over_achievement_reduction: OverAchievementReduction
    over_achievement_from: Decimal
    deviation_cause_from: Decimal
    level1_weights: Level1Weights
    level1_weight_decision: Decimal
    level1_weight_process: Decimal
    level1_weight_output: Decimal
    level1_weight_benefit: Decimal
    feedback_answer_days: Decimal
    rectification_days: Decimal
    assessment_weight_deadlines: Decimal
    assessment_weight_self_evaluation: Decimal
    assessment_weight_rectification: Decimal
    assessment_weight_warnings: Decimal
    assessment_commend_from: Decimal
    assessment_weak_below: Decimal
    assessment_deadline: MonthDay
    escalation_answer_days: Decimal
    escalation_wait_days: Decimal
    built_in: Mapping[RuleKey, str] = field(compare=False, repr=False)  # the built-in value in this region
    origins: Mapping[RuleKey, RuleOrigin] = field(compare=False, repr=False)

    def fixed_level1_weights(self) -> dict[IndicatorCategory, Decimal] | None:
        """Each level-1 category's points where the rules fix them (LEVEL1_WEIGHTS = FIXED), else None."""
        if self.level1_weights != Level1Weights.FIXED:
            return None
        return {
            IndicatorCategory.DECISION: self.level1_weight_decision,
            IndicatorCategory.PROCESS: self.level1_weight_process,
            IndicatorCategory.OUTPUT: self.level1_weight_output,
            IndicatorCategory.BENEFIT: self.level1_weight_benefit,
        }

    def value(self, key: RuleKey) -> RuleValue:
        value: RuleValue = getattr(self, DEFINITION[key].attribute)
        return value

    def values(self) -> dict[RuleKey, RuleValue]:
        return {key: self.value(key) for key in RuleKey}

    def origin(self, key: RuleKey) -> RuleOrigin:
        return self.origins[key]

    def source(self, key: RuleKey) -> RuleSource:
        return self.origins[key].source

    def defined_in(self, key: RuleKey) -> int | None:
        """The id of the region whose row gives the value; None for the built-in default."""
        return self.origins[key].region_id

    def text(self, key: RuleKey) -> str:
        return self.origins[key].text

    def default(self, key: RuleKey) -> str:
        """The built-in value in this region: the province's default, or one derived from the region."""
        return self.built_in[key]


@dataclass(frozen=True)
class DefinedRule:
    """One stored rule with what resolution needs of its region."""

    key: str
    value: str
    region: RegionFacts
    updated_at: datetime | None = None


def ancestor_codes(path: str) -> list[str]:
    """The codes of the region of `path` and of every region above it ("/510000/510100/" → both)."""
    return [code for code in path.strip("/").split("/") if code]


def resolve(region: RegionFacts, rules: Iterable[DefinedRule]) -> RuleSet:
    """The RuleSet of `region` from the rules of any regions: those of the region and its ancestors apply,
    the nearest first (a key that is not inherited: the region's own only); a stored value that no longer
    parses (a date later than the text's among them) or that its region may not set is skipped, so the value
    above it applies."""
    nearest: dict[RuleKey, DefinedRule] = {}
    for rule in rules:
        if not region.path.startswith(rule.region.path) or rule.key not in DEFINITION:
            continue
        key = RuleKey(rule.key)
        if not DEFINITION[key].inherited and rule.region.path != region.path:
            continue
        if not DEFINITION[key].settable_in(rule.region.level):
            continue  # a province-only key set below the province (before the scope was enforced)
        current = nearest.get(key)
        if current is not None and len(current.region.path) >= len(rule.region.path):
            continue
        try:
            if DEFINITION[key].parse(rule.value) != rule.value:
                continue
        except RuleValueError:
            continue
        nearest[key] = rule
    typed: dict[str, Any] = {}
    origins: dict[RuleKey, RuleOrigin] = {}
    built_in: dict[RuleKey, str] = {}
    for definition in DEFINITIONS:
        built_in[definition.key] = definition.default_for(region)
        found = nearest.get(definition.key)
        if found is None:
            origin = RuleOrigin(RuleSource.PROVINCE, None, built_in[definition.key])
        else:
            level = found.region.level
            source = RuleSource.PROVINCE if level == RegionLevel.PROVINCE else RuleSource.REGION
            origin = RuleOrigin(source, found.region.id, found.value, found.updated_at)
        origins[definition.key] = origin
        typed[definition.attribute] = definition.typed(origin.text)
    return RuleSet(
        region_id=region.id,
        origins=MappingProxyType(origins),
        built_in=MappingProxyType(built_in),
        **typed,
    )


def _defined_rules_select(codes: list[str], subtree_path: str | None) -> Any:
    """Stored rules of the regions of `codes` (and of the subtree under `subtree_path`), with their region."""
    where: ColumnElement[bool] = col(Region.code).in_(codes)
    if subtree_path is not None:
        where = or_(where, col(Region.path).startswith(subtree_path, autoescape=True))
    return select(RegionalRule, Region).join(Region, col(Region.id) == RegionalRule.region_id).where(where)


async def defined_rules(
    session: AsyncSession, region: Region, *, with_descendants: bool = False
) -> list[DefinedRule]:
    """The stored rules of `region` and its ancestors (and, `with_descendants`, of every region below it),
    in one statement."""
    stmt = _defined_rules_select(ancestor_codes(region.path), region.path if with_descendants else None)
    return [
        DefinedRule(rule.key, rule.value, RegionFacts.of(rule_region), rule.updated_at)
        for rule, rule_region in (await session.exec(stmt)).all()
    ]


async def rules_for_region(*, session: AsyncSession, region: Region) -> RuleSet:
    """The rules in force in `region` (one statement)."""
    return resolve(RegionFacts.of(region), await defined_rules(session, region))


async def rules_for(*, session: AsyncSession, region_id: int) -> RuleSet:
    """The rules in force in the region `region_id`; NotFound if there is no such region."""
    region = await session.get(Region, region_id)
    if region is None:
        raise NotFound("行政区划", region_id)
    return await rules_for_region(session=session, region=region)


def rules_visible(actor: Actor, region: Region) -> bool:
    """Rules are not secret: every actor reads every region's, except that an API token confined to a
    region reads nothing outside it (README, API tokens): the one rule, over the rules' scope (scope.py)."""
    return policy.visible(actor, rule_set_scope(region))
