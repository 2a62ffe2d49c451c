"""The result-union pattern: expected failures are typed members of a field's result union.

A resolver (or the service it calls) raises a DomainError; the exception handlers below turn it into the
matching GraphQL type when that type is a member of the field's return union. Anything else stays a
top-level GraphQL error with extensions.code (masked when unexpected).
"""

import enum
from collections.abc import Callable
from operator import attrgetter
from typing import Any, TypeVar

import strawberry
from strawberry.types.field import StrawberryField

from src.schema.list_sizes import max_items
from src.services import errors

E = TypeVar("E", bound=errors.DomainError)

ErrorCode = errors.ErrorCode
strawberry.enum(ErrorCode, description="错误代码")

# One GraphQL enum of every domain's codes (services/errors.py groups them by domain).
UserErrorCode = enum.Enum(  # type: ignore[misc]
    "UserErrorCode", {code.name: code.value for group in errors.DOMAIN_ERROR_CODES for code in group}
)
strawberry.enum(UserErrorCode, description="错误代码：客户端据此分支，无需解析文字")


def user_code(code: enum.Enum) -> Any:
    return UserErrorCode(code.value)


@strawberry.interface(description="An expected failure; nothing was changed.")
class UserError:
    message: str
    code: UserErrorCode


@strawberry.type
class FieldError:
    field: str = strawberry.field(description="Input path of the offending value, e.g. input.weight")
    message: str
    code: ErrorCode


@strawberry.type
class ValidationError(UserError):
    fields: list[FieldError] = strawberry.field(metadata=max_items(200))  # one per problem of the input


@strawberry.type
class NotFoundError(UserError):
    entity: str
    key: str


@strawberry.type(description="记录已被他人修改（版本过期）或与已有记录冲突")
class ConflictError(UserError):
    current_version: int | None


@strawberry.type(description="当前状态下不能执行该操作")
class InvalidTransitionError(UserError):
    current_status: str
    operation: str


@strawberry.type(description="前置条件未满足")
class PreconditionFailedError(UserError):
    pass


def to_member(exception_type: type[E], error_type: type[Any], **fields: Callable[[E], Any]) -> Any:
    """An exception handler that answers `exception_type` with the union member `error_type`: its message,
    its code, and each of `fields` computed from the exception."""

    def handle(self: Any, exception: E, *, field: StrawberryField, info: Any) -> Any:
        extra = {name: get(exception) for name, get in fields.items()}
        return error_type(message=exception.message, code=user_code(exception.code), **extra)

    name = f"{exception_type.__name__}Handler"
    handler = type(
        name,
        (strawberry.ExceptionHandler,),
        {"exception_type": exception_type, "error_type": error_type, "handle": handle},
    )
    return handler()


def _field_errors(exception: errors.ValidationFailed) -> list[FieldError]:
    return [FieldError(field=p.field, message=p.message, code=p.code) for p in exception.problems]


EXCEPTION_HANDLERS = (
    to_member(errors.NotFound, NotFoundError, entity=attrgetter("entity"), key=attrgetter("key")),
    to_member(errors.ValidationFailed, ValidationError, fields=_field_errors),
    to_member(errors.Conflict, ConflictError, current_version=attrgetter("current_version")),
    to_member(
        errors.InvalidTransition,
        InvalidTransitionError,
        current_status=attrgetter("current_status"),
        operation=attrgetter("operation"),
    ),
    to_member(errors.PreconditionFailed, PreconditionFailedError),
)
ERROR_TYPES = (
    UserError,
    FieldError,
    ValidationError,
    NotFoundError,
    ConflictError,
    InvalidTransitionError,
    PreconditionFailedError,
)
