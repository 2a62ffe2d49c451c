"""The result-union pattern: expected failures are typed members of a field's result union.

A resolver (or the service it calls) raises a DomainError; the exception handlers below turn it into the
matching GraphQL type when that type is a member of the field's return union. Anything else stays a
top-level GraphQL error (masked in production when unexpected).
"""

from typing import Any

import strawberry
from strawberry.types.field import StrawberryField

from src.services import errors

ErrorCode = errors.ErrorCode
strawberry.enum(ErrorCode, description="错误代码")


@strawberry.interface(description="An expected failure; nothing was changed.")
class UserError:
    message: str


@strawberry.type
class FieldError:
    field: str = strawberry.field(description="Input path of the offending value, e.g. input.weight")
    message: str
    code: ErrorCode


@strawberry.type
class ValidationError(UserError):
    fields: list[FieldError]


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


class NotFoundHandler(strawberry.ExceptionHandler[errors.NotFound, NotFoundError]):
    def handle(self, exception: errors.NotFound, *, field: StrawberryField, info: Any) -> NotFoundError:
        return NotFoundError(message=exception.message, entity=exception.entity, key=exception.key)


class ValidationHandler(strawberry.ExceptionHandler[errors.ValidationFailed, ValidationError]):
    def handle(
        self, exception: errors.ValidationFailed, *, field: StrawberryField, info: Any
    ) -> ValidationError:
        return ValidationError(
            message=exception.message,
            fields=[FieldError(field=p.field, message=p.message, code=p.code) for p in exception.problems],
        )


class ConflictHandler(strawberry.ExceptionHandler[errors.Conflict, ConflictError]):
    def handle(self, exception: errors.Conflict, *, field: StrawberryField, info: Any) -> ConflictError:
        return ConflictError(message=exception.message, current_version=exception.current_version)


class InvalidTransitionHandler(strawberry.ExceptionHandler[errors.InvalidTransition, InvalidTransitionError]):
    def handle(
        self, exception: errors.InvalidTransition, *, field: StrawberryField, info: Any
    ) -> InvalidTransitionError:
        return InvalidTransitionError(
            message=exception.message, current_status=exception.current_status, operation=exception.operation
        )


class PreconditionHandler(strawberry.ExceptionHandler[errors.PreconditionFailed, PreconditionFailedError]):
    def handle(
        self, exception: errors.PreconditionFailed, *, field: StrawberryField, info: Any
    ) -> PreconditionFailedError:
        return PreconditionFailedError(message=exception.message)


EXCEPTION_HANDLERS = (
    NotFoundHandler(),
    ValidationHandler(),
    ConflictHandler(),
    InvalidTransitionHandler(),
    PreconditionHandler(),
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
