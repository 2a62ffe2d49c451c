"""The provincial evaluation as subjects (Art. 17, 18): a fund's 省级绩效评价 of a year and 财政厅's July
summary, seen where src/services/evaluation/provincial/scope.py says, announcing their edits and steps
through the event bus; their deadlines (7月10日前送财政厅, 7月底前汇总上报:
src/services/evaluation/provincial/deadlines.py) are listed by the `deadlines` query and noticed when
overdue. Their documents (the report, the summary with its 财社 number) are registered with their
templates; the summary's number is drawn under that kind (summaries.number_spec)."""

import asyncio
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationDocumentKind,
    ProvincialEvaluationEventKind,
    ProvincialEvaluationSummary,
    ProvincialSummaryEventKind,
)
from src.reports.contexts.provincial_evaluation_report import provincial_report_context
from src.reports.contexts.provincial_evaluation_summary import provincial_summary_context
from src.services.actors import Actor
from src.services.evaluation.provincial import deadlines, scope, summaries
from src.services.evaluation.provincial.data import provincial_report_data, provincial_summary_data
from src.services.evaluation.provincial.versions import provincial_evaluation_versions, summary_versions
from src.services.policy import Action
from src.subjects.documents import DocumentSpec
from src.subjects.registry import Registry, SubjectSpec


async def _report(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    data = await provincial_report_data(session=session, actor=actor, evaluation_id=subject_id)
    # Drawing the two charts takes a few tenths of a second: off the event loop.
    return await asyncio.to_thread(provincial_report_context, data)


async def _summary(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    data = await provincial_summary_data(session=session, actor=actor, summary_id=subject_id)
    return provincial_summary_context(data)


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="ProvincialEvaluation",
            model=ProvincialEvaluation,
            label="省级绩效评价",
            scope=scope.provincial_evaluation_scope,
            # 委托第三方 (Art. 17): an assigned third party writes the report; 送财政厅 stays the agency's.
            assignee_actions=frozenset({Action.PROVINCIAL_EVALUATION_DRAFT}),
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
    registry.add_document(
        DocumentSpec(
            kind=ProvincialEvaluationDocumentKind.PROVINCIAL_EVALUATION_REPORT,
            label="省级分险种绩效评价报告",
            subject="ProvincialEvaluation",
            build_context=_report,
            versions=provincial_evaluation_versions,
            template="PROVINCIAL_EVALUATION_REPORT.docx",
        )
    )
    registry.add_document(
        DocumentSpec(
            kind=summaries.SUMMARY_KIND,  # the kind its number is drawn under when it is sent
            label="省级绩效评价汇总报告",
            subject="ProvincialEvaluationSummary",
            build_context=_summary,
            versions=summary_versions,
            template="PROVINCIAL_EVALUATION_SUMMARY.docx",
            number=summaries.NUMBER,
        )
    )
