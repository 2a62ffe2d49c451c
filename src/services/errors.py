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

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


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
