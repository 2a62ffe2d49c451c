"""The GraphQL schema: per-domain query types merged into one Query."""

from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.extensions import MaskErrors
from strawberry.tools import merge_types

from src.schema.budgets.queries import BudgetQueries
from src.schema.errors import ERROR_TYPES, EXCEPTION_HANDLERS
from src.schema.funds.queries import FundQueries
from src.schema.goals.queries import GoalQueries
from src.schema.indicators.queries import IndicatorTemplateQueries
from src.schema.organizations.queries import OrganizationQueries
from src.schema.regions.queries import RegionQueries
from src.services.errors import DomainError

Query = merge_types(
    "Query",
    (
        RegionQueries,
        FundQueries,
        GoalQueries,
        IndicatorTemplateQueries,
        BudgetQueries,
        OrganizationQueries,
    ),
)


def should_mask(error: GraphQLError) -> bool:
    """Hide internals of unexpected failures; keep our own messages (bad arguments, domain errors)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


def build_schema() -> strawberry.Schema:
    return strawberry.Schema(
        query=Query,
        types=ERROR_TYPES,
        # A factory, not an instance: extensions keep per-operation state.
        extensions=[
            partial(MaskErrors, should_mask_error=should_mask, error_message="服务器内部错误（已记录）")
        ],
        exception_handlers=EXCEPTION_HANDLERS,
    )


schema = build_schema()
