"""The evaluation-result feedback as a subject (Art. 19): 财政厅's 评价结果反馈函 to a pooling region, seen
where src/services/feedback/scope.py says (the province while a draft, the region once sent), announcing its
edits and steps through the event bus; its answer-by dates (src/services/feedback/deadlines.py) are listed
by the `deadlines` query. Its number is drawn under the letter's kind (sending.number_spec)."""

from src.models.feedback import EvaluationFeedback, FeedbackEventKind
from src.services.feedback import deadlines, scope
from src.subjects.registry import Registry, SubjectSpec


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=scope.SUBJECT,
            model=EvaluationFeedback,
            label="评价结果反馈",
            scope=scope.feedback_scope,
            clause=scope.visible_feedbacks_clause,
            event_kinds=FeedbackEventKind,
            event_labels={
                FeedbackEventKind.EVALUATION_FEEDBACK_STATUS_CHANGED: "评价结果反馈状态变更",
                FeedbackEventKind.EVALUATION_FEEDBACK_CHANGED: "评价结果反馈内容修改",
            },
        )
    )
    registry.add_deadlines(deadlines.SOURCE)
