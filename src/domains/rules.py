"""A region's detailed rules as a subject (Art. 23): the rule set of a region (its Region row; the subject id
is the region's), read by everyone; it announces each change of the region's own values."""

from src.models import Region
from src.models.rules import RuleEventKind
from src.services.rules.scope import region_rules_scope, visible_rule_sets_clause
from src.subjects.registry import Registry, SubjectSpec


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="RuleSet",
            model=Region,
            label="实施细则",
            scope=region_rules_scope,
            clause=visible_rule_sets_clause,
            event_kinds=RuleEventKind,
            event_labels={RuleEventKind.RULE_SET_CHANGED: "实施细则变更"},
        )
    )
