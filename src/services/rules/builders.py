"""Short builders of rule definitions (registry.py and after_evaluation.py): a decimal, a count of days, a
date the text fixes, a province-only key."""

from dataclasses import replace
from decimal import Decimal

from src.services.rules.definition import MonthDay, RuleDefinition, RuleKey, RuleKind, RuleScope


def decimal_rule(
    key: RuleKey,
    label: str,
    default: str,
    *,
    minimum: str = "0",
    minimum_inclusive: bool = False,
    maximum: str = "100",
) -> RuleDefinition:
    return RuleDefinition(
        key=key,
        kind=RuleKind.DECIMAL,
        label=label,
        default=default,
        minimum=Decimal(minimum),
        minimum_inclusive=minimum_inclusive,
        maximum=Decimal(maximum),
    )


def count_rule(
    key: RuleKey,
    label: str,
    default: str,
    *,
    minimum: str,
    maximum: str,
    basis: str = "",
    scope: RuleScope = RuleScope.ANY_REGION,
) -> RuleDefinition:
    return RuleDefinition(
        key=key,
        kind=RuleKind.DECIMAL,
        label=label,
        default=default,
        minimum=Decimal(minimum),
        maximum=Decimal(maximum),
        places=0,
        basis=basis,
        scope=scope,
    )


def deadline_rule(
    key: RuleKey, label: str, default: str, *, basis: str, scope: RuleScope = RuleScope.ANY_REGION
) -> RuleDefinition:
    """A date the text fixes (`default`, also its `latest`): regions may only bring it forward."""
    month, day = default.split("-")
    return RuleDefinition(
        key=key,
        kind=RuleKind.MONTH_DAY,
        label=label,
        default=default,
        latest=MonthDay(int(month), int(day)),
        basis=basis,
        scope=scope,
    )


ASSESSMENT_BASIS = "第二十二条：财政厅…应按照部门职责开展对各市（州）…的考核"


def province_only(definition: RuleDefinition) -> RuleDefinition:
    """An Art. 22 key: the province's alone (a prefecture must not set what it is assessed by)."""
    return replace(definition, scope=RuleScope.PROVINCE_ONLY, basis=ASSESSMENT_BASIS)
