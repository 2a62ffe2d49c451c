"""Who may do what, in one place (DOMAIN.md §4–5; Art. 5, 7, 10, 14, 17).

A user acts as its organization: an actor type at a region, with an administration (人社 or 医保) where one
applies. Every rule is a function of that, of the target's region and of the fund's supervising
administration. Resolvers and services ask here; nothing else decides. A third-party evaluator acts on a
record only while it is assigned it (Art. 17: src/services/assignments/), and takes only the actions the
record's subject lists for assignees in its registration (SubjectSpec.assignee_actions).
"""

from dataclasses import dataclass
from typing import TypeVar

from sqlalchemy import ColumnElement
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundType, Goal, Region
from src.models.enums import ActorType, Administration, GoalStatus, RegionLevel
from src.services.actions import Action as Action  # re-exported: callers ask policy
from src.services.actors import Actor
from src.services.errors import Forbidden
from src.services.rows import kept_row
from src.subjects.registry import registry
from src.subjects.scope import ColumnTerms, RecordScope, ScopeTerms, Terms

B = TypeVar("B")


@dataclass(frozen=True)
class Scope:
    """Where an action applies: the target's region and the administration supervising its fund (None for
    what concerns no fund, such as a region's rules)."""

    region_path: str
    region_level: RegionLevel
    administration: Administration | None = None
    # The record acted on, for an assignable subject: (its name, id); an assignee acts on it while assigned.
    subject: tuple[str, int] | None = None


# Actors whose view and work are limited to the funds of their own administration.
ADMINISTRATION_BOUND = frozenset({ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.AGENCY})
# The administration that does the preliminary review of a fund's goals.
REVIEWER_OF: dict[Administration, ActorType] = {
    Administration.HRSS: ActorType.HRSS,
    Administration.MEDICAL_SECURITY: ActorType.MEDICAL_SECURITY,
}
# The four provincial bodies a prefecture's compilation goes to (Art. 13).
COMPILATION_RECIPIENTS = frozenset(
    {ActorType.FINANCE, ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX}
)
# The provincial bodies that concur with the assessment of the prefectures (Art. 22), besides 财政厅.
ASSESSMENT_CONCURRING = frozenset({ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX})
DRAFT_STATES = frozenset({GoalStatus.DRAFT, GoalStatus.RETURNED})
# Issued (guiding or formal): in force for the budget (Art. 7, 10). Not NATIONAL_APPROVED: approved, not
# yet issued (「审核…后正式下达」); a guiding goal approved nationally stays ISSUED_GUIDING until the formal
# issue.
ISSUED_STATES = frozenset({GoalStatus.ISSUED_GUIDING, GoalStatus.ISSUED})


def _same_region(actor: Actor, scope: Scope) -> bool:
    return actor.region_path == scope.region_path


def _assignee_may(actor: Actor, action: Action, scope: Scope) -> bool:
    """A third party carries out what it is assigned (Art. 17): the actions its subject lets assignees take,
    on that record, while the assignment is active (Actor.assignments)."""
    if scope.subject is None or scope.subject not in actor.assignments:
        return False
    return action in (registry().subject(scope.subject[0]).assignee_actions or ())


def _provincial(actor: Actor, scope: Scope) -> bool:
    """The province's own bodies acting on a province-level record (Art. 17 省级绩效评价)."""
    return _same_region(actor, scope) and scope.region_level == RegionLevel.PROVINCE


