"""The DataLoaders of regions (src/schema/loaders.py makes them per request) and how many each returns."""

from collections.abc import Sequence

from sqlalchemy import ColumnElement, or_
from sqlmodel import col, select
from strawberry.dataloader import DataLoader

from src.models import Region
from src.models.enums import RegionLevel
from src.schema.execution import TURN_TAKING_LOOP
from src.schema.loaders import Sessionmaker, fetch_rows, loader, many_by, one_by

# The most rows a one-to-many loader returns for one key (the list fields declare the same numbers with
# max_items, so the query cost limit counts them): bounded in SQL, whatever the table holds.
CHILDREN_PER_REGION = 100
DESCENDANTS_PER_REGION = 500  # a province's prefectures and counties (Sichuan: 204)
ANCESTORS_PER_REGION = 3  # province, prefecture, county

DescendantKey = tuple[str, RegionLevel | None]


@loader
def region_by_id(sessionmaker: Sessionmaker) -> DataLoader[int, Region | None]:
    return one_by(sessionmaker, Region, Region.id)


@loader
def region_by_code(sessionmaker: Sessionmaker) -> DataLoader[str, Region | None]:
    return one_by(sessionmaker, Region, Region.code)


@loader
def region_children(sessionmaker: Sessionmaker) -> DataLoader[int, list[Region]]:
    return many_by(sessionmaker, Region, Region.parent_id, [Region.code], limit=CHILDREN_PER_REGION)


@loader
def region_descendants(sessionmaker: Sessionmaker) -> DataLoader[DescendantKey, list[Region]]:
    """Regions below a path (optionally of one level), all keys in one statement; at most
    DESCENDANTS_PER_REGION a key (regions are reference data: the statement reads no more than the table's
    few thousand rows)."""

    async def load(keys: list[DescendantKey]) -> Sequence[list[Region]]:
        conditions: list[ColumnElement[bool]] = []
        for path, level in keys:
            condition: ColumnElement[bool] = col(Region.path).like(f"{path}%") & (col(Region.path) != path)
            if level is not None:
                condition = condition & (col(Region.level) == level)
            conditions.append(condition)
        stmt = select(Region).where(or_(*conditions)).order_by(col(Region.code))
        async with sessionmaker() as session:
            rows = await fetch_rows(session, stmt, Region)
        return [
            [r for r in rows if r.path.startswith(path) and r.path != path and level in (None, r.level)][
                :DESCENDANTS_PER_REGION
            ]
            for path, level in keys
        ]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)
