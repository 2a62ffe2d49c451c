"""IDs are the database keys as strings; a malformed one is a GraphQL error, an unknown one is NotFound."""

import strawberry
from graphql import GraphQLError

from src.services.errors import CommonErrorCode


def parse_id(value: strawberry.ID | str, entity: str) -> int:
    try:
        parsed = int(str(value))
    except ValueError:
        parsed = 0
    if parsed <= 0:
        raise GraphQLError(
            f"Invalid {entity} id {value!r}: expected a positive integer id.",
            extensions={"code": CommonErrorCode.INVALID_ID.value},
        )
    return parsed
