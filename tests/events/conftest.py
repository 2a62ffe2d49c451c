"""The event tests use the reference data and GraphQL client fixtures of the schema tests."""

from tests.schema.conftest import gql, reference

__all__ = ["gql", "reference"]
