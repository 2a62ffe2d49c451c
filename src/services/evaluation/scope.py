"""Where a self-evaluation sits for visibility (src/subjects/scope.py), for one row and as SQL: at its
pooling region, addressed to its fund's administration; a draft (or one returned for rework) is, as
policy.visibility has it, not seen from the regions below its own nor by the national departments. Once
submitted it is read by the provincial bodies it goes to (Art. 17: they are its region or above it). It
may be assigned to a third party (Art. 17 委托第三方具体实施): its scopes carry its key, so the third party
reads it and drafts it while assigned (src/services/assignments/)."""

from sqlalchemy import ColumnElement
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

DRAFTS = frozenset({SelfEvaluationStatus.DRAFT, SelfEvaluationStatus.RETURNED})
SUBJECT = "SelfEvaluation"  # its name in the registry (src/domains/evaluation.py)


def subject_key(row: SelfEvaluation) -> tuple[str, int]:
    assert row.id is not None, "a self-evaluation's key needs its id"
    return (SUBJECT, row.id)


async def self_evaluation_scope(session: AsyncSession, row: SelfEvaluation) -> RecordScope:
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


def visible_self_evaluations_clause(actor: Actor) -> ColumnElement[bool]:
    draft = col(SelfEvaluation.status).in_([s.value for s in DRAFTS])
    columns = ColumnTerms(
        region_path=region_path_of(SelfEvaluation.region_id),
        addressed=fund_addressed(SelfEvaluation.fund_type_id),
        draft=draft,
        subject_type=SUBJECT,
        subject_id=col(SelfEvaluation.id),
    )
    return policy.visible_clause(actor, columns)


async def policy_scope(session: AsyncSession, row: SelfEvaluation) -> policy.Scope:
    """Where the actions on it apply: its pooling region and its fund's administration; and itself, for a
    third party it is assigned to."""
    region = await kept_row(session, Region, row.region_id)
    fund = await kept_row(session, FundType, row.fund_type_id)
    assert region is not None and fund is not None
    return policy.Scope(
        region_path=region.path,
        region_level=region.level,
        administration=fund.administration,
        subject=subject_key(row),
    )
