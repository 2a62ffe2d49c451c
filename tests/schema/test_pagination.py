import pytest

from tests.schema.conftest import GraphQLClient

pytestmark = pytest.mark.usefixtures("reference")


@pytest.mark.parametrize("first", [0, 101, 1000])
async def test_first_outside_1_to_100_is_a_clear_error(gql: GraphQLClient, first: int) -> None:
    body = await gql.query(
        "query($first: Int!) { regions(first: $first) { nodes { code } } }", {"first": first}
    )
    assert body["data"] is None
    message = body["errors"][0]["message"]
    assert "`first` must be between 1 and 100" in message and str(first) in message


async def test_first_100_is_allowed(gql: GraphQLClient) -> None:
    data = await gql.data("{ regions(first: 100) { nodes { code } pageInfo { hasNextPage } } }")
    assert len(data["regions"]["nodes"]) == 100
    assert data["regions"]["pageInfo"]["hasNextPage"] is True


async def test_garbage_cursor_is_a_clear_error(gql: GraphQLClient) -> None:
    body = await gql.query('{ regions(after: "not-a-cursor") { nodes { code } } }')
    assert body["data"] is None
    assert "Invalid cursor" in body["errors"][0]["message"]


async def test_wrong_argument_type_is_a_validation_error(gql: GraphQLClient) -> None:
    body = await gql.query('{ regions(first: "ten") { nodes { code } } }')
    assert "errors" in body and "Int cannot represent" in body["errors"][0]["message"]
