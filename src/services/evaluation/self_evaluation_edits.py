"""Filling in a self-evaluation (Art. 17 「社会保险经办机构商税务部门具体实施」, Art. 18): the agency of the
pooling region edits a draft or returned one — the narrative (评价结论, 存在问题, 改进措施), the budget
block, and each indicator's actual, qualitative score, cause and measures.

A value monitoring prefilled may be corrected, never silently: an actual or a budget figure that differs
from its prefilled value needs the reason for the change. Every edit rescores the form and counts the
content revision up, which voids the tax department's concurrence (src/services/concurrence.py).
"""

import uuid
from dataclasses import dataclass
from decimal import Decimal

from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import QualitativeGrade
from src.models.evaluation import SelfEvaluation, SelfEvaluationEventKind, SelfEvaluationLine
from src.models.goal import TARGET_VALUE
from src.models.types import Money, ScaledDecimal
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrence import revised
from src.services.concurrency import claim
from src.services.errors import ErrorCode, FieldProblem, GoalErrorCode, InvalidTransition, ValidationFailed
from src.services.evaluation.form_scores import rescore
from src.services.evaluation.scope import DRAFTS
from src.services.evaluation.scoring import scoring_rules
from src.services.evaluation.self_evaluations import lines_of, visible_self_evaluation
from src.services.monitoring import narrative
from src.subjects.events import record_event

TEXTS = ("conclusion", "problems", "measures")
BUDGET = ("initial_budget", "adjusted_budget", "executed")
LINE_TEXTS = ("actual_reason", "cause", "measures")
MONEY = Money()


@dataclass(frozen=True)
class LineEdit:
    """One indicator's edit, by its lineage; None leaves a field as it is."""

    indicator_lineage_id: uuid.UUID
    actual_value: Decimal | None = None
    actual_grade: QualitativeGrade | None = None
    actual_reason: str | None = None  # why the actual differs from monitoring's
    chosen_score: Decimal | None = None  # qualitative: within the actual grade's band
    cause: str | None = None  # 原因分析 (Art. 18)
    measures: str | None = None  # 改进措施 (Art. 18)


@dataclass(frozen=True)
class SelfEvaluationEdit:
    """An edit of the form (selfEvaluationUpdate); None leaves a field as it is."""

    conclusion: str | None = None
    problems: str | None = None
    measures: str | None = None
    initial_budget: Decimal | None = None
    adjusted_budget: Decimal | None = None
    executed: Decimal | None = None
    budget_edit_reason: str | None = None  # why a budget figure differs from the one prefilled
    execution_reason: str | None = None  # 原因: an execution rate below the rule's threshold
    lines: tuple[LineEdit, ...] = ()


def _number_problem(field: str, value: Decimal | None, column: ScaledDecimal) -> FieldProblem | None:
    if value is None:
        return None
    if not value.is_finite() or abs(value) >= Decimal(10) ** (column.max_digits - column.scale):
        return FieldProblem(field, "数值超出范围", ErrorCode.OUT_OF_RANGE)
    return None


def _apply_budget(evaluation: SelfEvaluation, edit: SelfEvaluationEdit, problems: list[FieldProblem]) -> None:
    for name in BUDGET:
        value = getattr(edit, name)
        field = f"input.{narrative.camel(name)}"
        problem = _number_problem(field, value, MONEY)
        if problem is None and value is not None and value < 0:
            problem = FieldProblem(field, "金额不能为负数", ErrorCode.OUT_OF_RANGE)
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            setattr(evaluation, name, MONEY.quantize(value))
    texts, text_problems = narrative.check(
        {"budget_edit_reason": edit.budget_edit_reason, "execution_reason": edit.execution_reason}
    )
    problems += text_problems
    for name, text in texts.items():
        setattr(evaluation, name, text)
    edited = any(getattr(evaluation, n) != getattr(evaluation, f"prefilled_{n}") for n in BUDGET)
    if edited and not evaluation.budget_edit_reason:
        problems.append(
            FieldProblem(
                "input.budgetEditReason",
                "预算数或执行数与预算、监控数据不一致，须说明修改理由",
                ErrorCode.REQUIRED,
            )
        )


