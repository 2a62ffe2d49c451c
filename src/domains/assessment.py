"""The assessment of the prefectures as subjects (Art. 22): 财政厅's round of a year and each prefecture's
result, seen where src/services/assessment/scope.py says (the province while a draft; once published the
prefectures read the round and each its own row), announcing its steps through the event bus; its
publishing date (src/services/assessment/deadlines.py) is listed by the `deadlines` query. Its document,
the 考核结果通报, is numbered when published (rounds.number_spec)."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.assessment import AssessmentEventKind, AssessmentRound, PrefectureAssessment
from src.reports.contexts.assessment_notice import assessment_notice_context
from src.services.actors import Actor
from src.services.assessment import deadlines, rounds, scope
from src.services.assessment.notice_data import notice_data
from src.services.assessment.versions import round_versions
from src.subjects.documents import DocumentSpec
from src.subjects.registry import Registry, SubjectSpec


async def _notice(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    data = await notice_data(session=session, actor=actor, round_id=subject_id)
    return assessment_notice_context(data)


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=scope.ROUND,
            model=AssessmentRound,
            label="市（州）预算绩效管理工作考核",
            scope=scope.round_scope,
            clause=scope.visible_rounds_clause,
            event_kinds=AssessmentEventKind,
            event_labels={
                AssessmentEventKind.ASSESSMENT_ROUND_STATUS_CHANGED: "考核状态变更",
                AssessmentEventKind.ASSESSMENT_ROUND_COMPUTED: "考核结果计算",
            },
        )
    )
    registry.add_subject(
        SubjectSpec(
            name=scope.PREFECTURE,
            model=PrefectureAssessment,
            label="市（州）考核结果",
            scope=scope.prefecture_scope,
            clause=scope.visible_prefectures_clause,
        )
    )
    registry.add_deadlines(deadlines.SOURCE)
    registry.add_document(
        DocumentSpec(
            kind=rounds.NOTICE_KIND,
            label="考核结果通报",
            subject=scope.ROUND,
            build_context=_notice,
            versions=round_versions,
            template="ASSESSMENT_NOTICE.docx",
            number=rounds.NUMBER,
        )
    )
