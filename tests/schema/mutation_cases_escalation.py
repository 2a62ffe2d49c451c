"""The 两书一函 mutations (Art. 22), one successful call each, as tests/schema/mutation_cases.py has every
other mutation's (which imports this module to register them); and the helpers the escalation tests share."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EscalationCase, EscalationLetter
from src.models.enums import ActorType, Administration
from src.models.escalation import EscalationStatus
from src.services.actors import Actor
from tests.factories import make_actor, region_id
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import PREFECTURE, PROVINCE, Call, by_input, case

HRSS, MED = Administration.HRSS, Administration.MEDICAL_SECURITY
SENT_ON = date(2026, 3, 2)  # the first letter's day in these tests
LETTER_TEXTS: dict[str, Any] = {
    "reason": "2025年度市（州）考核中预算绩效管理工作推进不力",
    "facts": "绩效自评逾期报送，运行监控数据多期未填报",
    "requirement": "切实履行绩效管理主体责任",
}


async def bodies(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Actor]:
    """财政厅, 人社厅, 省医保局, 省税务局 (the issuers) and 成都's finance, 人社, 医保 and tax bodies (the
    addressees): a user of each, so each organization exists."""
    wanted = {
        "finance": (ActorType.FINANCE, PROVINCE, None),
        "hrss": (ActorType.HRSS, PROVINCE, HRSS),
        "medical": (ActorType.MEDICAL_SECURITY, PROVINCE, MED),
        "tax": (ActorType.TAX, PROVINCE, None),
        "region_finance": (ActorType.FINANCE, PREFECTURE, None),
        "region_hrss": (ActorType.HRSS, PREFECTURE, HRSS),
        "region_medical": (ActorType.MEDICAL_SECURITY, PREFECTURE, MED),
        "region_tax": (ActorType.TAX, PREFECTURE, None),
    }
    return {
        name: await make_actor(sessionmaker, actor_type=t, region_code=code, administration=a)
        for name, (t, code, a) in wanted.items()
    }


async def escalation(
    gql: GraphQLClient, status: EscalationStatus = EscalationStatus.OPEN, *, level: int = 0
) -> dict[str, Any]:
    """成都's 2025 case in `status` with `level` letters sent (the first on SENT_ON, 30 days apart), as if
    through the API; the last answered when `status` is ANSWERED or UNRESOLVED."""
    actors = await bodies(gql.sessionmaker)
    async with gql.sessionmaker() as s:
        row = EscalationCase(
            region_id=await region_id(s, PREFECTURE), province_id=await region_id(s, PROVINCE), year=2025,
            reason=LETTER_TEXTS["reason"], status=status, level=level,
            organization_id=actors["finance"].organization_id,
            co_issuer_ids=[actors[n].organization_id for n in ("hrss", "medical", "tax")],
        )  # fmt: skip
        s.add(row)
        await s.flush()
        for n in range(1, level + 1):
            sent_on = SENT_ON + timedelta(days=30 * (n - 1))
            answered = n == level and status in (EscalationStatus.ANSWERED, EscalationStatus.UNRESOLVED)
            content: dict[str, Any] = {}
            if n == 2:
                issues = [{"problem": "自评逾期", "requirement": "按期报送", "deadline": "2026-06-30",
                           "responsible": "成都市财政局"}]  # fmt: skip
                content = {"issues": issues}
            s.add(
                EscalationLetter(
                    case_id=row.id or 0, level=n, **LETTER_TEXTS, content=content,
                    document_number=f"川财社〔2026〕{90 + n}号",
                    sent_at=datetime.combine(sent_on, datetime.min.time(), UTC), sent_on=sent_on,
                    answer_by=sent_on + timedelta(days=30), answer="已整改" if answered else "",
                    answered_at=datetime.combine(sent_on, datetime.min.time(), UTC) if answered else None,
                    unresolved_at=datetime.now(UTC) if status == EscalationStatus.UNRESOLVED else None,
                )
            )  # fmt: skip
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version}


def send_input(target: dict[str, Any], **more: Any) -> dict[str, Any]:
    return {"input": {"id": target["id"], "rowVersion": target["rowVersion"], **LETTER_TEXTS, **more}}


@case("escalationOpen")
async def escalation_open(gql: GraphQLClient) -> Call:
    await bodies(gql.sessionmaker)
    await gql.login_as(ActorType.FINANCE, PROVINCE)  # 财政厅牵头
    fields = {"regionCode": PREFECTURE, "year": 2025, "reason": LETTER_TEXTS["reason"]}
    return Call(by_input("escalationOpen", "EscalationOpenInput"), {"input": fields})


@case("escalationLetterSend")
async def escalation_letter_send(gql: GraphQLClient) -> Call:
    target = await escalation(gql)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    return Call(by_input("escalationLetterSend", "EscalationLetterSendInput"), send_input(target))


@case("escalationLetterAnswer")
async def escalation_letter_answer(gql: GraphQLClient) -> Call:
    target = await escalation(gql, EscalationStatus.LETTER_SENT, level=1)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)  # the prefecture's finance answers
    change = {"id": target["id"], "rowVersion": target["rowVersion"], "answer": "已建立自评督办台账"}
    return Call(by_input("escalationLetterAnswer", "EscalationLetterAnswerInput"), {"input": change})


@case("escalationMarkUnresolved")
async def escalation_mark_unresolved(gql: GraphQLClient) -> Call:
    target = await escalation(gql, EscalationStatus.ANSWERED, level=1)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    change = {"id": target["id"], "rowVersion": target["rowVersion"], "note": "未见具体整改措施"}
    return Call(by_input("escalationMarkUnresolved", "EscalationMarkUnresolvedInput"), {"input": change})


@case("escalationClose")
async def escalation_close(gql: GraphQLClient) -> Call:
    target = await escalation(gql, EscalationStatus.ANSWERED, level=1)
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    change = {"id": target["id"], "rowVersion": target["rowVersion"], "resolution": "整改到位，予以办结"}
    return Call(by_input("escalationClose", "EscalationCloseInput"), {"input": change})
