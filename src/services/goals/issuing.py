"""A goal's issue (下达, Art. 10) and its document number (发文字号, GB/T 9704 7.2.5; FORMS.md §5).

Issuing is what gives a goal its number: the step that puts it in force (goalIssueGuiding, goalIssue, and
the formal issue of a region's goal that follows its province-wide goal's) draws it in the same transaction
and stores it on the goal with the moment and the issuing body; the goal table only prints them.

- The issuing body is the organization that issues: the finance body of the goal's region (policy
  GOAL_ISSUE: 财政 at the goal's own level issues; nobody issues another region's goal), so the number is
  from its own sequence (川财社 for the province, 成财社 for 成都市 …). A region's goal that becomes formal
  with the province-wide goal (cascade.formalize_children) is formally issued by the body that issued it as
  guiding — its own region's finance, not the province's — in that body's sequence.
- The year is the year of issue (in China), not the goal's first year: a 2027 goal issued in December 2026
  is 川财社〔2026〕n号.
- A guiding issue and the formal issue after it are two documents (Art. 10 「同步下达…指导性…待…审核…后
  正式下达」: two acts of 下达, each a 公文 with its own 发文字号): the formal one gets a number of its own;
  the guiding number stays on record (`DocumentNumber`, act GUIDING) and the goal shows its latest issue.
- A new version (Art. 14) is a new goal row, numbered when it is issued; the version it replaces keeps its.
"""

from datetime import datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DocumentNumber, Goal, GoalTransition, Organization
from src.models.enums import ActorType, GoalStatus
from src.models.goal import GoalDocumentKind
from src.reports.numbering import Issue, number_for
from src.services import policy
from src.subjects.registry import registry

GUIDING = "GUIDING"  # issued as guiding (指导性)
FORMAL = "FORMAL"  # formally issued (正式下达)
ACTS = {GoalStatus.ISSUED_GUIDING: GUIDING, GoalStatus.ISSUED: FORMAL}


async def record_issue(session: AsyncSession, goal: Goal, *, organization_id: int, at: datetime) -> str:
    """The goal has just been issued (its status ISSUED_GUIDING or ISSUED) by `organization_id` at `at`:
    its number for this act, drawn from that body's sequence of the year of issue, stored on the goal with
    the moment and the body. The caller's transaction commits it (with the step)."""
    if goal.status not in ACTS:
        raise ValueError(f"goal {goal.id} is not being issued ({goal.status})")
    spec = registry().documents[GoalDocumentKind.GOAL_TABLE]
    issue = Issue(organization_id=organization_id, at=at, act=ACTS[goal.status])
    number = await number_for(session=session, spec=spec, subject=goal, issue=issue)
    goal.issued_at = at
    goal.issuer_organization_id = organization_id
    goal.document_number = number
    session.add(goal)
    await session.flush()
    return number


async def issuing_body(session: AsyncSession, goal: Goal) -> int | None:
    """The body that issues `goal` when no one acts on it directly (a region's goal made formal with the
    province-wide goal): the body that issued it before, else its region's finance body."""
    if goal.issuer_organization_id is not None:
        return goal.issuer_organization_id
    stmt = select(Organization.id).where(
        Organization.region_id == goal.region_id, Organization.actor_type == ActorType.FINANCE
    )
    return (await session.exec(stmt)).first()


def issue_payload(goal: Goal) -> dict[str, str]:
    """What an issue's event and audit entry record of it (empty for a goal not issued)."""
    if goal.document_number is None or goal.issued_at is None:
        return {}
    return {"documentNumber": goal.document_number, "issuedAt": goal.issued_at.isoformat()}


async def number_earlier_issues(session: AsyncSession) -> int:
    """Goals issued before numbers were drawn at issue (in force or superseded, without a number): each is
    numbered as if at its issue, in the order of issue, by its region's finance body, for its act (formal
    when ISSUED, or superseded after a formal issue; else guiding). Idempotent; how many it numbered.
    `fundperf migrate` runs it after the upgrade; the demo data uses it for the goals it loads in force."""
    was_in_force = [*policy.ISSUED_STATES, GoalStatus.SUPERSEDED]
    stmt = (
        select(Goal)
        .where(col(Goal.status).in_(was_in_force), col(Goal.document_number).is_(None))
        .order_by(col(Goal.issued_at).asc().nulls_last(), col(Goal.id))
    )
    numbered = 0
    for goal in (await session.exec(stmt)).all():
        organization_id = await issuing_body(session, goal)
        if organization_id is None:
            continue  # no finance body on record in its region: nobody to number it
        at = goal.issued_at or goal.updated_at
        act = FORMAL if goal.status != GoalStatus.ISSUED_GUIDING else GUIDING
        if goal.status == GoalStatus.SUPERSEDED and not await _formally_issued(session, goal):
            act = GUIDING
        spec = registry().documents[GoalDocumentKind.GOAL_TABLE]
        issue = Issue(organization_id=organization_id, at=at, act=act)
        goal.document_number = await number_for(session=session, spec=spec, subject=goal, issue=issue)
        goal.issued_at, goal.issuer_organization_id = at, organization_id
        session.add(goal)
        numbered += 1
    await session.flush()
    return numbered


async def _formally_issued(session: AsyncSession, goal: Goal) -> bool:
    stmt = select(GoalTransition.id).where(
        GoalTransition.goal_id == goal.id, GoalTransition.to_status == GoalStatus.ISSUED
    )
    return (await session.exec(stmt.limit(1))).first() is not None


async def guiding_number(session: AsyncSession, goal: Goal) -> str:
    """The number the goal was issued as guiding under, "" if it was not."""
    stmt = select(DocumentNumber.text).where(
        DocumentNumber.subject_type == "Goal",
        DocumentNumber.subject_id == goal.id,
        DocumentNumber.act == GUIDING,
    )
    return (await session.exec(stmt)).first() or ""