def allowed(actor: Actor, action: Action, scope: Scope | None = None) -> bool:
    if actor.read_only:
        return False  # a READ API token: every action is refused, reading the audit trail included
    if actor.token_region_path is not None and (
        scope is None or not actor.in_token_region(scope.region_path)
    ):
        # An API token with a region acts only inside its subtree; actions that span every region (the
        # audit trail, API token management) have no scope and are refused.
        return False
    if action == Action.API_TOKEN_MANAGE:
        return actor.is_admin
    if action == Action.AUDIT_READ:
        return actor.is_admin or (
            actor.actor_type == ActorType.FINANCE and actor.region_level == RegionLevel.PROVINCE
        )
    if scope is None:
        return False
    if actor.actor_type == ActorType.THIRD_PARTY:
        return _assignee_may(actor, action, scope)
    if action == Action.MONITORING_COMPILATION_ACKNOWLEDGE:
        # Addressed to both administrations at once (Art. 13), so before the administration check.
        return (
            actor.region_level == RegionLevel.PROVINCE
            and actor.actor_type in COMPILATION_RECIPIENTS
            and actor.covers(scope.region_path)
        )
    if action == Action.ASSESSMENT_CONCUR:
        # 人社厅, 省医保局, 省税务局 on the province's round (Art. 22), whatever the fund.
        return actor.actor_type in ASSESSMENT_CONCURRING and _provincial(actor, scope)
    if actor.actor_type in ADMINISTRATION_BOUND and actor.administration != scope.administration:
        return False  # an HRSS user never works on a medical fund, and the reverse
    match action:
        case Action.GOAL_DRAFT:
            # The agency drafts "with the tax department" (Art. 7): the agency holds the pen.
            return actor.actor_type == ActorType.AGENCY and _same_region(actor, scope)
        case Action.BUDGET_DRAFT:
            # The pooling region's agency compiles the draft budget, as it drafts the goals it rests on
            # (Art. 7); its finance approves it (Art. 10, BUDGET_APPROVE).
            return actor.actor_type == ActorType.AGENCY and _same_region(actor, scope)
        case Action.GOAL_TAX_OPINION:
            # The tax department of the goal's own region: 省税务局 for the province-wide goal (Art. 7).
            return actor.actor_type == ActorType.TAX and _same_region(actor, scope)
        case Action.GOAL_ADJUSTMENT_REQUEST:
            # The agency, the supervising administration or finance of the pooling region (Art. 13, 14).
            return _same_region(actor, scope) and actor.actor_type in (
                ActorType.AGENCY,
                REVIEWER_OF.get(scope.administration) if scope.administration else None,
                ActorType.FINANCE,
            )
        case Action.RULES_EDIT:
            # 各市（州）可…制定实施细则 (Art. 23); the province's finance keeps the province's values.
            return (
                actor.actor_type == ActorType.FINANCE
                and _same_region(actor, scope)
                and scope.region_level in (RegionLevel.PROVINCE, RegionLevel.PREFECTURE)
            )
        case Action.GOAL_PRELIMINARY_REVIEW:
            return (
                scope.administration is not None
                and actor.actor_type == REVIEWER_OF[scope.administration]
                and _same_region(actor, scope)
            )
        case Action.GOAL_REVIEW | Action.GOAL_SUBMIT_TO_NATIONAL | Action.GOAL_ISSUE | Action.BUDGET_APPROVE:
            # 财政 at the goal's own level reviews, reports upward and issues (Art. 5, 7, 10).
            return actor.actor_type == ActorType.FINANCE and _same_region(actor, scope)
        case Action.GOAL_NATIONAL_REVIEW:
            return actor.actor_type == ActorType.NATIONAL
        case Action.MONITORING_ENTER | Action.MONITORING_REPORT_DRAFT:
            return actor.actor_type == ActorType.AGENCY and _same_region(actor, scope)
        case Action.MONITORING_ENTER_CONTRIBUTION:
            return actor.actor_type in (ActorType.AGENCY, ActorType.TAX) and _same_region(actor, scope)
        case Action.MONITORING_REPORT_TAX_OPINION:
            return actor.actor_type == ActorType.TAX and _same_region(actor, scope)
        case Action.MONITORING_EVALUATE | Action.MONITORING_REPORT_ACCEPT:
            # 统筹地区财政部门、社会保险行政部门组织开展 (Art. 13).
            return _same_region(actor, scope) and actor.actor_type in (
                ActorType.FINANCE,
                REVIEWER_OF.get(scope.administration) if scope.administration else None,
            )
        case Action.WARNING_RESPOND:
            # 统筹地区有关部门 (Art. 14): finance, the supervising administration, the agency.
            return _same_region(actor, scope) and actor.actor_type in (
                ActorType.AGENCY,
                REVIEWER_OF.get(scope.administration) if scope.administration else None,
                ActorType.FINANCE,
            )
        case Action.SELF_EVALUATION_OPEN:
            return actor.actor_type == ActorType.FINANCE and _same_region(actor, scope)
        case Action.SELF_EVALUATION_DRAFT:
            return actor.actor_type == ActorType.AGENCY and _same_region(actor, scope)
        case Action.SELF_EVALUATION_TAX_OPINION:
            return actor.actor_type == ActorType.TAX and _same_region(actor, scope)
        case Action.SELF_EVALUATION_SUBMIT:
            # Pooled at the province: the provincial agency reports it; at a prefecture: 由财政部门牵头报.
            submitter = ActorType.AGENCY if scope.region_level == RegionLevel.PROVINCE else ActorType.FINANCE
            return actor.actor_type == submitter and _same_region(actor, scope)
        case Action.SELF_EVALUATION_ACCEPT:
            # 报财政厅、人力资源社会保障厅、省医保局 (Art. 17): 财政厅 and the fund's administration.
            reviewer = REVIEWER_OF.get(scope.administration) if scope.administration else None
            return (
                actor.region_level == RegionLevel.PROVINCE
                and actor.covers(scope.region_path)
                and actor.actor_type in (ActorType.FINANCE, reviewer)
            )
        case Action.ASSIGNMENT_MANAGE:
            return actor.actor_type == ActorType.FINANCE and _same_region(actor, scope)
        case (
            Action.PROVINCIAL_EVALUATION_OPEN
            | Action.PROVINCIAL_EVALUATION_APPROVE
            | Action.PROVINCIAL_SUMMARY_COMPILE
            | Action.FEEDBACK_DRAFT
            | Action.FEEDBACK_SEND
            | Action.ASSESSMENT_MANAGE
            | Action.ESCALATION_MANAGE
        ):
            return actor.actor_type == ActorType.FINANCE and _provincial(actor, scope)
        case Action.FEEDBACK_ACKNOWLEDGE:
            # The pooling region's own bodies; the scope is that region (feedback/scope.py).
            return _same_region(actor, scope) and actor.actor_type in (
                ActorType.FINANCE,
                REVIEWER_OF.get(scope.administration) if scope.administration else None,
                ActorType.AGENCY,
            )
        case Action.RECTIFICATION_RAISE:
            # 财政厅 with its feedback for any region of the province; a region's finance for its own.
            return actor.actor_type == ActorType.FINANCE and (
                _same_region(actor, scope)
                or (actor.region_level == RegionLevel.PROVINCE and actor.covers(scope.region_path))
            )
        case Action.RECTIFICATION_REPORT:
            # The bodies of the item's region that may own it; the scope is the item's region.
            return _same_region(actor, scope) and actor.actor_type in (
                ActorType.FINANCE,
                REVIEWER_OF.get(scope.administration) if scope.administration else None,
                ActorType.AGENCY,
            )
        case (
            Action.DISCLOSURE_EDIT
            | Action.DISCLOSURE_APPROVE
            | Action.DISCLOSURE_REPORT
            | Action.DISCLOSURE_PUBLISH
        ):
            return actor.actor_type == ActorType.FINANCE and _same_region(actor, scope)
        case Action.ESCALATION_ANSWER:
            # The prefecture escalated answers through its finance (its scope is that prefecture).
            return actor.actor_type == ActorType.FINANCE and _same_region(actor, scope)
        case Action.PROVINCIAL_EVALUATION_DRAFT | Action.PROVINCIAL_EVALUATION_SUBMIT:
            return actor.actor_type == ActorType.AGENCY and _provincial(actor, scope)
        case Action.PROVINCIAL_EVALUATION_TAX_OPINION:
            return actor.actor_type == ActorType.TAX and _provincial(actor, scope)
        case Action.RESULT_APPLICATION_RECORD:
            return actor.actor_type == ActorType.FINANCE and (
                _same_region(actor, scope)
                or (actor.region_level == RegionLevel.PROVINCE and actor.covers(scope.region_path))
            )
        case Action.MONITORING_COMPILE:
            return (
                actor.actor_type == ActorType.FINANCE
                and _same_region(actor, scope)
                and scope.region_level == RegionLevel.PREFECTURE
            )
    return False


