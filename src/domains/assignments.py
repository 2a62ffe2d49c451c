"""Assignments to third parties as subjects (Art. 17 委托第三方具体实施): seen where the record they entrust
is seen (src/services/assignments/scope.py), announcing their creation and early end. Which subjects may
be assigned, and what an assignee may do, each subject says in its own registration (assignee_actions)."""

from src.models.assignment import Assignment, AssignmentEventKind
from src.services.assignments import scope
from src.subjects.registry import Registry, SubjectSpec

SUBJECT = "Assignment"


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=SUBJECT,
            model=Assignment,
            label="委托第三方",
            scope=scope.assignment_scope,
            clause=scope.visible_assignments_clause,
            event_kinds=AssignmentEventKind,
            event_labels={AssignmentEventKind.ASSIGNMENT_CHANGED: "委托第三方变更"},
        )
    )
