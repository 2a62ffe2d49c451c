"""What any argument may hold, checked for every field before it resolves (InputGuard).

Strings: at most MAX_STRING_LENGTH characters, no control characters (NUL, ESC, DEL, C1, ...) and no
unpaired surrogates, which PostgreSQL refuses or cannot encode; tab, line feed and carriage return only in
input fields declared `multiline_text()` (free text), never in names, codes, ids or usernames. Decimals:
finite (no NaN, sNaN, Infinity). The exact limits of each stored value (column lengths, digits and decimal
places) are the services' models' (`to_model`), which report them as FieldErrors too.

A refused argument is answered, without resolving the field, with the field's ValidationError member
(`FieldError { field: "input.title", code: INVALID | OUT_OF_RANGE }`) when its result union has one, with
the member a field names through `refuse_input_as` (login: InvalidCredentials), and otherwise with a
top-level error whose extensions.code is INVALID_ARGUMENT. The check runs before the field's permission
classes, like GraphQL's own argument validation.

Subscriptions get the same check, before their stream starts (nothing is subscribed): graphql-core calls a
subscription's `subscribe` without the resolver middleware InputGuard is, so `guard_subscriptions` wraps each
one, and the shared statusChanged path (src/schema/events/shared_run.py) calls `subscription_refusal` too.
A refused subscription sends the INVALID_ARGUMENT error the query would, in one `next`, then completes.
"""

import dataclasses
import math
import re
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, NoReturn

import strawberry
from graphql import (
    GraphQLEnumType,
    GraphQLError,
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLResolveInfo,
    GraphQLSchema,
    GraphQLUnionType,
    OperationType,
    get_nullable_type,
)
from strawberry.extensions import SchemaExtension
from strawberry.schema.exception_handlers import get_error_type, get_exception_types

from src.services.errors import CommonErrorCode, DomainError, ErrorCode, FieldProblem, ValidationFailed

MAX_STRING_LENGTH = 100_000
"""No string argument is longer, whatever its field (README, Hardening); columns and free text are shorter."""

MULTILINE = "fundperf.multiline"
INPUT_REFUSAL = "fundperf.input_refusal"
_DEFINITION = "strawberry-definition"  # where strawberry keeps its own definition of a GraphQL field

_SUSPECT = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")  # all but \t \n \r
TOO_LONG = f"内容过长（最多 {MAX_STRING_LENGTH} 个字符）"
NOT_FINITE = "须为有限的数值（不能是 NaN 或无穷大）"


def multiline_text(*, description: str | None = None, default: Any = dataclasses.MISSING) -> Any:
    """An input field of free text: it may hold line breaks and tabs, which other strings may not."""
    return strawberry.field(description=description, default=default, metadata={MULTILINE: True})


def refuse_input_as(refusal: Callable[[], DomainError]) -> dict[str, Any]:
    """Field metadata: a bad argument is answered with the result member of `refusal()` (e.g. login's
    InvalidCredentials), for a field whose result has no ValidationError."""
    return {INPUT_REFUSAL: refusal}


def text_problem(value: str, *, multiline: bool = False) -> tuple[str, ErrorCode] | None:
    """What is wrong with one string argument, if anything."""
    if len(value) > MAX_STRING_LENGTH:
        return TOO_LONG, ErrorCode.OUT_OF_RANGE
    bad = _SUSPECT.search(value)
    if bad is not None and multiline:
        bad = _CONTROL.search(value)
    if bad is None:
        return None
    if "\ud800" <= bad.group() <= "\udfff":
        return "含有无效的 Unicode 字符（未配对的代理项）", ErrorCode.INVALID
    if multiline:
        return "不能包含控制字符", ErrorCode.INVALID
    return "不能包含控制字符（包括换行符和制表符）", ErrorCode.INVALID


def _is_multiline(graphql_definition: Any) -> bool:
    definition = graphql_definition.extensions.get(_DEFINITION)
    return bool(getattr(definition, "metadata", None) and definition.metadata.get(MULTILINE))


def _check(
    value: Any, type_: GraphQLInputType | None, path: str, multiline: bool, out: list[FieldProblem]
) -> None:
    """Appends to `out` the problems of one coerced argument value of `type_` (None: untyped, as in JSON)."""
    if value is None:
        return
    if isinstance(type_, GraphQLNonNull):
        type_ = type_.of_type
    if isinstance(type_, GraphQLEnumType):
        return
    if isinstance(type_, GraphQLInputObjectType) and isinstance(value, Mapping):
        for name, item in value.items():
            field = type_.fields.get(name)
            if field is not None:
                _check(item, field.type, f"{path}.{name}", _is_multiline(field), out)
        return
    item_type = type_.of_type if isinstance(type_, GraphQLList) else None
    if isinstance(value, str):
        problem = text_problem(value, multiline=multiline)
        if problem is not None:
            out.append(FieldProblem(path, *problem))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            out.append(FieldProblem(path, NOT_FINITE, ErrorCode.INVALID))
    elif isinstance(value, float):
        if not math.isfinite(value):
            out.append(FieldProblem(path, NOT_FINITE, ErrorCode.INVALID))
    elif isinstance(value, Mapping):  # a JSON-like scalar
        for name, item in value.items():
            _check(item, None, f"{path}.{name}", multiline, out)
    elif isinstance(value, list | tuple):
        for position, item in enumerate(value):
            _check(item, item_type, f"{path}.{position}", multiline, out)