MESSAGES = {Action.API_TOKEN_MANAGE: "仅系统管理员可以管理 API 令牌"}
READ_ONLY_MESSAGE = "只读 API 令牌不能执行修改操作"
TOKEN_REGION_MESSAGE = "API 令牌限定的区划之外无权执行此操作"


def require(actor: Actor, action: Action, scope: Scope | None = None) -> None:
    if not allowed(actor, action, scope):
        if actor.read_only:
            raise Forbidden(READ_ONLY_MESSAGE)
        if not allowed(actor.unconfined(), action, scope):
            raise Forbidden(MESSAGES.get(action))
        raise Forbidden(TOKEN_REGION_MESSAGE)


def require_writer(actor: Actor) -> None:
    """Every mutation starts here (src/schema/transaction.py write): a READ API token runs none, whatever
    it names, so it is refused before anything is looked up."""
    if actor.read_only:
        raise Forbidden(READ_ONLY_MESSAGE)


async def scope_of(*, session: AsyncSession, record: Goal | FundBudget) -> Scope:
    """Where a goal or budget sits for the policy: its region and its fund's administration."""
    region = await kept_row(session, Region, record.region_id)
    fund = await kept_row(session, FundType, record.fund_type_id)
    assert region is not None and fund is not None
    return Scope(region_path=region.path, region_level=region.level, administration=fund.administration)


