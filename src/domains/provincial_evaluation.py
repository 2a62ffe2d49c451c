"""The provincial evaluation as subjects (Art. 17, 18): a fund's 省级绩效评价 of a year and 财政厅's July
summary, seen where src/services/evaluation/provincial/scope.py says, announcing their edits and steps
through the event bus; their deadlines (7月10日前送财政厅, 7月底前汇总上报:
src/services/evaluation/provincial/deadlines.py) are listed by the `deadlines` query and noticed when
overdue. Their documents (the report, the summary with its 财社 number) are registered with their
templates; the summary's number is drawn under that kind (summaries.number_spec)."""

from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationEventKind,
    ProvincialEvaluationSummary,
    ProvincialSummaryEventKind,
)
from src.services.evaluation.provincial import deadlines, scope
from src.subjects.registry import Registry, SubjectSpec


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="ProvincialEvaluation",
            model=ProvincialEvaluation,
            label="省级绩效评价",
            scope=scope.provincial_evaluation_scope,
            clause=scope.visible_provincial_evaluations_clause,
            event_kinds=ProvincialEvaluationEventKind,
            event_labels={
                ProvincialEvaluationEventKind.PROVINCIAL_EVALUATION_STATUS_CHANGED: "省级绩效评价状态变更",
                ProvincialEvaluationEventKind.PROVINCIAL_EVALUATION_CHANGED: "省级绩效评价内容修改",
            },
        )
    )
    registry.add_subject(
        SubjectSpec(
            name="ProvincialEvaluationSummary",
            model=ProvincialEvaluationSummary,
            label="省级绩效评价汇总报告",
            scope=scope.summary_scope,
            clause=scope.visible_summaries_clause,
            event_kinds=ProvincialSummaryEventKind,
            event_labels={
                ProvincialSummaryEventKind.PROVINCIAL_SUMMARY_STATUS_CHANGED: "省级绩效评价汇总报告状态变更",
                ProvincialSummaryEventKind.PROVINCIAL_SUMMARY_CHANGED: "省级绩效评价汇总报告内容修改",
            },
        )
    )
    registry.add_deadlines(deadlines.SOURCE)
