"""Logs: an expected refusal is one INFO line (operation, code, user), never a traceback; an unexpected
error is logged at ERROR with its traceback and masked for the client; failed SQL keeps its parameters out."""

import logging

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError
from sqlalchemy.ext.asyncio import AsyncEngine

from src.models.enums import ActorType
from tests.schema.conftest import GraphQLClient

LOGGER = "fundperf.graphql"


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ("{ auditEvents { totalCount } }", "FORBIDDEN"),
        ('{ goal(id: "x") { __typename } }', "INVALID_ID"),
        ("{ goalz }", "GRAPHQL_VALIDATION_FAILED"),
        ("{ goals {", "GRAPHQL_PARSE_FAILED"),
    ],
)
async def test_expected_refusals_are_one_info_line(
    gql: GraphQLClient, caplog: pytest.LogCaptureFixture, query: str, code: str
) -> None:
    user = await gql.login_as(ActorType.AGENCY, "510100")
    with caplog.at_level(logging.INFO):
        await gql.query(query)
    records = [r for r in caplog.records if r.name == LOGGER]
    assert [r.levelno for r in records] == [logging.INFO]
    [record] = records
    assert record.exc_info is None and "\n" not in record.getMessage()
    assert f"code={code}" in record.getMessage() and f"user={user.id}" in record.getMessage()
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_not_logged_in_is_logged_at_info(gql: GraphQLClient, caplog: pytest.LogCaptureFixture) -> None:
    gql.logout()
    with caplog.at_level(logging.INFO):
        await gql.query("{ goals { totalCount } }")
    assert [
        (r.levelno, "code=UNAUTHENTICATED" in r.getMessage()) for r in caplog.records if r.name == LOGGER
    ] == [(logging.INFO, True)]


async def test_failed_sql_does_not_carry_its_parameter_values(engine: AsyncEngine) -> None:
    secret = "身份证号-510104199001011234"
    async with engine.connect() as conn:
        with pytest.raises((IntegrityError, DBAPIError, StatementError)) as failure:
            await conn.execute(
                text("INSERT INTO region (code, name, level, path) VALUES (:code, NULL, 'PROVINCE', '/x/')"),
                {"code": secret},
            )
    assert secret not in str(failure.value)
