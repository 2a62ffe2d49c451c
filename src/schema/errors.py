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


EXCEPTION_HANDLERS = (NotFoundHandler(), ValidationHandler())
ERROR_TYPES = (UserError, FieldError, ValidationError, NotFoundError)
