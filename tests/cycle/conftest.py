"""The reference data (regions, funds, organizations, the indicator library) the cycle starts from."""

from tests.schema.conftest import reference

__all__ = ["reference"]
