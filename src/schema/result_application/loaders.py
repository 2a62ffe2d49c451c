"""The DataLoaders of result applications: a record's uses, and the records (readable by the caller) whose
uses changed a goal or a budget, each kind of key in one statement (src/schema/loaders.py)."""

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from src.models import ResultApplication, ResultApplicationUse
from src.models.result_application import MAX_USES
from src.schema.execution import TURN_TAKING_LOOP
from src.schema.loaders import Sessionmaker, loader, many_by
from src.services.actors import Actor
from src.services.result_application.scope import visible_applications_clause

# One record per region × fund × evaluated year, and a goal or budget belongs to one region, fund and year:
# at most one record changed it.
APPLICATIONS_PER_TARGET = 1

LinkKey = tuple[Actor, int]  # the reader (visibility) and the goal's or budget's id


@loader
def uses_by_application(sessionmaker: Sessionmaker) -> DataLoader[int, list[ResultApplicationUse]]:
    return many_by(
        sessionmaker,
        ResultApplicationUse,
        ResultApplicationUse.application_id,
        [ResultApplicationUse.sort_order],
        limit=MAX_USES,
    )


def _by_link(sessionmaker: Sessionmaker, link: Any) -> DataLoader[LinkKey, list[ResultApplication]]:
    async def load(keys: list[LinkKey]) -> Sequence[list[ResultApplication]]:
        found: dict[LinkKey, list[ResultApplication]] = defaultdict(list)
        for actor in {a for a, _ in keys}:  # one reader per request: one statement
            ids = sorted({i for a, i in keys if a == actor})
            stmt = (
                select(link, ResultApplication)
                .join(ResultApplication, col(ResultApplication.id) == ResultApplicationUse.application_id)
                .where(link.in_(ids), visible_applications_clause(actor))
                .distinct()
                .order_by(col(ResultApplication.id))
            )
            async with sessionmaker() as session:
                for target_id, row in (await session.exec(stmt)).all():
                    found[(actor, target_id)].append(row)
        return [found.get(key, [])[:APPLICATIONS_PER_TARGET] for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


@loader
def applications_by_goal(sessionmaker: Sessionmaker) -> DataLoader[LinkKey, list[ResultApplication]]:
    return _by_link(sessionmaker, col(ResultApplicationUse.goal_id))


@loader
def applications_by_budget(sessionmaker: Sessionmaker) -> DataLoader[LinkKey, list[ResultApplication]]:
    return _by_link(sessionmaker, col(ResultApplicationUse.budget_id))
