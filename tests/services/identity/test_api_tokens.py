"""API tokens: what service accounts call the API with; administrators manage them. A token narrows its
account: a scope (READ runs no mutation), a region (nothing outside its subtree) and an expiry."""

from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import ApiToken, FundBudget, Goal
from src.models.auth import ApiTokenScope
from src.models.base import utcnow
from src.models.enums import ActorType, Administration, GoalStatus, RegionLevel
from src.services import policy
from src.services.actors import Actor, load_actor
from src.services.budgets.scope import visible_budgets_clause
from src.services.errors import Forbidden, ValidationFailed
from src.services.goals.scope import visible_goals_clause
from src.services.identity.api_tokens import (
    API_TOKEN_PREFIX,
    ApiTokenSpec,
    create_api_token,
    list_api_tokens,
    revoke_api_token,
)
from src.services.identity.authentication import authenticate
from src.settings import Settings
from src.subjects.scope import RecordScope
from tests.factories import make_budget, make_goal
from tests.services.identity.conftest import add_user


def spec(**fields: Any) -> ApiTokenSpec:
    return ApiTokenSpec.model_validate({"name": "t", "username": "svc", **fields})


@pytest.fixture
async def admin(sessionmaker: async_sessionmaker[AsyncSession], org_id: int) -> Actor:
    """An administrator; the organization also has a service account "svc"."""
    async with sessionmaker() as session:
        user = await add_user(session, org_id, "admin", is_admin=True)
        await add_user(session, org_id, "svc", is_service_account=True)
        await session.commit()
        assert user.id is not None
        actor = await load_actor(session=session, user_id=user.id)
    assert actor is not None and actor.is_admin
    return actor


async def test_api_token_use_is_recorded_at_most_once_a_minute(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor, settings: Settings
) -> None:
    async with sessionmaker() as session:
        created = await create_api_token(session=session, actor=admin, spec=spec())
        await session.commit()
    assert created.plaintext.startswith(API_TOKEN_PREFIX)
    header = f"Bearer {created.plaintext}"
    start = utcnow()

    async def use(at: timedelta) -> datetime:
        async with sessionmaker() as session:
            found = await authenticate(
                session=session, authorization=header, secret_key=settings.SECRET_KEY, now=start + at
            )
            assert found is not None and found.username == "svc"
        async with sessionmaker() as session:
            token = (await session.exec(select(ApiToken))).one()
            assert token.last_used_at is not None
            return token.last_used_at

    first = await use(timedelta(0))
    assert await use(timedelta(seconds=30)) == first  # no write
    assert await use(timedelta(seconds=61)) != first


async def test_a_revoked_token_no_longer_authenticates(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor, settings: Settings
) -> None:
    async with sessionmaker() as session:
        created = await create_api_token(session=session, actor=admin, spec=spec())
        await session.commit()
        token_id = created.view.token.id
        assert token_id is not None
        await revoke_api_token(session=session, actor=admin, token_id=token_id)
        await session.commit()
    async with sessionmaker() as session:
        header = f"Bearer {created.plaintext}"
        actor = await authenticate(session=session, authorization=header, secret_key=settings.SECRET_KEY)
        assert actor is None
        [view] = await list_api_tokens(session=session, actor=admin)
        assert view.token.revoked_at is not None and view.user.username == "svc"
        assert await list_api_tokens(session=session, actor=admin, include_revoked=False) == []


async def test_api_tokens_are_for_administrators_only(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor
) -> None:
    not_admin = replace(admin, is_admin=False)
    async with sessionmaker() as session:
        with pytest.raises(Forbidden):
            await list_api_tokens(session=session, actor=not_admin)
        with pytest.raises(Forbidden):
            await create_api_token(session=session, actor=not_admin, spec=spec())
        with pytest.raises(Forbidden):
            await revoke_api_token(session=session, actor=not_admin, token_id=1)


async def _authenticate(
    sessionmaker: async_sessionmaker[AsyncSession], plaintext: str, settings: Settings, now: datetime
) -> Actor | None:
    async with sessionmaker() as session:
        return await authenticate(
            session=session, authorization=f"Bearer {plaintext}", secret_key=settings.SECRET_KEY, now=now
        )


async def test_an_expired_token_authenticates_as_nobody(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor, settings: Settings
) -> None:
    start = utcnow()
    expires = start + timedelta(hours=1)
    async with sessionmaker() as session:
        created = await create_api_token(
            session=session, actor=admin, spec=spec(expires_at=expires), now=start
        )
        await session.commit()
    assert await _authenticate(sessionmaker, created.plaintext, settings, expires - timedelta(seconds=1))
    for later in (expires, expires + timedelta(days=1)):
        assert await _authenticate(sessionmaker, created.plaintext, settings, later) is None
    async with sessionmaker() as session:
        stored = (await session.exec(select(ApiToken))).one()
    assert stored.expires_at is not None
    assert stored.expires_at == expires and stored.expires_at.utcoffset() == timedelta(0)


async def test_scope_and_region_narrow_the_actor(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor, settings: Settings
) -> None:
    async with sessionmaker() as session:
        read = await create_api_token(session=session, actor=admin, spec=spec())  # READ by default
        write = await create_api_token(session=session, actor=admin, spec=spec(scope="READ_WRITE"))
        chengdu = await create_api_token(
            session=session, actor=admin, spec=spec(scope="READ_WRITE", region_code="510100")
        )
        await session.commit()
    assert read.view.token.scope == ApiTokenScope.READ
    now = utcnow()
    found = [await _authenticate(sessionmaker, c.plaintext, settings, now) for c in (read, write, chengdu)]
    assert [(a.read_only, a.token_region_path) for a in found if a] == [
        (True, None),
        (False, None),
        (False, "/510000/510100/"),
    ]
    # The account still acts as its organization, at its own region.
    assert {(a.username, a.region_path) for a in found if a} == {("svc", "/510000/")}


