"""The reusable indicator library: common indicators (no fund type) and fund-specific ones."""

from decimal import Decimal

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from src.models.enums import Aggregation, Comparator, IndicatorCategory, IndicatorKind, QualitativeGrade
from src.models.types import FREE_TEXT_MAX_LENGTH, ScaledDecimal, StrEnumType


class IndicatorDefinition(SQLModel):
    """What an indicator is (Art. 9): shared by the library's templates and the indicators of goals."""

    level1: IndicatorCategory = Field(sa_type=StrEnumType(IndicatorCategory))
    level2: str = Field(max_length=64)
    level3: str = Field(max_length=128)
    kind: IndicatorKind = Field(sa_type=StrEnumType(IndicatorKind))
    comparator: Comparator = Field(sa_type=StrEnumType(Comparator))
    unit: str = Field(default="", max_length=16)
    # How the indicator splits when a province-wide goal is decomposed (Art. 6).
    aggregation: Aggregation = Field(default=Aggregation.NONE, sa_type=StrEnumType(Aggregation))
    definition: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)
    sort_order: int = 0
    # A rate (aggregation RATE) is entered as numerator and denominator (Art. 12 roll-up: regions' rates are
    # recomputed from the summed parts, never averaged); these name the two (按时足额发放人数 / 应发放人数).
    numerator_label: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})
    denominator_label: str = Field(default="", max_length=64, sa_column_kwargs={"server_default": ""})


class IndicatorTemplateBase(IndicatorDefinition):
    # Blank where the target is set per region (counts such as insured persons).
    default_target_value: Decimal | None = Field(default=None, sa_type=ScaledDecimal(20, 4))
    default_target_grade: QualitativeGrade | None = Field(default=None, sa_type=StrEnumType(QualitativeGrade))
    active: bool = True


class IndicatorTemplate(IndicatorTemplateBase, table=True):
    __tablename__ = "indicator_template"

    id: int | None = Field(default=None, primary_key=True)
    # Stable natural key "<FUND_CODE or COMMON>:<level-3 name>", used to load the library idempotently.
    key: str = Field(max_length=200, unique=True)
    fund_type_id: int | None = Field(default=None, foreign_key="fund_type.id", index=True)
