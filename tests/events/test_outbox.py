"""Every status change writes its event in the same transaction (issue 10), and who may see an event is
decided the same way in memory (live delivery) and in SQL (catch-up)."""

from collections import Counter
from dataclasses import replace

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.message import EventMessage
from src.events.visibility import event_visible, visible_events_clause
from src.models import Event, Goal, Region, Webhook
from src.models.budget import BudgetEventKind
from src.models.enums import ActorType, Administration, GoalStatus
from src.models.goal import GoalEventKind
from src.models.rules import RuleEventKind
from src.models.webhook import WebhookEventKind
from src.services.actors import load_actor
from src.subjects.events import record_event
from tests.factories import make_budget, make_goal, make_user
from tests.schema.conftest import GraphQLClient
from tests.schema.test_budget_approval import APPROVE
from tests.schema.test_goal_workflow import draft_goal, step

MED = Administration.MEDICAL_SECURITY


async def events(sessionmaker: async_sessionmaker[AsyncSession]) -> list[Event]:
    async with sessionmaker() as session:
        return list((await session.exec(select(Event).order_by(col(Event.id)))).all())


async def test_art10_each_step_of_the_chain_and_the_decomposition_is_an_event(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.TAX, "510000")
    goal = await draft_goal(gql, sessionmaker)
    goal = await step(gql, "goalSubmit", goal)
    await gql.login_as(ActorType.MEDICAL_SECURITY, "510000", MED)
    goal = await step(gql, "goalPreliminaryReview", goal)
    await gql.login_as(ActorType.FINANCE, "510000")
    goal = await step(gql, "goalReview", goal)
    goal = await step(gql, "goalIssueGuiding", goal)
    written = await events(sessionmaker)
    kinds = Counter(e.kind for e in written)
    # The draft created and its indicators added (content), the tax opinion (Art. 7), four steps, and the 21
    # prefectures' goals drafted from the table (Art. 6).
    assert kinds == {
        GoalEventKind.GOAL_CREATED: 1,
        GoalEventKind.GOAL_CHANGED: 1,
        GoalEventKind.GOAL_TAX_OPINION: 1,
        GoalEventKind.GOAL_STATUS_CHANGED: 4,
        GoalEventKind.GOAL_DECOMPOSED: 21,
    }
    steps = [e.payload for e in written if e.kind == GoalEventKind.GOAL_STATUS_CHANGED]
    assert [(p["action"], p["fromStatus"], p["toStatus"]) for p in steps] == [
        ("SUBMIT", "DRAFT", "SUBMITTED"),
        ("PRELIMINARY_REVIEW", "SUBMITTED", "PRELIMINARY_REVIEWED"),
        ("REVIEW", "PRELIMINARY_REVIEWED", "REVIEWED"),
        ("ISSUE_GUIDING", "REVIEWED", "ISSUED_GUIDING"),
    ]
    assert [e.id for e in written] == sorted(e.id or 0 for e in written)
    assert all(
        e.region_path.startswith("/510000/") and e.administrations == f"|{MED.value}|" for e in written
    )


