"""The app's tests use the GraphQL client fixtures of the schema tests."""

from tests.schema.conftest import gql, reference

__all__ = ["gql", "reference"]
