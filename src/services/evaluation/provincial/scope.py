"""Where the provincial evaluation and the summary sit for visibility (src/subjects/scope.py), for one row
and as SQL: at the province. An evaluation is addressed to its fund's administration (人社厅 or 省医保局,
which guides it) and is a draft until sent to 财政厅 (DRAFT, or RETURNED for rework); the summary is
addressed to both administrations and is a draft until sent upward — then the national departments read
it (policy.visibility: they read what is not a draft)."""

from sqlalchemy import ColumnElement, true
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.enums import Administration
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationStatus,
    ProvincialEvaluationSummary,
    ProvincialSummaryStatus,
)
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

DRAFTS = frozenset({ProvincialEvaluationStatus.DRAFT, ProvincialEvaluationStatus.RETURNED})
BOTH = frozenset(Administration)
SUBJECT = "ProvincialEvaluation"  # its name in the registry (src/domains/provincial_evaluation.py)


def subject_key(row: ProvincialEvaluation) -> tuple[str, int]:
    """The key a third party's assignment names it by (Art. 17 委托第三方具体实施)."""
    assert row.id is not None, "a provincial evaluation's key needs its id"
    return (SUBJECT, row.id)


async def provincial_evaluation_scope(session: AsyncSession, row: ProvincialEvaluation) -> RecordScope:
    region = await kept_row(session, Region, row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return RecordScope(
        region_id=row.region_id,
        region_path=region.path,
        fund_type_id=row.fund_type_id,
        administrations=frozenset({fund.administration}) if fund.administration else frozenset(),
        draft=row.status in DRAFTS,
        subject=subject_key(row),
    )


def visible_provincial_evaluations_clause(actor: Actor) -> ColumnElement[bool]:
    columns = ColumnTerms(
        region_path=region_path_of(ProvincialEvaluation.region_id),
        addressed=fund_addressed(ProvincialEvaluation.fund_type_id),
        draft=col(ProvincialEvaluation.status).in_([s.value for s in DRAFTS]),
        subject_type=SUBJECT,
        subject_id=col(ProvincialEvaluation.id),
    )
    return policy.visible_clause(actor, columns)


async def policy_scope(session: AsyncSession, row: ProvincialEvaluation) -> policy.Scope:
    """Where the actions on it apply: the province and its fund's administration; and itself, for a third
    party it is assigned to."""
    region = await kept_row(session, Region, row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return policy.Scope(
        region_path=region.path,
        region_level=region.level,
        administration=fund.administration,
        subject=subject_key(row),
    )


async def summary_scope(session: AsyncSession, row: ProvincialEvaluationSummary) -> RecordScope:
    region = await kept_row(session, Region, row.region_id)
    assert region is not None
    return RecordScope(
        region_id=row.region_id,
        region_path=region.path,
        administrations=BOTH,
        draft=row.status == ProvincialSummaryStatus.DRAFT,
    )


def _addressed_to_both(administration: Administration) -> ColumnElement[bool]:
    del administration  # copied to 人社厅 and 省医保局 alike
    return true()


def visible_summaries_clause(actor: Actor) -> ColumnElement[bool]:
    columns = ColumnTerms(
        region_path=region_path_of(ProvincialEvaluationSummary.region_id),
        addressed=_addressed_to_both,
        draft=col(ProvincialEvaluationSummary.status) == ProvincialSummaryStatus.DRAFT,
    )
    return policy.visible_clause(actor, columns)


async def summary_policy_scope(session: AsyncSession, row: ProvincialEvaluationSummary) -> policy.Scope:
    region = await kept_row(session, Region, row.region_id)
    assert region is not None
    return policy.Scope(region_path=region.path, region_level=region.level)
