"""Stored rules the text no longer allows (Art. 13, 17, 23): a deadline later than the text's date, or a
province-only key set below the province, written before editing refused them.

Reading never applies them (reads.resolve skips them: the value of the region above applies, within the
text). They are not rewritten or deleted here: changing a region's detailed rules is its finance
department's act, audited as such (ruleSetUpdate; a reset removes the row). `fundperf migrate` lists them
with what applies instead, once per run, so an operator can tell the regions concerned.
"""

from dataclasses import dataclass

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region, RegionalRule
from src.services.rules.reads import defined_rules, resolve
from src.services.rules.region_defaults import RegionFacts
from src.services.rules.registry import DEFINITION, RuleKey, RuleScope, RuleValueError


@dataclass(frozen=True)
class IgnoredRule:
    region_code: str
    region_name: str
    key: RuleKey
    stored: str  # the value as stored
    applies: str  # the value in force in the region instead
    reason: str  # why it is ignored, in Chinese

    def describe(self) -> str:
        return (
            f"{self.region_name}（{self.region_code}）的实施细则 {self.key.value}={self.stored} 不予适用："
            f"{self.reason}；现行值 {self.applies}"
        )


def _reason(key: RuleKey, value: str, region: Region) -> str | None:
    definition = DEFINITION[key]
    if not definition.settable_in(region.level):
        return f"为省级部门的职责，仅省级实施细则可以规定（{definition.basis}）"
    try:
        definition.parse(value)
    except RuleValueError as exc:
        if definition.latest is not None:  # only the text's limits: other bad values were always skipped
            return exc.message
    return None


async def ignored_rules(session: AsyncSession) -> list[IgnoredRule]:
    """Every stored deadline or province-only rule reading does not apply, by region code and key."""
    keys = [
        d.key.value for d in DEFINITION.values() if d.latest is not None or d.scope != RuleScope.ANY_REGION
    ]
    stmt = (
        select(RegionalRule, Region)
        .join(Region, col(Region.id) == RegionalRule.region_id)
        .where(col(RegionalRule.key).in_(keys))
        .order_by(col(Region.code), col(RegionalRule.key))
    )
    found: list[IgnoredRule] = []
    for rule, region in (await session.exec(stmt)).all():
        key = RuleKey(rule.key)
        reason = _reason(key, rule.value, region)
        if reason is None:
            continue
        in_force = resolve(RegionFacts.of(region), await defined_rules(session, region))
        found.append(IgnoredRule(region.code, region.name, key, rule.value, in_force.text(key), reason))
    return found
