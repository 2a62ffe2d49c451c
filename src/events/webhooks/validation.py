"""What a webhook's name, URL and secret may be: checked before anything is stored."""

import logging
import re
from urllib.parse import urlsplit

import httpx

from src.events.webhooks.targets import TargetRefused, TargetRules, check_target
from src.models.webhook import (
    WEBHOOK_NAME_MAX_LENGTH,
    WEBHOOK_SECRET_MAX_LENGTH,
    WEBHOOK_SECRET_MIN_LENGTH,
    WEBHOOK_URL_MAX_LENGTH,
)
from src.services.errors import ErrorCode, FieldProblem

logger = logging.getLogger(__name__)

# Control characters (line breaks and tabs too: none belongs in a name, URL or secret), lone surrogates.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
SCHEMES = frozenset({"http", "https"})


def _control(field: str, value: str) -> FieldProblem | None:
    if _CONTROL.search(value):
        return FieldProblem(field, "不能包含控制字符（包括换行符和制表符）", ErrorCode.INVALID)
    return None


def name_problem(field: str, name: str) -> FieldProblem | None:
    if not name.strip():
        return FieldProblem(field, "请填写名称", ErrorCode.REQUIRED)
    if len(name) > WEBHOOK_NAME_MAX_LENGTH:
        return FieldProblem(field, f"名称不能超过 {WEBHOOK_NAME_MAX_LENGTH} 个字符", ErrorCode.OUT_OF_RANGE)
    return _control(field, name)


def url_problem(field: str, url: str) -> FieldProblem | None:
    """An absolute http or https URL with a host, without spaces, that httpx can send to."""
    if not url:
        return FieldProblem(field, "请填写接收地址", ErrorCode.REQUIRED)
    if len(url) > WEBHOOK_URL_MAX_LENGTH:
        return FieldProblem(field, f"地址不能超过 {WEBHOOK_URL_MAX_LENGTH} 个字符", ErrorCode.OUT_OF_RANGE)
    problem = _control(field, url)
    if problem is not None:
        return problem
    if any(c.isspace() for c in url):
        return FieldProblem(field, "地址不能包含空白字符")
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError for a port out of range
        httpx.URL(url)
    except (ValueError, httpx.InvalidURL):
        return FieldProblem(field, "地址格式不正确")
    if parts.scheme.lower() not in SCHEMES:
        return FieldProblem(field, "地址须以 http:// 或 https:// 开头")
    if not parts.hostname:
        return FieldProblem(field, "地址须包含主机名")
    return None


async def target_problem(field: str, url: str, rules: TargetRules) -> FieldProblem | None:
    """Where the URL (one url_problem accepted) would send: refused into internal networks (targets.py)."""
    try:
        await check_target(url, rules)
    except TargetRefused as refused:
        logger.info("webhook target refused: %s", refused.message)
        return FieldProblem(field, refused.message, refused.code)
    return None


async def checked_url_problem(field: str, url: str, rules: TargetRules) -> FieldProblem | None:
    """url_problem, then, for a well-formed URL, target_problem."""
    return url_problem(field, url) or await target_problem(field, url, rules)


def secret_problem(field: str, secret: str) -> FieldProblem | None:
    if not WEBHOOK_SECRET_MIN_LENGTH <= len(secret) <= WEBHOOK_SECRET_MAX_LENGTH:
        return FieldProblem(
            field,
            f"签名密钥须为 {WEBHOOK_SECRET_MIN_LENGTH}–{WEBHOOK_SECRET_MAX_LENGTH} 个字符",
            ErrorCode.OUT_OF_RANGE,
        )
    return _control(field, secret)