def _apply_line(index: int, line: SelfEvaluationLine, edit: LineEdit, problems: list[FieldProblem]) -> None:
    prefix = f"input.lines.{index}"
    for name, column in (("actual_value", TARGET_VALUE), ("chosen_score", MONEY)):
        value = getattr(edit, name)
        problem = _number_problem(f"{prefix}.{narrative.camel(name)}", value, column)
        if problem is not None:
            problems.append(problem)
        elif value is not None:
            setattr(line, name, column.quantize(value))
    if edit.actual_grade is not None:
        line.actual_grade = edit.actual_grade
    texts, text_problems = narrative.check({name: getattr(edit, name) for name in LINE_TEXTS}, prefix)
    problems += text_problems
    for name, text in texts.items():
        setattr(line, name, text)
    changed = line.actual_value != line.prefilled_value or line.actual_grade != line.prefilled_grade
    if changed and not line.actual_reason:
        problems.append(
            FieldProblem(
                f"{prefix}.actualReason",
                f"{line.level3}：完成值与运行监控数据不一致，须说明修改理由",
                ErrorCode.REQUIRED,
            )
        )


def require_editable(evaluation: SelfEvaluation, operation: str) -> None:
    if evaluation.status not in DRAFTS:
        raise InvalidTransition(
            f"自评当前状态为“{evaluation.status.value}”，只有草稿或已退回的自评可以修改",
            current_status=evaluation.status.value,
            operation=operation,
            code=GoalErrorCode.NOT_EDITABLE,
        )


async def update_self_evaluation(
    *, session: AsyncSession, actor: Actor, evaluation_id: int, row_version: int, edit: SelfEvaluationEdit
) -> SelfEvaluation:
    """Edit a draft or returned self-evaluation; it is rescored and its content revision counts up."""
    evaluation, scope = await visible_self_evaluation(
        session=session, actor=actor, evaluation_id=evaluation_id
    )
    policy.require(actor, policy.Action.SELF_EVALUATION_DRAFT, scope)
    operation = "selfEvaluationUpdate"
    require_editable(evaluation, operation)
    texts, problems = narrative.check({name: getattr(edit, name) for name in TEXTS})
    lines = await lines_of(session, evaluation_id)
    by_lineage = {line.indicator_lineage_id: (index, line) for index, line in enumerate(lines)}
    async with audit.changing(session=session, actor=actor, operation=operation, row=evaluation) as extra:
        await claim(
            session=session,
            row=evaluation,
            expected_version=row_version,
            extra_where=(col(SelfEvaluation.status) == evaluation.status,),
        )
        for name, value in texts.items():
            setattr(evaluation, name, value)
        _apply_budget(evaluation, edit, problems)
        touched = []
        for index, line_edit in enumerate(edit.lines):
            found = by_lineage.get(line_edit.indicator_lineage_id)
            if found is None:
                problems.append(
                    FieldProblem(
                        f"input.lines.{index}.indicatorLineageId", "不是该自评的绩效指标", ErrorCode.NOT_FOUND
                    )
                )
                continue
            _apply_line(index, found[1], line_edit, problems)
            touched.append(found[1])
        rules = await scoring_rules(session=session, region_id=evaluation.region_id, year=evaluation.year)
        problems += [] if problems else rescore(evaluation, lines, rules)
        if problems:
            raise ValidationFailed(problems)
        revised(evaluation)
        for line in lines:
            session.add(line)
        for line in touched:
            line.row_version += 1
        extra["lines"] = [str(line.indicator_lineage_id) for line in touched]
    fields = [*texts, *(n for n in BUDGET if getattr(edit, n) is not None)]
    payload = {"operation": operation, "contentRevision": evaluation.content_revision, "fields": fields}
    await record_event(
        session=session,
        kind=SelfEvaluationEventKind.SELF_EVALUATION_CHANGED,
        subject=evaluation,
        actor=actor,
        payload={**payload, "lines": len(touched)},
    )
    return evaluation
