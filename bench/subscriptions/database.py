"""The benchmark's database: reference and demo data, its users and goals, and what the outbox recorded."""

from dataclasses import dataclass

from sqlalchemy import func
from sqlmodel import col, select

from bench.database import demo_database
from src.db import create_engine, create_sessionmaker
from src.models import Event, Goal
from src.models.enums import ActorType, GoalStatus
from src.models.goal import GoalEventKind
from tests.factories import make_goal, make_user

PROVINCE, CHENGDU, PANZHIHUA = "510000", "510100", "510300"
GOAL_YEAR = 2100  # the pool's goals are of 2100, 2101, …: never a demo goal's year

# --- the database -------------------------------------------------------------------------------------


@dataclass
class Population:
    url: str
    users: dict[str, list[int]]  # group → user ids
    tax_user: int
    goals: list[int]


async def prepare(url: str, *, goals: int, users_per_group: int) -> Population:
    engine, sessionmaker = await demo_database(url)
    try:
        groups = {"province": (PROVINCE, users_per_group), "chengdu": (CHENGDU, 2)}
        groups |= {"panzhihua": (PANZHIHUA, 2), "panzhihua_filtered": (PANZHIHUA, 2)}
        users = {
            group: [(await make_user(sessionmaker, region_code=code)).id or 0 for _ in range(count)]
            for group, (code, count) in groups.items()
        }
        tax_user = (await make_user(sessionmaker, actor_type=ActorType.TAX, region_code=CHENGDU)).id or 0
        async with sessionmaker() as session:
            goal_ids = []
            for i in range(goals):
                goal = await make_goal(
                    session, region_code=CHENGDU, year=GOAL_YEAR + i, status=GoalStatus.DRAFT
                )
                goal_ids.append(goal.id or 0)
            await session.commit()
    finally:
        await engine.dispose()
    return Population(url=url, users=users, tax_user=tax_user, goals=goal_ids)


OutboxRow = tuple[int, int, str, float | None]


async def outbox_after(url: str, after: int) -> list[OutboxRow]:
    """(id, subject id, verdict, seconds from occurred_at to published_at) of the tax-opinion events
    after id `after`, in id order. published_at is set when the relay marks the event, after publishing
    (without Redis, up to relay.MARK_DELAY_SECONDS later)."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            rows = (
                await session.exec(
                    select(Event)
                    .where(col(Event.id) > after, Event.kind == GoalEventKind.GOAL_TAX_OPINION)
                    .order_by(col(Event.id))
                )
            ).all()
            return [
                (
                    row.id or 0,
                    row.subject_id,
                    str((row.payload or {}).get("verdict")),
                    (
                        row.published_at.replace(tzinfo=None) - row.occurred_at.replace(tzinfo=None)
                    ).total_seconds()
                    if row.published_at is not None
                    else None,
                )
                for row in rows
            ]
    finally:
        await engine.dispose()


async def database_state(url: str, goal_ids: list[int]) -> tuple[int, dict[int, int]]:
    """The latest event id, and each goal's row version (an earlier setup changed them)."""
    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            latest = (await session.exec(select(func.max(Event.id)))).one() or 0
            rows = await session.exec(select(Goal.id, Goal.row_version).where(col(Goal.id).in_(goal_ids)))
            versions = {goal_id or 0: version for goal_id, version in rows.all()}
            return latest, {goal_id: versions[goal_id] for goal_id in goal_ids}
    finally:
        await engine.dispose()
