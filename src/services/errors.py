"""Domain errors. Services raise them; the GraphQL layer turns them into result-union members."""

from dataclasses import dataclass, field
from enum import StrEnum


class ErrorCode(StrEnum):
    INVALID = "INVALID"
    REQUIRED = "REQUIRED"
    NOT_FOUND = "NOT_FOUND"
    DUPLICATE = "DUPLICATE"
    OUT_OF_RANGE = "OUT_OF_RANGE"
    CONFLICT = "CONFLICT"
    INVALID_TRANSITION = "INVALID_TRANSITION"
    PRECONDITION_FAILED = "PRECONDITION_FAILED"


class DomainError(Exception):
    """An expected failure: the request is refused and nothing is changed."""

    message: str = "请求未能完成"
    code: str = "BAD_REQUEST"  # reported in GraphQL error extensions when not a result-union member

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class Unauthenticated(DomainError):
    """No valid credentials: a top-level error, never a union member."""

    message = "未登录或登录已过期，请重新登录"
    code = "UNAUTHENTICATED"


class Forbidden(DomainError):
    """The actor may not do this here: a top-level error, never a union member."""

    message = "无权执行此操作"
    code = "FORBIDDEN"


class NotFound(DomainError):
    def __init__(self, entity: str, key: str | int, message: str | None = None) -> None:
        self.entity = entity
        self.key = str(key)
        super().__init__(message or f"未找到{entity}：{key}")


@dataclass(frozen=True)
class FieldProblem:
    field: str  # input path, e.g. "input.indicators.2.weight"
    message: str
    code: ErrorCode = ErrorCode.INVALID


@dataclass
class ValidationFailed(DomainError):
    problems: list[FieldProblem] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__init__("输入有误，请按字段提示修改")


class Conflict(DomainError):
    """The record changed since it was read (stale row_version), or the change collides with another."""

    code = "CONFLICT"

    def __init__(self, message: str, *, current_version: int | None = None) -> None:
        super().__init__(message)
        self.current_version = current_version


class InvalidTransition(DomainError):
    """The operation is not possible in the record's current state."""

    code = "INVALID_TRANSITION"

    def __init__(self, message: str, *, current_status: str, operation: str) -> None:
        super().__init__(message)
        self.current_status = current_status
        self.operation = operation


class PreconditionFailed(DomainError):
    """A rule of the regulation that must hold first does not (e.g. Art. 7: goals before budgets)."""

    code = "PRECONDITION_FAILED"
