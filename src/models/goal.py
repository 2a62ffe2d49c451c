"""Performance goals (Art. 7, 8, 10, 14): overall (multi-year) and annual, per fund and pooling region."""

import uuid
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from pydantic import ValidationInfo, field_validator
from sqlmodel import Field, SQLModel

from src.models.base import Versioned, utcnow
from src.models.enums import (
    Aggregation,
    Comparator,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
    TaxVerdict,
)
from src.models.indicator_template import IndicatorDefinition
from src.models.types import FREE_TEXT_MAX_LENGTH, ScaledDecimal, StrEnumType, UTCDateTime, Uuid


class GoalEventKind(StrEnum):
    """What a goal announces (src/domains/goals.py registers them with their labels)."""

    GOAL_STATUS_CHANGED = "GOAL_STATUS_CHANGED"  # a step of the chain (submit, review, issue, return, ...)
    GOAL_DECOMPOSED = "GOAL_DECOMPOSED"  # a region's goal drafted or reopened from a province-wide table
    GOAL_ADJUSTMENT_REQUESTED = "GOAL_ADJUSTMENT_REQUESTED"  # Art. 14: the next version opened to adjust
    GOAL_TAX_OPINION = "GOAL_TAX_OPINION"  # Art. 7: the tax bureau concurred or objected
    # Content: every other write a reader of the goal can see (payload: the operation and what it touched).
    GOAL_CREATED = "GOAL_CREATED"  # a draft created (goalCreate)
    GOAL_CHANGED = "GOAL_CHANGED"  # the draft's fields, indicators or decomposition table edited
    GOAL_DELETED = "GOAL_DELETED"  # a draft deleted: written before the row goes, with the goal's scope


class GoalDocumentKind(StrEnum):
    GOAL_TABLE = "GOAL_TABLE"  # 绩效目标表 (Art. 7, 10): one goal's table for issuing


class GoalExportKind(StrEnum):
    GOALS_XLSX = (
        "GOALS_XLSX"  # 年度绩效目标汇总表: every goal of a year the requester reads, one sheet a fund
    )


TARGET_VALUE = ScaledDecimal(20, 4)
WEIGHT = ScaledDecimal(6, 2)
INDICATOR_DECIMALS = {"target_value": TARGET_VALUE, "weight": WEIGHT}


def decimal_field(column: ScaledDecimal, **kwargs: Any) -> Any:
    """A decimal stored in `column`, validated finite and with no more integer digits or places than the
    column keeps on both databases, so nothing is rounded away or overflows on the way in."""
    return Field(
        sa_type=column,
        max_digits=column.max_digits,
        decimal_places=column.scale,
        schema_extra={"allow_inf_nan": False},
        **kwargs,
    )


def as_stored(value: Decimal | None, info: ValidationInfo) -> Decimal | None:
    """An indicator's decimal as its column keeps it (padded to the scale): the reply and the audit trail
    show the stored value, not the spelling of the input."""
    return None if value is None else INDICATOR_DECIMALS[str(info.field_name)].quantize(value)


class GoalBase(SQLModel):
    title: str = Field(max_length=200)
    horizon: GoalHorizon = Field(sa_type=StrEnumType(GoalHorizon), index=True)
    # An annual goal has start == end == the budget year; an overall goal spans its period.
    start_year: int = Field(index=True)
    end_year: int = Field(index=True)
    content: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)


