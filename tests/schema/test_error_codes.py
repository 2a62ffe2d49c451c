"""A frontend branches on codes alone: every result-union error member carries `code`, distinct for the
cases a message used to tell apart, and every top-level error carries extensions.code."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType
from src.services.errors import DOMAIN_ERROR_CODES
from tests.schema.conftest import GraphQLClient
from tests.schema.test_goal_workflow import MED, draft_goal, mutation, step

CODED = mutation("goalUpdate", "$input: GoalUpdateInput!", "input: $input").replace(
    "... on UserError { message }", "... on UserError { message code }"
)


def test_codes_are_unique_across_the_domains() -> None:
    values = [code.value for group in DOMAIN_ERROR_CODES for code in group]
    assert len(values) == len(set(values))


async def update(gql: GraphQLClient, goal: dict[str, Any], **fields: Any) -> dict[str, Any]:
    variables = {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"], **fields}}
    result: dict[str, Any] = (await gql.data(CODED, variables))["goalUpdate"]
    return result


async def test_conflicts_and_refusals_carry_their_own_code(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    stale = await update(gql, {**goal, "rowVersion": goal["rowVersion"] - 1}, title="甲")
    assert (stale["__typename"], stale["code"]) == ("ConflictError", "STALE_VERSION")
    too_long = await update(gql, goal, title="长" * 201)
    assert (too_long["__typename"], too_long["code"]) == ("ValidationError", "VALIDATION_FAILED")
    assert [(f["field"], f["code"]) for f in too_long["fields"]] == [("input.title", "OUT_OF_RANGE")]
    submitted = await step(gql, "goalSubmit", goal)
    not_editable = await update(gql, submitted, title="乙")
    assert (not_editable["__typename"], not_editable["code"]) == ("InvalidTransitionError", "NOT_EDITABLE")
    wrong = await step(gql, "goalSubmit", submitted, expect="InvalidTransitionError")
    assert wrong["currentStatus"] == "SUBMITTED"
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    unknown = await update(gql, {"id": "999999", "rowVersion": 1}, title="丙")
    assert (unknown["__typename"], unknown["code"]) == ("NotFoundError", "NOT_FOUND")


TOP_LEVEL = [
    ('{ goal(id: "x") { __typename } }', "INVALID_ID"),
    ('{ goals(after: "nope") { totalCount } }', "INVALID_CURSOR"),
    ("{ goals(first: 1000) { totalCount } }", "INVALID_ARGUMENT"),
    ('{ region(code: "510000", id: "1") { __typename } }', "INVALID_ARGUMENT"),
    ("{ goals { ", "GRAPHQL_PARSE_FAILED"),
    ("{ noSuchField }", "GRAPHQL_VALIDATION_FAILED"),
    ("{ auditEvents { totalCount } }", "FORBIDDEN"),
]


@pytest.mark.parametrize(("query", "code"), TOP_LEVEL)
async def test_every_top_level_error_has_a_code(gql: GraphQLClient, query: str, code: str) -> None:
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    body = await gql.query(query)
    assert [e["extensions"]["code"] for e in body["errors"]] == [code], body


async def test_not_logged_in_is_unauthenticated(gql: GraphQLClient) -> None:
    gql.logout()
    body = await gql.query("{ goals { totalCount } }")
    assert [e["extensions"]["code"] for e in body["errors"]] == ["UNAUTHENTICATED"]
