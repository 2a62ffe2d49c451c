"""Random assignments for the visibility agreement (test_visibility_agreement.py): records of every
assignable subject entrusted to the third-party organizations, some ended early; and third-party actors
holding random keys (some of records that exist, some assigned, some not; some of records deleted since)."""

import random
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Assignment, Organization, User
from src.models.enums import ActorType
from src.services.actors import Actor
from src.subjects.registry import registry

ROWS = 10


def _rng(rng: random.Random) -> random.Random:
    # A generator of their own, seeded by the world's state without advancing it: the draws that follow
    # stay what the other subjects' coverage checks were tuned to.
    return random.Random(hash(rng.getstate()[1]) + 20)


async def assignable_keys(session: AsyncSession) -> list[tuple[str, int]]:
    keys: list[tuple[str, int]] = []
    for spec in registry().subjects():
        if spec.assignable:
            ids = (await session.exec(select(spec.model.id))).all()
            keys += [(spec.name, row_id) for row_id in ids]
    return sorted(keys)


async def make_assignment_rows(session: AsyncSession, rng: random.Random) -> None:
    rng = _rng(rng)
    keys = await assignable_keys(session)
    firms = (
        await session.exec(select(Organization.id).where(Organization.actor_type == ActorType.THIRD_PARTY))
    ).all()
    users = (await session.exec(select(User.id).order_by(col(User.id)))).all()
    assert keys and firms and users
    for name, subject_id in rng.sample(keys, min(ROWS, len(keys))):
        session.add(
            Assignment(
                subject_type=name,
                subject_id=subject_id,
                organization_id=rng.choice(list(firms)) or 0,
                starts_at=datetime(2026, 1, 1, tzinfo=UTC),
                ends_at=datetime(2026, 7, 1, tzinfo=UTC),
                ended_at=datetime(2026, 3, 1, tzinfo=UTC) if rng.random() < 0.3 else None,
                created_by_id=rng.choice(list(users)) or 0,
            )
        )
    await session.flush()


async def assign_at_random(session: AsyncSession, rng: random.Random, actors: Sequence[Actor]) -> list[Actor]:
    """The third parties among `actors` with random keys of the assignable records (and of some that do not
    exist); half of them hold some."""
    rng = _rng(rng)
    keys = await assignable_keys(session)
    names = sorted({name for name, _ in keys})
    out = []
    for actor in actors:
        if actor.actor_type == ActorType.THIRD_PARTY and rng.random() < 0.7:
            held = set(rng.sample(keys, min(len(keys), rng.randint(1, 6))))
            held.add((rng.choice(names), 10**6 + rng.randint(0, 9)))  # a record that does not exist
            actor = replace(actor, assignments=frozenset(held))
        out.append(actor)
    return out