class Goal(GoalBase, Versioned, table=True):
    __table_args__ = (
        sa.CheckConstraint("start_year <= end_year", name="period_order"),
        # One goal per fund, pooling region, horizon and period in each version (Art. 14 keeps old versions).
        sa.UniqueConstraint("fund_type_id", "region_id", "horizon", "start_year", "end_year", "version"),
        sa.Index("ix_goal_scope", "fund_type_id", "region_id", "horizon", "start_year"),
    )

    id: int | None = Field(default=None, primary_key=True)
    fund_type_id: int = Field(foreign_key="fund_type.id", index=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    status: GoalStatus = Field(default=GoalStatus.DRAFT, sa_type=StrEnumType(GoalStatus), index=True)
    # Goal version (Art. 14): an adjustment yields version + 1; earlier versions stay.
    version: int = Field(default=1)
    overall_goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    parent_goal_id: int | None = Field(default=None, foreign_key="goal.id", index=True)
    # Versions (Art. 14): every version of one goal shares lineage_id. A new Goal starts its own lineage
    # here, so no path can leave it empty; a new version is given its predecessor's.
    lineage_id: uuid.UUID = Field(default_factory=uuid.uuid4, sa_type=Uuid(), index=True)
    previous_version_id: int | None = Field(default=None, foreign_key="goal.id")
    # The assessment an adjustment carries (Art. 14 「经评估后」): what changed, why, expected effects.
    adjustment_reason: str | None = Field(default=None, sa_type=sa.Text)
    adjustment_what_changed: str | None = Field(default=None, sa_type=sa.Text)
    adjustment_fund_effect: str | None = Field(default=None, sa_type=sa.Text)
    adjustment_target_effect: str | None = Field(default=None, sa_type=sa.Text)
    # Every edit of the goal or its indicators counts up; a tax concurrence holds for one revision only.
    content_revision: int = Field(default=0, sa_column_kwargs={"server_default": sa.text("0")})
    tax_concurred_revision: int | None = None
    # The agency drafts "with the tax department" (商税务部门): both are recorded at submission.
    drafter_organization_id: int | None = Field(default=None, foreign_key="organization.id")
    co_drafter_organization_id: int | None = Field(default=None, foreign_key="organization.id")
    # Art. 10: guiding issue may precede the national review, so a guiding goal's submission and approval
    # are recorded on their own: it stays ISSUED_GUIDING (in force) until it is formally issued.
    national_submitted_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    national_approved_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    # Its latest issue (Art. 10: guiding, then formal): when, by which body, under which number (发文字号,
    # drawn from that body's sequence in the issuing transaction; the goal table prints it, never draws it).
    issued_at: datetime | None = Field(default=None, sa_type=UTCDateTime())
    issuer_organization_id: int | None = Field(default=None, foreign_key="organization.id")
    document_number: str | None = Field(default=None, max_length=48)


class GoalTransition(SQLModel, table=True):
    """One step of a goal through its workflow: who moved it, from where to where, when and why."""

    __tablename__ = "goal_transition"

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    action: str = Field(max_length=32)  # GoalAction code
    from_status: GoalStatus = Field(sa_type=StrEnumType(GoalStatus))
    to_status: GoalStatus = Field(sa_type=StrEnumType(GoalStatus))
    reason: str | None = Field(default=None, sa_type=sa.Text)
    user_id: int = Field(foreign_key="app_user.id")
    organization_id: int = Field(foreign_key="organization.id")
    at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime(),
        sa_column_kwargs={"server_default": sa.func.now()},
    )


class GoalTaxOpinion(SQLModel, table=True):
    """The tax department's concurrence or objection on one revision of a draft goal (Art. 5, 7)."""

    __tablename__ = "goal_tax_opinion"

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    content_revision: int
    verdict: TaxVerdict = Field(sa_type=StrEnumType(TaxVerdict))
    opinion: str = Field(default="", sa_type=sa.Text, max_length=FREE_TEXT_MAX_LENGTH)
    user_id: int = Field(foreign_key="app_user.id")
    organization_id: int = Field(foreign_key="organization.id")
    at: datetime = Field(
        default_factory=utcnow,
        sa_type=UTCDateTime(),
        sa_column_kwargs={"server_default": sa.func.now()},
    )


