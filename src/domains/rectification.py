"""The rectification items as a subject (Art. 20): 整改事项 raised by a finance body, seen where
src/services/rectification/scope.py says (the item's region and above; the administration-bound bodies
for their fund), announcing its edits, evidence and steps through the event bus; their due dates are the
deadline source "rectification" (src/services/rectification/deadlines.py), listed by the `deadlines`
query and announced once overdue. No document kind: the feedback letter carries the 整改要求."""

from src.models.rectification import RectificationEventKind, RectificationItem
from src.services.rectification import deadlines, scope
from src.subjects.registry import Registry, SubjectSpec


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=scope.SUBJECT,
            model=RectificationItem,
            label="整改事项",
            scope=scope.item_scope,
            clause=scope.visible_items_clause,
            event_kinds=RectificationEventKind,
            event_labels={
                RectificationEventKind.RECTIFICATION_ITEM_STATUS_CHANGED: "整改事项状态变更",
                RectificationEventKind.RECTIFICATION_ITEM_CHANGED: "整改事项内容修改",
            },
        )
    )
    registry.add_deadlines(deadlines.SOURCE)
