"""Fund types (reference data that can grow) and their pooling arrangements per year."""

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.enums import Administration, PoolingLevel
from src.models.types import StrEnumType


class FundTypeBase(SQLModel):
    code: str = Field(max_length=48, unique=True, index=True)
    name_zh: str = Field(max_length=64)
    administration: Administration = Field(sa_type=StrEnumType(Administration))
    sort_order: int = 0
    active: bool = True


class FundType(FundTypeBase, table=True):
    __tablename__ = "fund_type"

    id: int | None = Field(default=None, primary_key=True)


class PoolingArrangementBase(SQLModel):
    year: int = Field(index=True)
    pooling_level: PoolingLevel = Field(sa_type=StrEnumType(PoolingLevel))


class PoolingArrangement(PoolingArrangementBase, table=True):
    __tablename__ = "pooling_arrangement"
    __table_args__ = (sa.UniqueConstraint("fund_type_id", "year"),)

    id: int | None = Field(default=None, primary_key=True)
    fund_type_id: int = Field(foreign_key="fund_type.id", index=True)
