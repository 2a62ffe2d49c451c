"""Document numbers (发文字号, GB/T 9704 7.2.5): 川财社〔2026〕12号, one per goal version issued.

The issuing body (the finance organization of the goal's region) numbers its documents in a sequence of its
own per year, starting at 1; src/reports/numbering.py assigns them when an issued goal's table is built.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import utcnow
from src.models.types import UTCDateTime


class DocumentNumber(SQLModel, table=True):
    __tablename__ = "document_number"
    # Each issuing body's sequence of a year has no gaps it did not choose and no repeats: the constraint is
    # what makes two concurrent assignments end with different numbers (numbering.number_for).
    __table_args__ = (sa.UniqueConstraint("organization_id", "year", "sequence"),)

    id: int | None = Field(default=None, primary_key=True)
    # The issuing body: the FINANCE organization of the goal's region.
    organization_id: int = Field(foreign_key="organization.id")
    year: int
    sequence: int
    # One number per goal version issued; a new version (Art. 14) is a new goal row and gets its own.
    goal_id: int = Field(foreign_key="goal.id", unique=True)
    prefix: str = Field(max_length=16)  # 川财社, 成财社 …
    text: str = Field(max_length=48)  # the number as printed: 川财社〔2026〕12号
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime(),
        sa_column_kwargs={"server_default": sa.func.now()},
    )
