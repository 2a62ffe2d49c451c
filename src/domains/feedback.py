"""The evaluation-result feedback as a subject (Art. 19): 财政厅's 评价结果反馈函 to a pooling region, seen
where src/services/feedback/scope.py says (the province while a draft, the region once sent), announcing its
edits and steps through the event bus; its answer-by dates (src/services/feedback/deadlines.py) are listed
by the `deadlines` query. Its document, the 评价结果反馈函, is numbered when sent (sending.number_spec)."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.feedback import EvaluationFeedback, FeedbackEventKind
from src.reports.contexts.evaluation_feedback_letter import feedback_letter_context
from src.services.actors import Actor
from src.services.feedback import deadlines, scope, sending
from src.services.feedback.letter_data import feedback_letter_data
from src.services.feedback.versions import feedback_versions
from src.subjects.documents import DocumentSpec
from src.subjects.registry import Registry, SubjectSpec


async def _letter(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    data = await feedback_letter_data(session=session, actor=actor, feedback_id=subject_id)
    return feedback_letter_context(data)


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
    registry.add_document(
        DocumentSpec(
            kind=sending.LETTER_KIND,  # the kind its number is drawn under when it is sent
            label="评价结果反馈函",
            subject=scope.SUBJECT,
            build_context=_letter,
            versions=feedback_versions,
            template="EVALUATION_FEEDBACK_LETTER.docx",
            number=sending.NUMBER,
        )
    )
