"""Administrative regions (GB/T 2260): province → prefecture → county."""

from sqlmodel import Field, SQLModel

from src.models.enums import RegionLevel
from src.models.types import StrEnumType


class RegionBase(SQLModel):
    code: str = Field(max_length=12, unique=True, index=True)
    name: str = Field(max_length=64)
    level: RegionLevel = Field(sa_type=StrEnumType(RegionLevel), index=True)


class Region(RegionBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    parent_id: int | None = Field(default=None, foreign_key="region.id", index=True)
    # Materialised path of codes ("/510000/510100/"), so "this region and its descendants" is one LIKE.
    path: str = Field(max_length=255, index=True)
