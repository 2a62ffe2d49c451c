"""The 两书一函's rows of the authorization matrix (Art. 22), imported by test_authorization_matrix.py into
its CASES: 财政厅 opens a prefecture's case and sends its letters (a case without a letter sits at the
province, seen there only, by both administrations' bodies), judges the answers and closes it; the
prefecture's finance answers (a case with a letter is seen by the prefecture and the province)."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EscalationCase, EscalationLetter
from src.models.enums import ActorType
from src.models.escalation import EscalationStatus
from tests.factories import region_id
from tests.schema.matrix_feedback import PROVINCE, WITH_REGION, body
from tests.schema.test_authorization_matrix import (
    EVALUATION_INPUT,
    FIN,
    PREFECTURE_TARGET,
    Builder,
    Case,
    ids,
    only,
)

TEXTS: dict[str, Any] = {"reason": "考核末位", "facts": "自评逾期", "requirement": "限期整改"}
PROVINCE_FINANCE = only(("FINANCE", "parent"))


def case_in(status: EscalationStatus, level: int) -> Builder:
    """财政厅's case of the prefecture `region` (or 成都, when the case targets the province) for `year`,
    with `level` letters sent (the last answered when `status` is ANSWERED)."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        prefecture = "510100" if region == PROVINCE else region
        row = EscalationCase(
            region_id=await region_id(session, prefecture), province_id=await region_id(session, PROVINCE),
            year=year, reason=TEXTS["reason"], status=status, level=level,
            organization_id=await body(session, PROVINCE, ActorType.FINANCE),
        )  # fmt: skip
        session.add(row)
        await session.flush()
        sent = date(2099, 12, 1)
        for n in range(1, level + 1):
            answered = status == EscalationStatus.ANSWERED
            session.add(
                EscalationLetter(
                    case_id=row.id or 0, level=n, **TEXTS, document_number=f"川财社〔2099〕{n}号",
                    sent_at=datetime(2099, 12, 1, tzinfo=UTC), sent_on=sent, answer_by=sent + timedelta(30),
                    answer="已整改" if answered else "", answered_at=datetime.now(UTC) if answered else None,
                )
            )  # fmt: skip
        await session.flush()
        seen = {"escalationDraft": True, "status": "DRAFT"} if level == 0 else {"both": True}
        return {"id": str(row.id), "rowVersion": row.row_version, "status": status.value, **seen}

    return build


async def _prefecture(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    del session
    return {"region": "510100" if region == PROVINCE else region, "year": year}


def _change(**more: Any) -> Any:
    return lambda t: {"input": {**ids(t), **more}}


ESCALATION_CASES: dict[str, Case] = {
    # Art. 22: 财政厅 (with 人社厅、省医保局、省税务局) escalates a prefecture; its finance answers.
    "escalationOpen": Case(
        True,
        _prefecture,
        EVALUATION_INPUT.format("escalationOpen", "EscalationOpenInput"),
        lambda t: {"input": {"regionCode": t["region"], "year": t["year"], "reason": "考核末位"}},
        FIN,
        relations=WITH_REGION,
    ),
    "escalationLetterSend": Case(
        True,
        case_in(EscalationStatus.OPEN, 0),
        EVALUATION_INPUT.format("escalationLetterSend", "EscalationLetterSendInput"),
        _change(**TEXTS),
        FIN,
        relations=WITH_REGION,
    ),
    "escalationLetterAnswer": Case(
        False,
        case_in(EscalationStatus.LETTER_SENT, 1),
        EVALUATION_INPUT.format("escalationLetterAnswer", "EscalationLetterAnswerInput"),
        _change(answer="已整改"),
        only(("FINANCE", "own")),
        relations=PREFECTURE_TARGET,
    ),
    "escalationMarkUnresolved": Case(
        False,
        case_in(EscalationStatus.ANSWERED, 1),
        EVALUATION_INPUT.format("escalationMarkUnresolved", "EscalationMarkUnresolvedInput"),
        _change(note="未解决"),
        PROVINCE_FINANCE,
        relations=PREFECTURE_TARGET,
    ),
    "escalationClose": Case(
        False,
        case_in(EscalationStatus.ANSWERED, 1),
        EVALUATION_INPUT.format("escalationClose", "EscalationCloseInput"),
        _change(resolution="办结"),
        PROVINCE_FINANCE,
        relations=PREFECTURE_TARGET,
    ),
}