async def test_token_input_is_validated(
    sessionmaker: async_sessionmaker[AsyncSession], admin: Actor, org_id: int
) -> None:
    async def problems(**fields: Any) -> list[tuple[str, str]]:
        async with sessionmaker() as session:
            with pytest.raises(ValidationFailed) as failed:
                await create_api_token(session=session, actor=admin, spec=spec(**fields))
        return [(p.field, p.code.value) for p in failed.value.problems]

    assert await problems(expires_at=utcnow() - timedelta(seconds=1)) == [("input.expiresAt", "OUT_OF_RANGE")]
    assert await problems(expires_at=utcnow()) == [("input.expiresAt", "OUT_OF_RANGE")]
    assert await problems(region_code="999999") == [("input.regionCode", "NOT_FOUND")]
    async with sessionmaker() as session:
        assert (await session.exec(select(ApiToken))).all() == []


def _actor(**fields: Any) -> Actor:
    """A service account of 四川省财政厅 (province finance), as a token would narrow it."""
    base = Actor(
        user_id=1,
        username="svc",
        full_name="svc",
        organization_id=1,
        organization_name="四川省财政厅",
        actor_type=ActorType.FINANCE,
        administration=None,
        region_id=1,
        region_code="510000",
        region_path="/510000/",
        region_level=RegionLevel.PROVINCE,
        is_service_account=True,
    )
    return replace(base, **fields)


PROVINCE = policy.Scope("/510000/", RegionLevel.PROVINCE, Administration.MEDICAL_SECURITY)
CHENGDU = policy.Scope("/510000/510100/", RegionLevel.PREFECTURE, Administration.MEDICAL_SECURITY)


def test_a_read_only_actor_may_do_nothing() -> None:
    """Finding 5: a service account's token acted with the full rights of its organization."""
    full, read_only = _actor(), _actor(read_only=True)
    admin = _actor(read_only=True, is_admin=True)
    assert policy.allowed(full, policy.Action.GOAL_SUBMIT_TO_NATIONAL, PROVINCE)
    for action in policy.Action:
        for scope in (None, PROVINCE, CHENGDU):
            assert not policy.allowed(read_only, action, scope)
            assert not policy.allowed(admin, action, scope)
    with pytest.raises(Forbidden, match="只读"):
        policy.require(read_only, policy.Action.GOAL_SUBMIT_TO_NATIONAL, PROVINCE)
    with pytest.raises(Forbidden, match="只读"):
        policy.require_writer(read_only)
    policy.require_writer(full)


def test_a_token_region_confines_actions_and_reads() -> None:
    confined = _actor(token_region_path="/510000/510100/", is_admin=True)
    # Its organization's own region lies outside the token's subtree: refused there; so is everything that
    # has no region (the audit trail, API tokens).
    assert not policy.allowed(confined, policy.Action.GOAL_SUBMIT_TO_NATIONAL, PROVINCE)
    assert not policy.allowed(confined, policy.Action.AUDIT_READ)
    assert not policy.allowed(confined, policy.Action.API_TOKEN_MANAGE)
    with pytest.raises(Forbidden, match="区划之外"):
        policy.require(confined, policy.Action.GOAL_SUBMIT_TO_NATIONAL, PROVINCE)
    # A token never grants: the province's finance does not review a prefecture's goals with one either.
    assert not policy.allowed(confined, policy.Action.GOAL_REVIEW, CHENGDU)
    at_home = _actor(token_region_path="/510000/")
    assert policy.allowed(at_home, policy.Action.GOAL_SUBMIT_TO_NATIONAL, PROVINCE)

    medical = Administration.MEDICAL_SECURITY

    def record(path: str, *, draft: bool = False) -> RecordScope:
        return RecordScope(region_id=1, region_path=path, administrations=frozenset({medical}), draft=draft)

    for path, seen in (("/510000/510100/", True), ("/510000/510100/510104/", True), ("/510000/", False)):
        for draft in (True, False):
            assert policy.visible(confined, record(path, draft=draft)) is seen
    assert not policy.visible(confined, record("/510000/511800/"))


async def test_a_token_region_confines_lists(
    sessionmaker: async_sessionmaker[AsyncSession], org_id: int
) -> None:
    async with sessionmaker() as session:
        for region in ("510000", "510100", "510104", "511800"):
            await make_goal(session, region_code=region, status=GoalStatus.ISSUED, indicators=0)
            await make_budget(session, region_code=region)
        await session.commit()

    async def regions(actor: Actor) -> tuple[list[str], list[str]]:
        async with sessionmaker() as session:
            goals = await session.exec(
                select(Goal.title).where(visible_goals_clause(actor)).order_by(col(Goal.id))
            )
            budgets = await session.exec(select(FundBudget.region_id).where(visible_budgets_clause(actor)))
            return [t.split()[0] for t in goals.all()], sorted(str(b) for b in budgets.all())

    everything, _ = await regions(_actor())
    assert everything == ["510000", "510100", "510104", "511800"]
    confined = _actor(token_region_path="/510000/510100/")
    goals, budgets = await regions(confined)
    assert goals == ["510100", "510104"] and len(budgets) == 2
    assert (await regions(replace(confined, is_admin=True)))[0] == ["510100", "510104"]
