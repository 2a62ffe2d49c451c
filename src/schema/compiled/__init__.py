"""A compiled executor for query operations: plans made once per operation, graphql-core as the fallback."""

from src.schema.compiled.run import CompiledExecution

__all__ = ["CompiledExecution"]
