"""Document numbers (发文字号, GB/T 9704 7.2.5): 川财社〔2026〕12号, one per subject, family and act.

An issuing body (an organization) numbers the documents of each family (财社, 人社 …) in a sequence of its
own per year of issue, starting at 1; src/reports/numbering.py assigns them when the subject is issued (in
the issuing service's transaction), and the subject keeps its number.
"""

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.base import utcnow
from src.models.event import SUBJECT_TYPE_MAX_LENGTH
from src.models.types import UTCDateTime

# The longest family code (财社, 人社 …); with a region's abbreviation (8 at most) it fits the prefix.
FAMILY_MAX_LENGTH = 8


class DocumentNumber(SQLModel, table=True):
    __tablename__ = "document_number"
    __table_args__ = (
        # Each issuing body's sequence of a family and year has no gaps it did not choose and no repeats:
        # the constraint is what makes two concurrent assignments end with different numbers
        # (numbering.number_for).
        sa.UniqueConstraint("organization_id", "family", "year", "sequence"),
        # One number per subject, family and act: a subject's documents of a family, however often they
        # are built, carry the number of the act they document (a goal's guiding and formal issues, Art. 10,
        # are two acts). A new version of a subject (Art. 14: a new goal row) gets its own.
        sa.UniqueConstraint("subject_type", "subject_id", "family", "act"),
    )

    id: int | None = Field(default=None, primary_key=True)
    # The issuing body: the organization of the kind's actor type at the subject's region (the FINANCE
    # organization of a goal's region for its goal table).
    organization_id: int = Field(foreign_key="organization.id")
    family: str = Field(max_length=FAMILY_MAX_LENGTH)  # 财社: the kind family's code in the prefix
    year: int  # the year of issue (in China), whose sequence the number is of
    sequence: int
    # The numbered subject (a registered subject's name and row id, as report jobs and events name it); no
    # foreign key, since a subject may be of any table. A goal table's: ("Goal", the goal version's id).
    subject_type: str = Field(max_length=SUBJECT_TYPE_MAX_LENGTH)
    subject_id: int
    prefix: str = Field(max_length=16)  # 川财社, 成财社 …: the region's abbreviation, then the family
    text: str = Field(max_length=48)  # the number as printed: 川财社〔2026〕12号
    # Which issue of the subject it numbers: "" for a kind issued once; a goal's GUIDING or FORMAL.
    act: str = Field(default="", max_length=16, sa_column_kwargs={"server_default": ""})
    # When it was issued (the issuing transaction's moment; numbers given before 0015: when first built).
    created_at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime(),
        sa_column_kwargs={"server_default": sa.func.now()},
    )