async def test_art7_budget_approval_is_an_event_and_a_refusal_is_none(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as s:
        budget = await make_budget(s, region_code="510100", year=2026)
        await s.commit()
    await gql.login_as(ActorType.FINANCE, "510100")
    refused = await gql.data(APPROVE, {"id": str(budget.id), "rowVersion": budget.row_version})
    assert refused["budgetApprove"]["__typename"] != "FundBudgetSuccess"  # no goal issued: refused
    assert await events(sessionmaker) == []
    async with sessionmaker() as s:
        await make_goal(s, region_code="510100", year=2026, status=GoalStatus.ISSUED)
        await s.commit()
    approved = await gql.data(APPROVE, {"id": str(budget.id), "rowVersion": budget.row_version})
    assert approved["budgetApprove"]["__typename"] == "FundBudgetSuccess"
    [event] = await events(sessionmaker)
    assert (event.kind, event.subject_id, event.payload["year"]) == (
        BudgetEventKind.BUDGET_APPROVED,
        budget.id,
        2026,
    )


@pytest.mark.parametrize(
    ("actor_type", "region_code", "administration"),
    [
        (ActorType.FINANCE, "510000", None),
        (ActorType.MEDICAL_SECURITY, "510000", MED),
        (ActorType.HRSS, "510000", Administration.HRSS),
        (ActorType.AGENCY, "510100", MED),
        (ActorType.FINANCE, "510300", None),
        (ActorType.NATIONAL, "510000", None),
        (ActorType.THIRD_PARTY, "510000", None),
    ],
)
async def test_who_may_see_an_event_is_decided_alike_live_and_in_sql(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    actor_type: ActorType,
    region_code: str,
    administration: Administration | None,
) -> None:
    async with sessionmaker() as session:
        goals = (("510000", 2026, GoalStatus.SUBMITTED), ("510100", 2026, GoalStatus.DRAFT),
                 ("510100", 2025, GoalStatus.ISSUED), ("510300", 2026, GoalStatus.RETURNED))  # fmt: skip
        for region, year, status in goals:
            goal = await make_goal(session, region_code=region, year=year, status=status)
            await record_event(
                session=session, kind=GoalEventKind.GOAL_STATUS_CHANGED, subject=goal, actor=None
            )
        budget = await make_budget(session, region_code="510300", year=2026, fund_code="ENTERPRISE_PENSION")
        await record_event(session=session, kind=BudgetEventKind.BUDGET_APPROVED, subject=budget, actor=None)
        # A prefecture's rules (public) and an administrator's webhook, for an account of that prefecture.
        rules = (await session.exec(select(Region).where(Region.code == "510300"))).one()
        await record_event(session=session, kind=RuleEventKind.RULE_SET_CHANGED, subject=rules, actor=None)
        await session.commit()
    admin = await make_user(sessionmaker, is_admin=True)
    account = await make_user(sessionmaker, region_code="510300")
    async with sessionmaker() as session:
        hook = Webhook(name="h", url="https://93.184.215.14/", secret="s" * 16, user_id=account.id or 0,
                       created_by_id=admin.id or 0)  # fmt: skip
        session.add(hook)
        await session.flush()
        await record_event(session=session, kind=WebhookEventKind.WEBHOOK_CHANGED, subject=hook, actor=None)
        await session.commit()
    user = await make_user(
        sessionmaker, actor_type=actor_type, region_code=region_code, administration=administration
    )
    async with sessionmaker() as session:
        actor = await load_actor(session=session, user_id=user.id or 0)
        assert actor is not None
        rows = (await session.exec(select(Event))).all()
        for subject in (actor, replace(actor, token_region_path="/510000/510100/")):
            in_sql = {
                e.id for e in (await session.exec(select(Event).where(visible_events_clause(subject)))).all()
            }
            live = {e.id for e in rows if event_visible(subject, EventMessage.of(e))}
            assert in_sql == live, (subject.actor_type, subject.token_region_path)
            # The rules are read by everyone, within a token's region; an administrator's record by nobody
            # of these (none is an administrator).
            kinds = {e.kind for e in rows if e.id in live}
            assert (RuleEventKind.RULE_SET_CHANGED in kinds) == (subject.token_region_path is None)
            assert WebhookEventKind.WEBHOOK_CHANGED not in kinds
        if actor_type == ActorType.THIRD_PARTY:  # it reads no goal or budget, but the rules
            seen = {e.kind for e in rows if event_visible(actor, EventMessage.of(e))}
            assert seen == {RuleEventKind.RULE_SET_CHANGED}


async def test_an_event_is_announced_only_with_its_transaction(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code="510100")
        await session.commit()
    async with sessionmaker() as session:
        row = await session.get_one(Goal, goal.id)
        await record_event(session=session, kind=GoalEventKind.GOAL_STATUS_CHANGED, subject=row, actor=None)
        await session.rollback()
    assert await events(sessionmaker) == []
