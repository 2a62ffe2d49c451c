"""Regional rules (Art. 23 「各市（州）可根据本办法并结合实际情况，制定具体实施细则」): deadlines,
thresholds and scoring variants, with the province's values as defaults and each prefecture's own where
it sets them.

registry: the keys and their definitions; reads: rules_for (the RuleSet in force in a region); editing:
update_rules (the finance department of the province or of a prefecture).
"""

from src.services.rules.reads import RuleOrigin, RuleSet, rules_for, rules_for_region
from src.services.rules.registry import (
    DEFINITION,
    DEFINITIONS,
    EqIndicatorScoring,
    IndicatorCoverage,
    MonthDay,
    RuleDefinition,
    RuleKey,
    RuleKind,
    RuleSource,
)

__all__ = [
    "DEFINITION",
    "DEFINITIONS",
    "EqIndicatorScoring",
    "IndicatorCoverage",
    "MonthDay",
    "RuleDefinition",
    "RuleKey",
    "RuleKind",
    "RuleOrigin",
    "RuleSet",
    "RuleSource",
    "rules_for",
    "rules_for_region",
]
