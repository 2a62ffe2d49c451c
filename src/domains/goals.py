"""Goals as a subject (Art. 7–10, 14): seen by their region and below, by the regions above once submitted,
by the administration supervising their fund; they announce their steps and every edit of their content; they
are printed as goal tables, numbered as the issuing finance body's social-security documents
(川财社〔2026〕1号) when the goal is issued (src/services/goals/issuing.py)."""

from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal
from src.models.enums import ActorType
from src.models.goal import GoalDocumentKind, GoalEventKind, GoalExportKind
from src.reports.contexts.goal_documents import goal_batch, goal_versions
from src.reports.contexts.goal_table import goal_table_context
from src.reports.exports.goals import goals_version, write_goals_xlsx
from src.services.actors import Actor
from src.services.goals.scope import goal_scope, visible_goals_clause
from src.subjects.documents import FINANCE_SOCIAL_SECURITY, DocumentSpec, ExportSpec, NumberSpec
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


# A goal table documents the issue (下达) of its goal by a finance body (Art. 5, 10): guiding or formal, each
# issue numbered in the issuing body's sequence of 财社 documents for the year of issue.
GOAL_TABLE_NUMBER = NumberSpec(issuer=ActorType.FINANCE, family=FINANCE_SOCIAL_SECURITY)


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
    # Every goal of a year the requester reads, as one workbook (a sheet per fund, an indicator a row).
    registry.add_export(
        ExportSpec(
            kind=GoalExportKind.GOALS_XLSX,
            label="年度绩效目标汇总表",
            subject="Goal",
            write=write_goals_xlsx,
            version=goals_version,
        )
    )
