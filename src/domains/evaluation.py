"""Evaluation after the year as subjects (Art. 15–18): the pooling regions' self-evaluations, seen where
src/services/evaluation/scope.py says, announcing their edits and steps through the event bus; their
deadline (Art. 17, by the end of May: src/services/evaluation/deadlines.py) is listed by the `deadlines`
query and noticed when overdue."""

from src.models.evaluation import SelfEvaluation, SelfEvaluationEventKind
from src.services.evaluation import deadlines, scope
from src.subjects.registry import Registry, SubjectSpec


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="SelfEvaluation",
            model=SelfEvaluation,
            label="绩效自评",
            scope=scope.self_evaluation_scope,
            clause=scope.visible_self_evaluations_clause,
            event_kinds=SelfEvaluationEventKind,
            event_labels={
                SelfEvaluationEventKind.SELF_EVALUATION_STATUS_CHANGED: "绩效自评状态变更",
                SelfEvaluationEventKind.SELF_EVALUATION_CHANGED: "绩效自评内容修改",
            },
        )
    )
    registry.add_deadlines(deadlines.SOURCE)
