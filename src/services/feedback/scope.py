"""Where a feedback sits for visibility (src/subjects/scope.py), for one row and as SQL. A draft sits at the
province as a draft: the province's bodies read it, nobody below nor the national departments. Once sent
it sits at the pooling region it is addressed to, no longer a draft: that region (and below) reads it, and
the regions above it (the province, its prefecture) by the one rule; the administration-bound bodies read
it when it concerns their fund."""

from sqlalchemy import ColumnElement, case
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.feedback import EvaluationFeedback, FeedbackStatus
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

SUBJECT = "EvaluationFeedback"  # its name in the registry (src/domains/feedback.py)


def is_draft(row: EvaluationFeedback) -> bool:
    return row.status == FeedbackStatus.DRAFT


async def feedback_scope(session: AsyncSession, row: EvaluationFeedback) -> RecordScope:
    region = await kept_row(session, Region, row.province_id if is_draft(row) else row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return RecordScope(
        region_id=region.id or 0,
        region_path=region.path,
        fund_type_id=row.fund_type_id,
        administrations=frozenset({fund.administration}) if fund.administration else frozenset(),
        draft=is_draft(row),
    )


def visible_feedbacks_clause(actor: Actor) -> ColumnElement[bool]:
    draft = col(EvaluationFeedback.status) == FeedbackStatus.DRAFT
    columns = ColumnTerms(
        region_path=case(
            (draft, region_path_of(EvaluationFeedback.province_id)),
            else_=region_path_of(EvaluationFeedback.region_id),
        ),
        addressed=fund_addressed(EvaluationFeedback.fund_type_id),
        draft=draft,
    )
    return policy.visible_clause(actor, columns)


async def province_scope(session: AsyncSession, row: EvaluationFeedback) -> policy.Scope:
    """Where 财政厅's actions on it apply (FEEDBACK_DRAFT, FEEDBACK_SEND): the province."""
    region = await kept_row(session, Region, row.province_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )


async def region_scope(session: AsyncSession, row: EvaluationFeedback) -> policy.Scope:
    """Where the acknowledgement applies (FEEDBACK_ACKNOWLEDGE): the pooling region addressed."""
    region = await kept_row(session, Region, row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return policy.Scope(
        region_path=region.path, region_level=region.level, administration=fund.administration
    )
