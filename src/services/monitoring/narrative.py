"""The narrative of a monitoring report (执行进展, 存在问题, 改进措施) and of a compilation (总体情况 …),
checked where it enters the services: at most FREE_TEXT_MAX_LENGTH characters, line breaks and tabs allowed
(paragraphs), no other control character and no unpaired surrogate, which PostgreSQL refuses or a document
cannot print. The API refuses them before (src/schema/inputs.py); the services refuse them for every other
caller (the demo data, scripts)."""

import re
from collections.abc import Mapping

from src.models.types import FREE_TEXT_MAX_LENGTH
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")


def clean(text: str) -> str:
    """Paragraphs as typed, line endings as \\n, without blank space around the whole."""
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def camel(name: str) -> str:
    """A service's field name as the API names it (next_steps → nextSteps): what FieldError.field says."""
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def text_problem(field: str, text: str) -> FieldProblem | None:
    if len(text) > FREE_TEXT_MAX_LENGTH:
        return FieldProblem(field, f"内容过长（最多 {FREE_TEXT_MAX_LENGTH} 个字符）", ErrorCode.OUT_OF_RANGE)
    if _CONTROL.search(text):
        return FieldProblem(field, "不能包含控制字符", ErrorCode.INVALID)
    return None


def check(
    texts: Mapping[str, str | None], prefix: str = "input"
) -> tuple[dict[str, str], list[FieldProblem]]:
    """The texts given (None: not given), cleaned, by field name, and the problems of the bad ones
    (`input.progress`, `input.nextSteps`: as the API names the field)."""
    problems: list[FieldProblem] = []
    cleaned: dict[str, str] = {}
    for name, text in texts.items():
        if text is None:
            continue
        value = clean(text)
        problem = text_problem(f"{prefix}.{camel(name)}", value)
        if problem is not None:
            problems.append(problem)
        cleaned[name] = value
    return cleaned, problems


def checked(texts: Mapping[str, str | None], prefix: str = "input") -> dict[str, str]:
    """`check`, refusing with ValidationFailed when any text is bad."""
    cleaned, problems = check(texts, prefix)
    if problems:
        raise ValidationFailed(problems)
    return cleaned


def required(texts: Mapping[str, str], prefix: str, message: str) -> None:
    """Every text non-empty, before a document goes out (submit, send)."""
    problems = [
        FieldProblem(f"{prefix}.{camel(name)}", f"{label}：{message}", ErrorCode.REQUIRED)
        for name, label in LABELS.items()
        if name in texts and not texts[name].strip()
    ]
    if problems:
        raise ValidationFailed(problems)


LABELS = {
    "progress": "执行进展",
    "conclusion": "评价结论",
    "summary": "总体情况",
    "problems": "存在问题",
    "measures": "改进措施",
}
