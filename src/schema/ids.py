"""IDs are the database keys as strings; a malformed one is a GraphQL error, an unknown one is NotFound."""

import strawberry
from graphql import GraphQLError

from src.services.errors import CommonErrorCode

# Keys are INTEGER columns (32-bit on PostgreSQL): a larger number names nothing and must not reach SQL.
MAX_ID = 2**31 - 1


def parse_id(value: strawberry.ID | str, entity: str) -> int:
    try:
        parsed = int(str(value))
    except ValueError:
        parsed = 0
    if not 0 < parsed <= MAX_ID:
        raise GraphQLError(
            f"Invalid {entity} id {value!r}: expected a positive integer id up to {MAX_ID}.",
            extensions={"code": CommonErrorCode.INVALID_ID.value},
        )
    return parsed
