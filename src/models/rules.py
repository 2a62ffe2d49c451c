"""Regional rules (Art. 23 「各市（州）可结合实际制定实施细则」): one value per region and rule key.

The province's row overrides the built-in provincial default; a prefecture's row overrides the province's for
that prefecture and its counties. The keys, their types and defaults are in src/services/rules/.
"""

from enum import StrEnum

import sqlalchemy as sa
from sqlmodel import Field

from src.models.base import Versioned


class RuleEventKind(StrEnum):
    """What a region's rules announce (src/domains/rules.py registers them with their labels)."""

    RULE_SET_CHANGED = "RULE_SET_CHANGED"  # values set or reset (ruleSetUpdate); the subject is the region


class RegionalRule(Versioned, table=True):
    __tablename__ = "regional_rule"
    __table_args__ = (sa.UniqueConstraint("region_id", "key"),)

    id: int | None = Field(default=None, primary_key=True)
    region_id: int = Field(foreign_key="region.id", index=True)
    key: str = Field(max_length=64)  # RuleKey
    value: str = Field(max_length=64)  # canonical text of the typed value (a decimal, MM-DD, an enum code)
    updated_by_id: int | None = Field(default=None, foreign_key="app_user.id")
