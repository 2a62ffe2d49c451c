"""What a goal's workflow steps send to the database (issue 22: a goal mutation near what the database does).

Counted with authentication (the caller's first request, tests/schema/mutation_cases.py builds the calls),
the same on SQLite and PostgreSQL but for the lock that orders event-writing transactions on PostgreSQL
(src/subjects/events.py).
"""

import re

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import CASES
from tests.support.sql import StatementCounter

# The goal is read with its region and fund in one statement (editing.visible_goal); the tax opinion's, the
# return's and a review's change of the goal go in the UPDATE that claims its row version (concurrency.claim);
# a submission reads its indicators and concurrence under that claim, then updates the goal.
GOAL_STEP_STATEMENTS = {
    "goalTaxConcur": 6,
    "goalTaxObject": 6,
    "goalReturn": 7,
    "goalPreliminaryReview": 7,
    "goalSubmit": 11,
}
EVENT_ORDER_LOCK = {"sqlite": 0, "postgresql": 1}


def _shape(statement: str) -> str:
    """`SELECT goal`, `UPDATE goal`, `INSERT event`: the verb and the first table."""
    found = re.match(r"\s*(SELECT|INSERT INTO|UPDATE|DELETE FROM)\s.*?(\w+)", statement, re.S)
    if found is None:
        return statement.split()[0]
    if found[1] == "SELECT":
        table = re.search(r"\sFROM\s+(\w+)", statement)
        return f"SELECT {table[1] if table else '?'}"
    return f"{found[1].split()[0]} {found[2]}"


@pytest.mark.parametrize("name", list(GOAL_STEP_STATEMENTS))
async def test_goal_step_statements(
    gql: GraphQLClient, engine: AsyncEngine, count_statements: StatementCounter, name: str
) -> None:
    call = await CASES[name](gql)
    count_statements.reset()
    data = await gql.data(call.document, call.variables)
    assert data[name]["__typename"].endswith("Success"), data
    statements = count_statements.statements
    expected = GOAL_STEP_STATEMENTS[name] + EVENT_ORDER_LOCK[engine.dialect.name]
    assert count_statements.count == expected, [_shape(s) for s in statements]


async def test_a_tax_concurrence_reads_the_goal_once_and_updates_it_once(
    gql: GraphQLClient, count_statements: StatementCounter
) -> None:
    call = await CASES["goalTaxConcur"](gql)
    count_statements.reset()
    data = await gql.data(call.document, call.variables)
    assert data["goalTaxConcur"]["__typename"] == "GoalSuccess", data
    shapes = [_shape(s) for s in count_statements.statements if "pg_advisory_xact_lock" not in s]
    # authentication (the caller's first request); the goal joined with its region and fund; its row
    # version and concurrence in one UPDATE; then the rows it adds (the flush orders the first two freely).
    assert shapes[:3] == ["SELECT app_user", "SELECT goal", "UPDATE goal"], shapes
    assert sorted(shapes[3:5]) == ["INSERT event", "INSERT goal_tax_opinion"], shapes
    assert shapes[5:] == ["INSERT audit_event"], shapes
    goal_read = next(s for s in count_statements.statements if s.startswith("SELECT goal."))
    assert "JOIN region" in goal_read and "JOIN fund_type" in goal_read, goal_read
    update = next(s for s in count_statements.statements if s.startswith("UPDATE goal"))
    assert "tax_concurred_revision" in update and "row_version" in update, update
