"""A letter's own content by its level (FORMS §4C), checked where it enters the services:
the 整改通知书's 问题清单 (问题 | 整改要求 | 整改时限 | 责任单位),
the 约谈函's 约谈事由, 约谈时间, 约谈地点, 约谈对象, 需准备材料;
the 提醒督促书 carries neither. Stored as JSON on the letter (dates and times as ISO text)."""

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from src.services.errors import ErrorCode, FieldProblem
from src.services.monitoring import narrative

MAX_ISSUES = 50


@dataclass(frozen=True)
class Issue:
    """One row of the 整改通知书's 问题清单."""

    problem: str
    requirement: str
    deadline: date
    responsible: str


@dataclass(frozen=True)
class Interview:
    """The 约谈函's particulars."""

    matter: str  # 约谈事由
    time: datetime  # 约谈时间
    place: str  # 约谈地点
    interviewees: str  # 约谈对象
    materials: str  # 需准备材料


def _texts(prefix: str, texts: dict[str, str], problems: list[FieldProblem]) -> dict[str, str]:
    cleaned, found = narrative.check(texts, prefix)
    problems += found
    for name, value in cleaned.items():
        if not value:
            field = f"{prefix}.{narrative.camel(name)}"
            problems.append(FieldProblem(field, "须填写", ErrorCode.REQUIRED))
    return cleaned


def content_of(
    level: int, issues: list[Issue] | None, interview: Interview | None, sent_on: date,
    problems: list[FieldProblem],
) -> dict[str, Any]:  # fmt: skip
    """The JSON content of a letter of `level`; problems appended for what is wrong."""
    if level != 2 and issues:
        problems.append(FieldProblem("input.issues", "问题清单只属于整改通知书（第二函）", ErrorCode.INVALID))
    if level != 3 and interview is not None:
        problems.append(
            FieldProblem("input.interview", "约谈安排只属于工作约谈函（第三函）", ErrorCode.INVALID)
        )
    if level == 2:
        if not issues:
            problems.append(FieldProblem("input.issues", "整改通知书须列明问题清单", ErrorCode.REQUIRED))
            return {}
        if len(issues) > MAX_ISSUES:
            message = f"问题清单最多 {MAX_ISSUES} 条"
            problems.append(FieldProblem("input.issues", message, ErrorCode.OUT_OF_RANGE))
            return {}
        rows = []
        for i, issue in enumerate(issues):
            texts = {
                "problem": issue.problem,
                "requirement": issue.requirement,
                "responsible": issue.responsible,
            }
            cleaned = _texts(f"input.issues.{i}", texts, problems)
            if issue.deadline <= sent_on:
                message = "整改时限应晚于发文日期"
                problems.append(FieldProblem(f"input.issues.{i}.deadline", message, ErrorCode.OUT_OF_RANGE))
            rows.append({**cleaned, "deadline": issue.deadline.isoformat()})
        return {"issues": rows}
    if level == 3:
        if interview is None:
            problems.append(FieldProblem("input.interview", "工作约谈函须写明约谈安排", ErrorCode.REQUIRED))
            return {}
        texts = {
            "matter": interview.matter, "place": interview.place, "interviewees": interview.interviewees,
            "materials": interview.materials,
        }  # fmt: skip
        cleaned = _texts("input.interview", texts, problems)
        if interview.time.tzinfo is None or interview.time.date() <= sent_on:
            message = "约谈时间应晚于发文日期（带时区）"
            problems.append(FieldProblem("input.interview.time", message, ErrorCode.OUT_OF_RANGE))
        return {"interview": {**cleaned, "time": interview.time.isoformat()}}
    return {}
