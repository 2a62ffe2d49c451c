"""What a disclosure may hold (Art. 21 「重要绩效目标、绩效评价结果等绩效信息」), in its region and year:
goals issued and in force (guiding or formal, Art. 10) covering the year; self-evaluations of the region
accepted (Art. 17); at the province also provincial evaluations approved by 财政厅 (Art. 17)."""

from dataclasses import dataclass

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Disclosure, Goal, ProvincialEvaluation, SelfEvaluation
from src.models.disclosure import NOTE_MAX_LENGTH, DisclosureItemKind
from src.models.enums import label_zh
from src.models.evaluation import SelfEvaluationStatus
from src.models.provincial_evaluation import ProvincialEvaluationStatus
from src.services import policy
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.monitoring.narrative import text_problem

MAX_ITEMS = 60  # a region's goals and results of one year (a few funds) are far fewer


@dataclass(frozen=True)
class Choice:
    kind: DisclosureItemKind
    record_id: int
    note: str = ""


Record = Goal | SelfEvaluation | ProvincialEvaluation
MODELS: dict[DisclosureItemKind, type[Goal] | type[SelfEvaluation] | type[ProvincialEvaluation]] = {
    DisclosureItemKind.GOAL: Goal,
    DisclosureItemKind.SELF_EVALUATION: SelfEvaluation,
    DisclosureItemKind.PROVINCIAL_EVALUATION: ProvincialEvaluation,
}


async def record_of(session: AsyncSession, kind: DisclosureItemKind, record_id: int) -> Record | None:
    row: Record | None = await session.get(MODELS[kind], record_id)
    return row


def disclosable(disclosure: Disclosure, kind: DisclosureItemKind, row: Record | None) -> bool:
    """Whether `row` (of `kind`) may be disclosed by `disclosure`."""
    if row is None or row.region_id != disclosure.region_id:
        return False
    if isinstance(row, Goal):
        return row.status in policy.ISSUED_STATES and row.start_year <= disclosure.year <= row.end_year
    if isinstance(row, SelfEvaluation):
        return row.status == SelfEvaluationStatus.ACCEPTED and row.year == disclosure.year
    return row.status == ProvincialEvaluationStatus.APPROVED and row.year == disclosure.year


async def checked_choices(
    session: AsyncSession, disclosure: Disclosure, choices: list[Choice]
) -> list[tuple[Choice, Record]]:
    """The choices with their records; ValidationFailed naming each one that may not be disclosed (by its
    position), a note too long or with control characters, a record chosen twice."""
    problems: list[FieldProblem] = []
    if len(choices) > MAX_ITEMS:
        problems.append(FieldProblem("input.items", f"至多选择{MAX_ITEMS}项", ErrorCode.OUT_OF_RANGE))
    found: list[tuple[Choice, Record]] = []
    seen: set[tuple[DisclosureItemKind, int]] = set()
    for index, choice in enumerate(choices[:MAX_ITEMS]):
        field = f"input.items.{index}"
        if len(choice.note) > NOTE_MAX_LENGTH:
            problems.append(
                FieldProblem(f"{field}.note", f"说明至多{NOTE_MAX_LENGTH}字", ErrorCode.OUT_OF_RANGE)
            )
        elif (problem := text_problem(f"{field}.note", choice.note)) is not None:
            problems.append(problem)
        key = (choice.kind, choice.record_id)
        if key in seen:
            problems.append(FieldProblem(f"{field}.recordId", "同一记录重复选择", ErrorCode.DUPLICATE))
            continue
        seen.add(key)
        row = await record_of(session, choice.kind, choice.record_id)
        if not disclosable(disclosure, choice.kind, row):
            message = f"{label_zh(choice.kind)}须为本地区{disclosure.year}年度" + (
                "已下达的绩效目标" if choice.kind == DisclosureItemKind.GOAL else "已审核通过的评价结果"
            )
            problems.append(FieldProblem(f"{field}.recordId", message, ErrorCode.PRECONDITION_FAILED))
            continue
        assert row is not None
        found.append((choice, row))
    if problems:
        raise ValidationFailed(problems)
    return found