class GoalDecompositionTarget(Versioned, table=True):
    """A pooling region's target for one quantitative indicator of a province-wide goal, as set by hand in
    the decomposition table (Art. 6 分解下达); without a row the default applies (budget share or the
    province's value)."""

    __tablename__ = "goal_decomposition_target"
    __table_args__ = (sa.UniqueConstraint("indicator_id", "region_id"),)

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    indicator_id: int = Field(foreign_key="indicator.id", index=True, ondelete="CASCADE")
    region_id: int = Field(foreign_key="region.id")
    target_value: Decimal = decimal_field(TARGET_VALUE)
    # Set by hand; False for a default the issue froze (a new version starts from the hand-set ones only).
    by_hand: bool = True


class GoalCreate(GoalBase):
    """What a drafter gives to create a goal (goalCreate)."""

    fund_type_code: str = Field(max_length=48)  # FundType.code
    region_code: str = Field(max_length=12)  # Region.code
    overall_goal_id: int | None = None


class GoalUpdate(SQLModel):
    """The fields of a draft goal that goalUpdate may change; None leaves a field as it is."""

    title: str | None = Field(default=None, max_length=200)
    content: str | None = Field(default=None, max_length=FREE_TEXT_MAX_LENGTH)


class IndicatorBase(IndicatorDefinition):
    target_value: Decimal | None = decimal_field(TARGET_VALUE, default=None)
    target_grade: QualitativeGrade | None = Field(default=None, sa_type=StrEnumType(QualitativeGrade))
    weight: Decimal = decimal_field(WEIGHT)

    _as_stored = field_validator("target_value", "weight")(as_stored)


class Indicator(IndicatorBase, Versioned, table=True):
    # A lineage appears once in a goal version: monitoring and evaluation find an indicator by it.
    __table_args__ = (sa.UniqueConstraint("goal_id", "lineage_id"),)

    id: int | None = Field(default=None, primary_key=True)
    goal_id: int = Field(foreign_key="goal.id", index=True)
    # Lineage (Art. 14): one indicator across the versions of its goal (adjustment, national return,
    # re-decomposition) shares lineage_id. A new Indicator starts its own here, so no path leaves it
    # empty; a copy is given its original's.
    lineage_id: uuid.UUID = Field(default_factory=uuid.uuid4, sa_type=Uuid(), index=True)
    template_id: int | None = Field(default=None, foreign_key="indicator_template.id")
    # Decomposed from the province-wide goal (Art. 6): the province's indicator, and the target the
    # region was given. Such an indicator is locked: its target may only become stricter. Its lineage is
    # the region goal's own; the province's lineage it follows is that of inherited_from.
    inherited_from_id: int | None = Field(default=None, foreign_key="indicator.id", index=True)
    assigned_target_value: Decimal | None = Field(default=None, sa_type=TARGET_VALUE)
    assigned_target_grade: QualitativeGrade | None = Field(
        default=None, sa_type=StrEnumType(QualitativeGrade)
    )


class IndicatorCreate(IndicatorBase):
    """What a drafter gives to add an indicator (indicatorCreate); the goal and order come from context.
    Without an aggregation, the service infers one from the kind and unit."""

    aggregation: Aggregation | None = None  # type: ignore[assignment]


class IndicatorUpdate(SQLModel):
    """Only the fields set change (model_fields_set); a None target clears it."""

    level1: IndicatorCategory | None = None
    level2: str | None = Field(default=None, max_length=64)
    level3: str | None = Field(default=None, max_length=128)
    kind: IndicatorKind | None = None
    comparator: Comparator | None = None
    aggregation: Aggregation | None = None
    weight: Decimal | None = decimal_field(WEIGHT, default=None)
    unit: str | None = Field(default=None, max_length=16)
    target_value: Decimal | None = decimal_field(TARGET_VALUE, default=None)
    target_grade: QualitativeGrade | None = None
    definition: str | None = Field(default=None, max_length=FREE_TEXT_MAX_LENGTH)
    numerator_label: str | None = Field(default=None, max_length=64)
    denominator_label: str | None = Field(default=None, max_length=64)

    _as_stored = field_validator("target_value", "weight")(as_stored)
