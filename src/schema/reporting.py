"""How errors leave the server: unexpected ones masked (and logged with their traceback), expected refusals
logged at INFO in one line, schema suggestions hidden when introspection is off."""

import logging
import re
from collections.abc import Iterator
from typing import Any

import strawberry
from graphql import GraphQLError, OperationDefinitionNode
from graphql.execution.middleware import MiddlewareManager
from strawberry.extensions import MaskErrors, SchemaExtension
from strawberry.types import ExecutionContext

from src.schema.extensions import error_code
from src.schema.plain_fields import PlainFieldsUnwrapped

logger = logging.getLogger("fundperf.graphql")
INTERNAL = "INTERNAL_SERVER_ERROR"
_SUGGESTION = re.compile(r"\s*Did you mean [^?]*\?")


class MaskUnexpected(MaskErrors):
    """MaskErrors whose masked error still says what it is (extensions.code)."""

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": INTERNAL}
        return masked


class HideSuggestions(SchemaExtension):
    """With introspection off, "Did you mean 'title'?" would still reveal the schema field by field."""

    def on_operation(self) -> Iterator[None]:
        yield
        for error in getattr(self.execution_context.result, "errors", None) or ():
            error.message = _SUGGESTION.sub("", error.message)


class SingleOperation(SchemaExtension):
    """A document with several operations names the one to run (the spec's rule; without it the first one
    would run silently)."""

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        # operation_name falls back to the first operation's name; what the client sent is kept aside.
        provided = getattr(context, "_provided_operation_name", None)
        if document is not None and provided is None:
            operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
            if len(operations) > 1:
                context.pre_execution_errors = [
                    GraphQLError(
                        "Must provide operationName: the document contains several operations.",
                        extensions={"code": "GRAPHQL_VALIDATION_FAILED"},
                    )
                ]
        yield


class Schema(strawberry.Schema):
    def _get_middleware_manager(self, extensions: list[SchemaExtension]) -> MiddlewareManager:
        # Plain fields skip the `resolve` hooks (src/schema/plain_fields.py).
        return PlainFieldsUnwrapped(*(ext for ext in extensions if ext._implements_resolve()))

    def process_errors(
        self, errors: list[GraphQLError], execution_context: ExecutionContext | None = None
    ) -> None:
        """One INFO line per expected refusal (operation, code, user); a traceback only for the unexpected."""
        name = execution_context.operation_name if execution_context else None
        operation = " ".join(str(name).split())[:100] if name is not None else None  # client-chosen text
        actor: Any = getattr(getattr(execution_context, "context", None), "actor", None)
        user = actor.user_id if actor is not None else None
        for error in errors:
            code = error_code(error)
            path = ".".join(str(p) for p in error.path or ())
            if code == INTERNAL:
                logger.error(
                    "unexpected error: operation=%s path=%s user=%s",
                    operation,
                    path,
                    user,
                    exc_info=error.original_error,
                )
            else:
                logger.info(
                    "refused: operation=%s code=%s path=%s user=%s: %s",
                    operation,
                    code,
                    path,
                    user,
                    " ".join(error.message.split()),  # one line, whatever the client sent
                )