# --- reading -----------------------------------------------------------------------------------------


def reader(actor: Actor) -> Actor:
    """Every read select starts here: without an actor there is no visibility, so no select."""
    if not isinstance(actor, Actor):
        raise TypeError(f"a read needs the Actor it is made for, got {actor!r}")
    return actor


def visibility(actor: Actor, record: Terms[B]) -> B:
    """Who may read a record: decided once, for one record in memory (`ScopeTerms`, a bool) and for a table
    (`ColumnTerms`, a SQL clause); each subject says how its rows give their scope (src/subjects/).

    Own region and below: everything; regions above: all but drafts; elsewhere: nothing. System
    administrators read everything (they support all regions). The national departments read records
    nationwide once submitted, never drafts; a third-party evaluator sees only what it is assigned (Art. 17,
    below) and public records. HRSS, medical security and agency users read only what is addressed to their
    administration. A third party reads a record while its organization is assigned the record's subject
    (`assigned`: the record's (subject name, id) among Actor.assignments, loaded active when the actor is
    authenticated; a document and its events read as its subject; a batch is assigned to nobody), within its
    API token's region if it has one. A record that belongs to one user (a document whose subject is gone)
    is that user's. A public record (a region's detailed rules, Art. 23) is read by everyone. An API token
    with a region sees nothing outside its subtree. A record that holds others (a batch of documents) may be
    hidden from the regions below its own without being a draft, and reach above its region
    (subjects/scope.py combined_scope): it is read by whoever may read every record it holds.
    """
    confined = [record.within(actor.token_region_path)] if actor.token_region_path is not None else []
    if actor.is_admin:
        return record.all(*confined)
    public = record.all(record.is_public(), *confined)
    if actor.actor_type == ActorType.THIRD_PARTY:
        if not actor.assignments:
            return public
        return record.any(public, record.all(record.assigned(actor.assignments), *confined))
    conditions = [*confined, record.owned_by_nobody_or(actor.user_id)]
    if actor.actor_type == ActorType.NATIONAL:
        return record.any(public, record.all(record.not_draft(), *conditions))
    if actor.actor_type in ADMINISTRATION_BOUND:
        conditions.append(record.addressed_to(actor.administration))
    below = record.region_below(actor.region_path)
    above = record.all(record.region_above(actor.region_path), record.not_draft(), record.not_hidden_below())
    return record.any(public, record.all(record.any(below, above), *conditions))


def visible(actor: Actor, scope: RecordScope) -> bool:
    """`visibility` for one record."""
    return visibility(actor, ScopeTerms(scope))


def visible_clause(actor: Actor, terms: ColumnTerms) -> ColumnElement[bool]:
    """`visibility` as SQL, for a select over the table `terms` describes."""
    return visibility(reader(actor), terms)
