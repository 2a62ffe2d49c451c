"""What the subject tests share: the reference data, actors drawn at random (every actor type at every level
of region, administrators, service accounts whose API token confines them to a region), and the comparison
of a subject's two readings of the one visibility rule: its SQL clause (`spec.clause`) and the Python check
over one row's scope (`policy.visible(actor, await spec.scope(session, row))`)."""

import random
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region
from src.models.enums import ActorType, Administration, RegionLevel
from src.services import policy
from src.services.actors import Actor
from src.subjects.registry import SubjectSpec
from tests.factories import make_actor
from tests.services.conftest import reference

__all__ = ["reference"]

Sessionmaker = async_sessionmaker[AsyncSession]

# Regions of every level, on three branches of the tree: a county below each prefecture.
REGION_CODES: dict[RegionLevel, tuple[str, ...]] = {
    RegionLevel.PROVINCE: ("510000",),
    RegionLevel.PREFECTURE: ("510100", "510300", "511800"),  # 成都, 自贡, 雅安
    RegionLevel.COUNTY: ("510104", "510302", "511802"),  # 锦江区 (成都), 自流井区 (自贡), 雨城区 (雅安)
}
ALL_REGION_CODES = tuple(code for codes in REGION_CODES.values() for code in codes)


def administration_for(rng: random.Random, actor_type: ActorType) -> Administration | None:
    """An organization's administration as its type has it: HRSS and medical security their own, an agency
    either (人社 or 医保 经办), the other bodies none."""
    if actor_type == ActorType.HRSS:
        return Administration.HRSS
    if actor_type == ActorType.MEDICAL_SECURITY:
        return Administration.MEDICAL_SECURITY
    if actor_type == ActorType.AGENCY:
        return rng.choice(list(Administration))
    return None


async def region_paths(sessionmaker: Sessionmaker) -> dict[str, str]:
    """The materialised path of each region of ALL_REGION_CODES, by code."""
    async with sessionmaker() as session:
        rows = (await session.exec(select(Region).where(col(Region.code).in_(ALL_REGION_CODES)))).all()
        return {r.code: r.path for r in rows}


async def draw_actors(sessionmaker: Sessionmaker, rng: random.Random, *, extra: int) -> list[Actor]:
    """Every actor type at a region of every level (national and third party included), then `extra` more
    drawn at random, of which some are administrators and some call with an API token confined to a region
    (above, below, beside or at their own), read-only or not."""
    paths = await region_paths(sessionmaker)
    actors = []
    for actor_type in ActorType:
        for codes in REGION_CODES.values():
            actors.append(
                await make_actor(
                    sessionmaker,
                    actor_type=actor_type,
                    region_code=rng.choice(codes),
                    administration=administration_for(rng, actor_type),
                )
            )
    for _ in range(extra):
        actor_type = rng.choice(list(ActorType))
        actor = await make_actor(
            sessionmaker,
            actor_type=actor_type,
            region_code=rng.choice(ALL_REGION_CODES),
            administration=administration_for(rng, actor_type),
            is_admin=rng.random() < 0.3,
        )
        if rng.random() < 0.6:
            region_path = paths[rng.choice(ALL_REGION_CODES)]
            actor = replace(actor, token_region_path=region_path, read_only=rng.random() < 0.5)
        actors.append(actor)
    return actors


async def colleague(sessionmaker: Sessionmaker, actor: Actor) -> Actor:
    """Another user of `actor`'s organization, calling as it does (the same API token region)."""
    other = await make_actor(
        sessionmaker,
        actor_type=actor.actor_type,
        region_code=actor.region_code,
        administration=actor.administration,
        is_admin=actor.is_admin,
    )
    assert other.organization_id == actor.organization_id
    return replace(other, token_region_path=actor.token_region_path)


def describe(actor: Actor) -> str:
    administration = f"/{actor.administration.value}" if actor.administration else ""
    admin = " admin" if actor.is_admin else ""
    token = f" token {actor.token_region_path}" if actor.token_region_path is not None else ""
    read_only = " read-only" if actor.read_only else ""
    service = " service account" if actor.is_service_account else ""
    return (
        f"user {actor.user_id} {actor.actor_type.value}{administration}@{actor.region_code}"
        f"{admin}{service}{token}{read_only}"
    )


@dataclass
class Agreement:
    """What comparing a subject's SQL clause with its Python check found, over every (actor, row) pair."""

    rows: int = 0
    seen: int = 0  # pairs where both say the actor may read the row
    unseen: int = 0  # pairs where both say it may not
    problems: list[str] = field(default_factory=list)  # pairs where they differ


async def agreement(session: AsyncSession, spec: SubjectSpec[Any], actors: Sequence[Actor]) -> Agreement:
    """For each actor: the ids of the rows `spec.clause(actor)` selects against those whose scope
    `policy.visible` accepts."""
    model_id: Any = spec.model.id
    rows = (await session.exec(select(spec.model).order_by(model_id))).all()
    scopes = {spec.row_id(row): await spec.scope(session, row) for row in rows}
    found = Agreement(rows=len(rows))
    for actor in actors:
        in_sql = set((await session.exec(select(model_id).where(spec.clause(actor)))).all())
        in_python = {row_id for row_id, scope in scopes.items() if policy.visible(actor, scope)}
        found.seen += len(in_sql & in_python)
        found.unseen += len(scopes.keys() - in_sql - in_python)
        for row_id in sorted(in_sql ^ in_python):
            found.problems.append(
                f"{spec.name} {row_id}, {scopes[row_id]}: {describe(actor)} "
                f"{'reads it in SQL only' if row_id in in_sql else 'may read it by policy.visible only'}"
            )
    return found
