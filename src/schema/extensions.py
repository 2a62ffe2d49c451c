"""Schema extensions: limits on what one operation may ask of the server, and extensions.code on every
top-level error.

Every limit is a Settings field, so an app built by `create_app(settings)` applies its own. Extensions are
passed as factories: strawberry creates them per operation, and they keep per-operation state.
"""

from collections.abc import Callable, Iterator
from functools import partial

from graphql import GraphQLError, GraphQLSyntaxError
from strawberry.extensions import (
    AddValidationRules,
    DisableIntrospection,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    SchemaExtension,
    ValidationCache,
)
from strawberry.types.execution import StreamExecutionResult

from src.metrics.extension import OperationMetrics
from src.schema.cost_cache import CachedCostLimiter, CostCache
from src.schema.execution import OperationTimeout, TakeTurns
from src.services.errors import CommonErrorCode, DomainError
from src.settings import Settings


def error_code(error: GraphQLError) -> str:
    """The code of a top-level error: the domain's own, else what kind of failure it was."""
    own = (error.extensions or {}).get("code")
    if own is not None:  # set where the error was raised (cost limit, time limit, argument errors)
        return str(own)
    original = error.original_error
    if isinstance(original, DomainError):
        return original.code.value
    if original is None:
        # Raised by graphql-core before execution: the document does not parse, or does not validate.
        return (
            "GRAPHQL_PARSE_FAILED" if isinstance(error, GraphQLSyntaxError) else "GRAPHQL_VALIDATION_FAILED"
        )
    if isinstance(original, GraphQLError):  # our resolvers' argument errors carry their own code
        return str((original.extensions or {}).get("code", CommonErrorCode.INVALID_ARGUMENT.value))
    return "INTERNAL_SERVER_ERROR"


def _tag_errors(result: object) -> None:
    for error in getattr(result, "errors", None) or ():
        if isinstance(error, GraphQLError) and "code" not in (error.extensions or {}):
            error.extensions = {**(error.extensions or {}), "code": error_code(error)}


class DomainErrorCodes(SchemaExtension):
    """Every top-level error carries extensions.code (UNAUTHENTICATED, FORBIDDEN, INVALID_ID,
    GRAPHQL_VALIDATION_FAILED, ...), so clients branch on codes without parsing messages."""

    def on_operation(self) -> Iterator[None]:
        yield
        _tag_errors(self.execution_context.result)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        # Operations over WebSocket deliver their result here, before on_operation finishes.
        _tag_errors(result)
        yield


# Distinct documents whose parse and validation are kept (bounded: the texts come from clients). Clients
# send the same few documents with different variables; parsing a small mutation again took ~1 ms.
DOCUMENT_CACHE_SIZE = 512


class CachedParsing(ParserCache):
    """strawberry's ParserCache, leaving a document that does not parse to strawberry's own parse: an error
    raised from this hook would bypass the handling (and the error code) a syntax error gets there."""

    def on_parse(self) -> Iterator[None]:
        context = self.execution_context
        try:
            context.graphql_document = self.cached_parse_document(context.query, **context.parse_options)
        except GraphQLError:
            context.graphql_document = None  # strawberry parses it again, where its error is handled
        yield


class CachedValidation(ValidationCache):
    """strawberry's ValidationCache, leaving an operation an earlier extension refused (SingleOperation)
    refused: ValidationCache would overwrite that refusal with the document's own (empty) errors."""

    def on_validate(self) -> Iterator[None]:
        if self.execution_context.pre_execution_errors:
            yield
            return
        yield from super().on_validate()


def hardening_extensions(settings: Settings) -> list[Callable[[], SchemaExtension]]:
    # The depth and alias limits are validation rules: their rule classes are made once here, not once per
    # operation, so the validation of a document repeats exactly and ValidationCache answers it from memory
    # (re-validating took about 45 % of a small mutation's server time, bench/subscriptions.py).
    rules = [
        *QueryDepthLimiter(max_depth=settings.GRAPHQL_MAX_DEPTH).validation_rules,
        *MaxAliasesLimiter(max_alias_count=settings.GRAPHQL_MAX_ALIASES).validation_rules,
    ]
    extensions: list[Callable[[], SchemaExtension]] = [
        OperationMetrics,  # first: it sees every operation, refused or not, and its whole time
        partial(AddValidationRules, rules),
        partial(MaxTokensLimiter, max_token_count=settings.GRAPHQL_MAX_TOKENS),
        # After the token limit: it puts max_tokens in the parse options, which are part of the cache key.
        partial(CachedParsing, maxsize=DOCUMENT_CACHE_SIZE),
        partial(CachedValidation, maxsize=DOCUMENT_CACHE_SIZE),
        # One cache per app: the cost of a document (and the variables it reads) is computed once.
        partial(CachedCostLimiter, max_cost=settings.GRAPHQL_MAX_COST, costs=CostCache()),
        partial(OperationTimeout, seconds=settings.OPERATION_TIMEOUT_SECONDS),
        TakeTurns,
        DomainErrorCodes,
    ]
    if not settings.INTROSPECTION:
        extensions.append(DisableIntrospection)
    return extensions