def _field(info: GraphQLResolveInfo[Any]) -> GraphQLField | None:
    """The field being resolved; None for graphql-core's own meta fields (`__type`, `__schema`)."""
    field: GraphQLField | None = info.parent_type.fields.get(info.field_name)
    return field


def argument_problems(info: GraphQLResolveInfo[Any], arguments: Mapping[str, Any]) -> list[FieldProblem]:
    """The problems of the coerced arguments of the field being resolved."""
    return field_problems(_field(info), arguments)


def field_problems(field: GraphQLField | None, arguments: Mapping[str, Any]) -> list[FieldProblem]:
    """The problems of `field`'s coerced arguments (None: a meta field), by input path
    (`input.items.2.weight`)."""
    definitions = field.args if field is not None else {}
    problems: list[FieldProblem] = []
    for name, value in arguments.items():
        argument = definitions.get(name)
        _check(
            value,
            argument.type if argument is not None else None,
            name,
            argument is not None and _is_multiline(argument),
            problems,
        )
    return problems


def _members(return_type: Any) -> set[Any]:
    """The classes of the members of a field's result union (none for other results)."""
    union = get_nullable_type(return_type)
    if not isinstance(union, GraphQLUnionType):
        return set()
    return {getattr(t.extensions.get(_DEFINITION), "origin", None) for t in union.types}


def invalid_argument(problems: list[FieldProblem]) -> GraphQLError:
    """The top-level refusal of bad arguments, naming each (`filter.regionCode`)."""
    details = "；".join(f"{p.field}：{p.message}" for p in problems)
    return GraphQLError(
        f"参数有误：{details}",
        extensions={
            "code": CommonErrorCode.INVALID_ARGUMENT.value,
            "fields": [{"field": p.field, "message": p.message, "code": p.code.value} for p in problems],
        },
    )


def subscription_refusal(field: GraphQLField, arguments: Mapping[str, Any]) -> GraphQLError | None:
    """What a subscription to `field` with these coerced arguments is refused with, if anything."""
    problems = field_problems(field, arguments)
    return invalid_argument(problems) if problems else None


class _Refused(AsyncIterator[Any]):
    """A subscription's stream that ends with its refusal at once, without subscribing anything."""

    def __init__(self, error: GraphQLError) -> None:
        self.error = error

    async def __anext__(self) -> NoReturn:
        raise self.error


def _guarded(field: GraphQLField, subscribe: Callable[..., Any]) -> Callable[..., Any]:
    def guarded_subscribe(root: Any, info: GraphQLResolveInfo[Any], **arguments: Any) -> Any:
        refusal = subscription_refusal(field, arguments)
        if refusal is not None:
            # A stream that fails, not an exception here: the operation then ends as when the resolver
            # refuses its filter (one `next` with the error, then `complete`), and as on the shared path.
            return _Refused(refusal)
        return subscribe(root, info, **arguments)

    return guarded_subscribe


def guard_subscriptions(schema: GraphQLSchema) -> None:
    """Checks every subscription's arguments before its stream starts (see the module's description)."""
    root = schema.subscription_type
    for field in root.fields.values() if root is not None else ():
        if field.subscribe is not None:
            field.subscribe = _guarded(field, field.subscribe)


class InputGuard(SchemaExtension):
    """Refuses bad arguments before any resolver sees them (see the module's description)."""

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Any], *args: Any, **kwargs: Any
    ) -> Any:
        # A subscription's own arguments were checked when its stream started, not again for each event.
        if kwargs and (info.operation.operation != OperationType.SUBSCRIPTION or info.path.prev is not None):
            problems = argument_problems(info, kwargs)
            if problems:
                return self.refuse(info, problems)
        return _next(root, info, *args, **kwargs)

    def refuse(self, info: GraphQLResolveInfo[Any], problems: list[FieldProblem]) -> Any:
        graphql_field = _field(info)
        field = graphql_field.extensions.get(_DEFINITION) if graphql_field is not None else None
        metadata: Mapping[str, Any] = getattr(field, "metadata", None) or {}
        refusal = metadata.get(INPUT_REFUSAL)
        exception: DomainError = refusal() if refusal is not None else ValidationFailed(problems)
        members = _members(info.return_type)
        handlers: Iterable[Any] = getattr(self.execution_context.schema, "exception_handlers", ())
        if members and field is not None:
            for handler in handlers:
                if isinstance(exception, get_exception_types(handler)) and get_error_type(handler) in members:
                    return handler.handle(
                        exception, field=field, info=strawberry.Info(_raw_info=info, _field=field)
                    )
        raise invalid_argument(problems)
