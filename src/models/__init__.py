"""All tables, imported here so SQLModel.metadata (and Alembic) sees every one."""

from src.db import metadata
from src.models.audit import AuditEvent
from src.models.auth import ApiToken, RefreshToken
from src.models.budget import FundBudget, FundBudgetCreate, FundBudgetLine, FundBudgetLineBase
from src.models.fund import FundType, FundTypeCreate, PoolingArrangement, PoolingArrangementCreate
from src.models.goal import Goal, GoalCreate, GoalTransition, GoalUpdate, Indicator, IndicatorCreate
from src.models.indicator_template import IndicatorTemplate, IndicatorTemplateCreate
from src.models.organization import Organization, OrganizationCreate, User, UserCreate
from src.models.region import Region, RegionCreate

__all__ = [
    "ApiToken",
    "AuditEvent",
    "FundBudget",
    "FundBudgetCreate",
    "FundBudgetLine",
    "FundBudgetLineBase",
    "FundType",
    "FundTypeCreate",
    "Goal",
    "GoalCreate",
    "GoalTransition",
    "GoalUpdate",
    "Indicator",
    "IndicatorCreate",
    "IndicatorTemplate",
    "IndicatorTemplateCreate",
    "Organization",
    "OrganizationCreate",
    "PoolingArrangement",
    "PoolingArrangementCreate",
    "RefreshToken",
    "Region",
    "RegionCreate",
    "User",
    "UserCreate",
    "metadata",
]
