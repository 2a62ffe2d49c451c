"""财政厅 sends the case's next letter (Art. 22: 提醒督促, then 要求整改, then 工作约谈), and the prefecture's
finance answers the current one.

The order rule: the first letter any time the case is open; the next only after the previous went
unanswered, or its answer was marked unresolved by the province, for the province's ESCALATION_WAIT_DAYS
counted from the previous letter's sending (before that: ESCALATION_TOO_EARLY naming the first allowed day).
Each letter is numbered at sending (the 书 as 川财社, the 函 as 川财社函: src/reports/numbering.py) and
answered by the province's ESCALATION_ANSWER_DAYS after it. Both rules are the province's only
(RuleScope.PROVINCE_ONLY): the prefecture does not set the rules it is escalated by."""

from datetime import timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.base import utcnow
from src.models.escalation import (
    LAST_LEVEL,
    LEVEL_KINDS,
    LEVEL_TITLES,
    EscalationCase,
    EscalationLetter,
    EscalationStatus,
)
from src.reports.numbering import Issue as NumberIssue
from src.reports.numbering import number_for
from src.services import audit, policy
from src.services.actors import Actor
from src.services.concurrency import claim
from src.services.errors import (
    ErrorCode,
    EscalationErrorCode,
    FieldProblem,
    InvalidTransition,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.escalation.cases import event, letters_of, require_open, visible_case
from src.services.escalation.content import Interview, Issue, content_of
from src.services.escalation.numbers import number_spec
from src.services.escalation.scope import province_scope, region_scope
from src.services.monitoring import clock, narrative
from src.services.rules import rules_for

SENDABLE = (EscalationStatus.OPEN, EscalationStatus.LETTER_SENT, EscalationStatus.UNRESOLVED)


async def _require_next_allowed(session: AsyncSession, row: EscalationCase, today: Any) -> None:
    """The order rule (Art. 22 两书一函 in turn): see the module."""
    if row.level >= LAST_LEVEL:
        raise PreconditionFailed(
            "工作约谈函已是“两书一函”的最后一函；答复仍未解决的，由财政厅会同有关部门依规处理后办结",
            code=EscalationErrorCode.ESCALATION_LAST_LETTER,
        )
    if row.level == 0:
        return
    if row.status == EscalationStatus.ANSWERED:
        raise PreconditionFailed(
            f"《{LEVEL_TITLES[row.level]}》已答复：须先认定答复未解决问题，方可发出下一函",
            code=EscalationErrorCode.ESCALATION_PREVIOUS_ANSWERED,
        )
    previous = (await letters_of(session, row.id or 0))[-1]
    wait = int((await rules_for(session=session, region_id=row.region_id)).escalation_wait_days)
    allowed = previous.sent_on + timedelta(days=wait)
    if today < allowed:
        raise PreconditionFailed(
            f"《{LEVEL_TITLES[row.level]}》于{previous.sent_on.isoformat()}发出，等待期{wait}日未满："
            f"最早于{allowed.isoformat()}可发出《{LEVEL_TITLES[row.level + 1]}》",
            code=EscalationErrorCode.ESCALATION_TOO_EARLY,
        )


async def send_letter(
    *,
    session: AsyncSession,
    actor: Actor,
    case_id: int,
    row_version: int,
    reason: str,
    facts: str,
    requirement: str,
    issues: list[Issue] | None = None,
    interview: Interview | None = None,
) -> tuple[EscalationCase, EscalationLetter]:
    """财政厅 sends the case's next letter, numbered, answer-by fixed."""
    row = await visible_case(session=session, actor=actor, case_id=case_id)
    policy.require(actor, policy.Action.ESCALATION_MANAGE, await province_scope(session, row))
    operation = "escalationLetterSend"
    require_open(row, operation)
    today = clock.china_today()
    await _require_next_allowed(session, row, today)
    level = row.level + 1
    problems: list[FieldProblem] = []
    texts = {"reason": reason, "facts": facts, "requirement": requirement}
    cleaned, found = narrative.check(texts)
    problems += found
    labels = {"reason": "事由", "facts": "存在问题", "requirement": "工作要求"}
    for name, label in labels.items():
        if not cleaned.get(name):
            problems.append(FieldProblem(f"input.{name}", f"{label}：须填写", ErrorCode.REQUIRED))
    content = content_of(level, issues, interview, today, problems)
    if problems:
        raise ValidationFailed(problems)
    days = int((await rules_for(session=session, region_id=row.region_id)).escalation_answer_days)
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        now = utcnow()
        spec = number_spec(LEVEL_KINDS[level])
        number = await number_for(
            session=session, spec=spec, subject=row,
            issue=NumberIssue(organization_id=row.organization_id, at=now, act=f"LEVEL{level}"),
        )  # fmt: skip
        row.level = level
        row.status = EscalationStatus.LETTER_SENT
    letter = EscalationLetter(
        case_id=row.id or 0, level=level, reason=cleaned["reason"], facts=cleaned["facts"],
        requirement=cleaned["requirement"], content=content, document_number=number, sent_at=now,
        sent_on=today, sent_by=actor.user_id, answer_by=today + timedelta(days=days),
    )  # fmt: skip
    session.add(letter)
    await session.flush()
    payload = {
        "action": "SEND_LETTER", "toStatus": row.status.value, "level": level, "number": number,
        "answerBy": letter.answer_by.isoformat(),
    }  # fmt: skip
    await event(session, actor, row, payload)
    return row, letter


async def answer_letter(
    *, session: AsyncSession, actor: Actor, case_id: int, row_version: int, answer: str
) -> EscalationCase:
    """The prefecture's finance answers the current letter (again, after the province found it unresolved)."""
    row = await visible_case(session=session, actor=actor, case_id=case_id)
    policy.require(actor, policy.Action.ESCALATION_ANSWER, await region_scope(session, row))
    operation = "escalationLetterAnswer"
    require_open(row, operation)
    if row.status not in (EscalationStatus.LETTER_SENT, EscalationStatus.UNRESOLVED):
        raise InvalidTransition(
            "当前没有待答复的函件（已答复的，待财政厅认定）", current_status=row.status.value,
            operation=operation, code=EscalationErrorCode.ESCALATION_NO_LETTER,
        )  # fmt: skip
    cleaned = narrative.checked({"answer": answer})
    if not cleaned["answer"]:
        raise ValidationFailed([FieldProblem("input.answer", "答复内容：须填写", ErrorCode.REQUIRED)])
    letter = (await letters_of(session, row.id or 0))[-1]
    answered = letter.answered_at.isoformat() if letter.answered_at else None
    before = {"answer": letter.answer, "answered_at": answered}
    async with audit.changing(session=session, actor=actor, operation=operation, row=row):
        await claim(session=session, row=row, expected_version=row_version)
        now = utcnow()
        letter.answer, letter.answered_at, letter.answered_by = cleaned["answer"], now, actor.user_id
        row.status = EscalationStatus.ANSWERED
    session.add(letter)
    await session.flush()
    await audit.record(
        session=session, actor=actor, operation=operation, target_type="EscalationLetter",
        target_id=letter.id, before=before, after={"answer": letter.answer, "answered_at": now.isoformat()},
        extra={"case_id": row.id, "level": letter.level},
    )  # fmt: skip
    await event(
        session, actor, row, {"action": "ANSWER", "toStatus": row.status.value, "level": letter.level}
    )
    return row
