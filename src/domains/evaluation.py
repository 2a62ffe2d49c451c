"""Evaluation after the year as subjects (Art. 15–18): the pooling regions' self-evaluations, seen where
src/services/evaluation/scope.py says, announcing their edits and steps through the event bus; their
deadline (Art. 17, by the end of May: src/services/evaluation/deadlines.py) is listed by the `deadlines`
query and noticed when overdue. A self-evaluation is printed as its 绩效自评表 (a form, FORMS §2B/§2C; a
fund's year of them in a region and below as one batch, one ZIP) and as its 自评报告 (a 公文 without a
number, FORMS §4B). Finance may assign one to a third party, who then reads and fills it in (Art. 17)."""

from collections.abc import Sequence
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.evaluation import SelfEvaluation, SelfEvaluationDocumentKind, SelfEvaluationEventKind
from src.reports.contexts.self_evaluation_form import (
    self_evaluation_batch,
    self_evaluation_form_context,
    self_evaluation_form_contexts,
    self_evaluation_versions,
)
from src.reports.contexts.self_evaluation_report import self_evaluation_report_context
from src.services.actors import Actor
from src.services.evaluation import deadlines, scope
from src.services.policy import Action
from src.subjects.documents import DocumentSpec
from src.subjects.registry import Registry, SubjectSpec


async def _self_evaluation_form(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    return await self_evaluation_form_context(session=session, actor=actor, evaluation_id=subject_id)


async def _self_evaluation_forms(
    *, session: AsyncSession, actor: Actor, subject_ids: Sequence[int]
) -> dict[int, dict[str, Any]]:
    return await self_evaluation_form_contexts(session=session, actor=actor, evaluation_ids=subject_ids)


async def _self_evaluation_report(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    return await self_evaluation_report_context(session=session, actor=actor, evaluation_id=subject_id)


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name=scope.SUBJECT,
            model=SelfEvaluation,
            label="绩效自评",
            scope=scope.self_evaluation_scope,
            clause=scope.visible_self_evaluations_clause,
            event_kinds=SelfEvaluationEventKind,
            event_labels={
                SelfEvaluationEventKind.SELF_EVALUATION_STATUS_CHANGED: "绩效自评状态变更",
                SelfEvaluationEventKind.SELF_EVALUATION_CHANGED: "绩效自评内容修改",
            },
            # A third party it is assigned to carries it out (Art. 17 委托第三方具体实施): it fills it in;
            # submission, the tax department's opinion and acceptance stay with the bodies Art. 17 names.
            assignee_actions=frozenset({Action.SELF_EVALUATION_DRAFT}),
        )
    )
    registry.add_deadlines(deadlines.SOURCE)
    registry.add_document(
        DocumentSpec(
            kind=SelfEvaluationDocumentKind.SELF_EVALUATION_FORM,
            label="绩效自评表",
            subject="SelfEvaluation",
            build_context=_self_evaluation_form,
            build_contexts=_self_evaluation_forms,
            versions=self_evaluation_versions,
            template="SELF_EVALUATION_FORM.docx",
            batch=self_evaluation_batch,
            batch_label="绩效自评",
        )
    )
    registry.add_document(
        DocumentSpec(
            kind=SelfEvaluationDocumentKind.SELF_EVALUATION_REPORT,
            label="自评报告",
            subject="SelfEvaluation",
            build_context=_self_evaluation_report,
            versions=self_evaluation_versions,
            template="SELF_EVALUATION_REPORT.docx",
        )
    )
