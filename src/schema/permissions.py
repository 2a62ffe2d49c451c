"""Permission classes. The rules themselves live in src/services/policy.py; these only ask it."""

from typing import Any

from strawberry.permission import BasePermission

from src.schema.context import Info


class IsAuthenticated(BasePermission):
    message = "未登录或登录已过期，请重新登录"
    error_extensions = {"code": "UNAUTHENTICATED"}  # noqa: RUF012 - strawberry reads it as a class attribute

    def has_permission(self, source: Any, info: Info, **kwargs: Any) -> bool:
        return info.context.actor is not None
