"""The app's tests use the GraphQL client fixtures of the schema tests."""

from tests.schema.conftest import gql, live_url, reference

__all__ = ["gql", "live_url", "reference"]
