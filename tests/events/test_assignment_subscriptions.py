"""A live subscription of a third party (Art. 17): it gets the changes of the record it is assigned while
the assignment is active, and nothing once finance ends it — the hub authenticates every subscriber again
before each delivery, with the assignments active then."""

from datetime import timedelta

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette

from src.db import session_scope
from src.models.base import utcnow
from src.models.enums import ActorType
from src.models.evaluation import SelfEvaluation, SelfEvaluationEventKind
from src.services.actors import load_actor
from src.services.assignments.assignments import AssignmentRequest, create_assignment, end_assignment
from src.services.assignments.period import CHINA
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from src.subjects.events import record_event
from tests.events.test_subscriptions import STATUS_CHANGED, until_live
from tests.factories import make_user
from tests.services.assignments.world import evaluation_in
from tests.support.ws import graphql_ws

CHENGDU = "510100"


async def changed(sessionmaker: async_sessionmaker[AsyncSession], evaluation: SelfEvaluation) -> None:
    """An edit of the evaluation is announced (as selfEvaluationUpdate announces it)."""
    async with session_scope(sessionmaker) as session:
        row = await session.get_one(SelfEvaluation, evaluation.id)
        await record_event(
            session=session, kind=SelfEvaluationEventKind.SELF_EVALUATION_CHANGED, subject=row, actor=None
        )


async def test_art17_a_third_partys_subscription_stops_delivering_once_its_assignment_ends(
    app: Starlette, server: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    evaluation = await evaluation_in(sessionmaker, CHENGDU)
    firm = await make_user(sessionmaker, actor_type=ActorType.THIRD_PARTY)
    finance_user = await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code=CHENGDU)
    today = utcnow().astimezone(CHINA).date()
    async with session_scope(sessionmaker) as session:
        finance = await load_actor(session=session, user_id=finance_user.id or 0)
        assert finance is not None
        request = AssignmentRequest(
            "SelfEvaluation", evaluation.id or 0, firm.organization_id, today, today + timedelta(days=30)
        )
        assignment = await create_assignment(session=session, actor=finance, request=request)
    async with graphql_ws(server, issue_access_token(firm.id or 0, secret_key=settings.SECRET_KEY)) as ws:
        await ws.subscribe(STATUS_CHANGED)
        await until_live(app, ws, subscriptions=1)
        await changed(sessionmaker, evaluation)
        event = (await ws.next_data())["statusChanged"]
        if event["kind"] == "ASSIGNMENT_CHANGED":  # the assignment's own, if the relay published it late
            event = (await ws.next_data())["statusChanged"]
        assert (event["kind"], event["subjectId"]) == ("SELF_EVALUATION_CHANGED", str(evaluation.id))
        async with session_scope(sessionmaker) as session:
            await end_assignment(
                session=session, actor=finance, assignment_id=assignment.id or 0, reason="合同终止"
            )
        await changed(sessionmaker, evaluation)
        # Neither the end's own announcement nor the later edit reaches it.
        assert await ws.nothing_within(1.0)
