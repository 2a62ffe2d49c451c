"""The DataLoaders of fund types and their pooling (src/schema/loaders.py makes them per request)."""

from strawberry.dataloader import DataLoader

from src.models import FundType, PoolingArrangement
from src.schema.loaders import Sessionmaker, loader, many_by_tuple, one_by


@loader
def fund_type_by_id(sessionmaker: Sessionmaker) -> DataLoader[int, FundType | None]:
    return one_by(sessionmaker, FundType, FundType.id)


@loader
def pooling_by_fund_year(sessionmaker: Sessionmaker) -> DataLoader[tuple[int, int], list[PoolingArrangement]]:
    return many_by_tuple(
        sessionmaker, PoolingArrangement, [PoolingArrangement.fund_type_id, PoolingArrangement.year]
    )
