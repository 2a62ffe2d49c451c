"""Real concurrent requests through a real server: of two reviewers acting at once, exactly one wins."""

import asyncio
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, Goal, GoalTransition
from src.models.enums import ActorType, Administration, GoalStatus
from src.services.identity.tokens import issue_access_token
from src.settings import Settings
from tests.factories import make_goal, make_user

ACT = """mutation($id: ID!, $rowVersion: Int!) { goalPreliminaryReview(id: $id, rowVersion: $rowVersion) {
  __typename ... on UserError { message } } }"""
RETURN = """mutation($input: GoalReasonInput!) { goalReturn(input: $input) {
  __typename ... on UserError { message } } }"""


async def test_two_reviewers_at_once_exactly_one_wins(
    live_url: str, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    reviewers = [
        await make_user(
            sessionmaker,
            actor_type=ActorType.MEDICAL_SECURITY,
            administration=Administration.MEDICAL_SECURITY,
        )
        for _ in range(2)
    ]
    headers = [
        {"Authorization": f"Bearer {issue_access_token(r.id or 0, secret_key=settings.SECRET_KEY)}"}
        for r in reviewers
    ]
    async with sessionmaker() as s:
        goals = [
            await make_goal(s, region_code="510000", year=2030 + i, status=GoalStatus.SUBMITTED)
            for i in range(8)
        ]
        await s.commit()

    async with httpx.AsyncClient(base_url=live_url, timeout=30) as client:
        for goal in goals:
            variables: dict[str, Any] = {"id": str(goal.id), "rowVersion": goal.row_version}
            # One approves while the other returns the same version of the same goal.
            approve = client.post("/graphql", json={"query": ACT, "variables": variables}, headers=headers[0])
            send_back = client.post(
                "/graphql",
                json={"query": RETURN, "variables": {"input": {**variables, "reason": "数据有误"}}},
                headers=headers[1],
            )
            responses = await asyncio.gather(approve, send_back)
            bodies = [r.json() for r in responses]
            assert all(body.get("data") for body in bodies), bodies  # a top-level error says which
            results = [next(iter(body["data"].values()))["__typename"] for body in bodies]
            assert sorted(results) in (
                ["ConflictError", "GoalSuccess"],
                ["GoalSuccess", "InvalidTransitionError"],
            ), (results, [r.json() for r in responses])

    async with sessionmaker() as s:
        for goal in goals:
            row = await s.get(Goal, goal.id)
            assert row is not None
            assert row.status in (GoalStatus.PRELIMINARY_REVIEWED, GoalStatus.RETURNED)
            assert row.row_version == goal.row_version + 1  # exactly one write
            transitions = (
                await s.exec(
                    select(func.count()).select_from(GoalTransition).where(GoalTransition.goal_id == goal.id)
                )
            ).one()
            audits = (
                await s.exec(
                    select(func.count())
                    .select_from(AuditEvent)
                    .where(AuditEvent.target_id == goal.id, AuditEvent.target_type == "Goal")
                )
            ).one()
            assert (transitions, audits) == (1, 1)
