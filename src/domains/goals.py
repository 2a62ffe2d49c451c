"""Goals as a subject (Art. 7–10, 14): seen by their region and below, by the regions above once submitted,
by the administration supervising their fund; they announce their steps and every edit of their content; they
are printed as goal tables, numbered as the finance body's social-security documents (川财社〔2026〕1号) once
the goal is issued."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal
from src.models.enums import ActorType
from src.models.goal import GoalDocumentKind, GoalEventKind
from src.reports.contexts.goal_documents import goal_batch, goal_versions
from src.reports.contexts.goal_table import goal_table_context
from src.services import policy
from src.services.actors import Actor
from src.services.goals.scope import goal_scope, visible_goals_clause
from src.subjects.documents import FINANCE_SOCIAL_SECURITY, DocumentSpec, Issue, NumberSpec
from src.subjects.registry import Registry, SubjectSpec

EVENT_LABELS = {
    GoalEventKind.GOAL_STATUS_CHANGED: "绩效目标状态变更",
    GoalEventKind.GOAL_DECOMPOSED: "绩效目标分解下达",
    GoalEventKind.GOAL_ADJUSTMENT_REQUESTED: "绩效目标申请调整",
    GoalEventKind.GOAL_TAX_OPINION: "税务部门会商意见",
    GoalEventKind.GOAL_CREATED: "绩效目标新建",
    GoalEventKind.GOAL_CHANGED: "绩效目标内容修改",
    GoalEventKind.GOAL_DELETED: "绩效目标删除",
}


async def _goal_table(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    return await goal_table_context(session=session, actor=actor, goal_id=subject_id)


async def _goal_table_issue(session: AsyncSession, goal: Goal) -> Issue:
    """A goal table documents the issue (下达) of its goal: by the finance body of the goal's region, in
    the sequence of the goal's (first) year, once the goal is in force — issued, as guiding or formally
    (Art. 10); NATIONAL_APPROVED is approved, not issued."""
    return Issue(
        region_id=goal.region_id, year=goal.start_year, numberable=goal.status in policy.ISSUED_STATES
    )


GOAL_TABLE_NUMBER = NumberSpec(
    issuer=ActorType.FINANCE, family=FINANCE_SOCIAL_SECURITY, issue=_goal_table_issue
)


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="Goal",
            model=Goal,
            label="绩效目标",
            scope=goal_scope,
            clause=visible_goals_clause,
            event_kinds=GoalEventKind,
            event_labels=EVENT_LABELS,
        )
    )
    registry.add_document(
        DocumentSpec(
            kind=GoalDocumentKind.GOAL_TABLE,
            label="绩效目标表",
            subject="Goal",
            build_context=_goal_table,
            versions=goal_versions,
            batch=goal_batch,
            batch_label="绩效目标",
            template="GOAL_TABLE.docx",
            number=GOAL_TABLE_NUMBER,
        )
    )
