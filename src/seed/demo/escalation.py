"""Demo 两书一函 (Art. 22) in progress for the 2025 budget year: 财政厅, with 人社厅, 省医保局 and 省税务局,
escalates 德阳市 (weak in the year's assessment): the 提醒督促书 sent on 1 September 2026 and answered by
德阳's finance, the answer marked unresolved by 财政厅; the 整改通知书 with its 问题清单 sent on 12 October
(after the province's ESCALATION_WAIT_DAYS), not yet answered. Numbered after the August feedback letters
in 财政厅's 2026 财社 sequence. Rows, as the feedback's are (feedbacks.py): the services would stamp every
step with today. It draws nothing from the demo's generator: the data before it stays as it was.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import DocumentNumber, EscalationCase, EscalationLetter
from src.models.enums import ActorType, Administration
from src.models.escalation import EscalationStatus
from src.reports.numbering import document_prefix
from src.seed.demo.context import DemoReference
from src.seed.demo.monitoring_bodies import body, load_bodies
from src.services.escalation.scope import SUBJECT
from src.services.rules import rules_for_region
from src.subjects.documents import FINANCE_SOCIAL_SECURITY

YEAR = 2025
PREFECTURE = "510600"  # 德阳市
REMINDED = date(2026, 9, 1)
NOTIFIED = date(2026, 10, 12)
# Opened by hand in September, before the October assessment: on what the province's tracking found.
REASON = "在日常跟踪中发现，德阳市2025年度绩效自评逾期报送，运行监控数据多期未按时填报，工作推进不力。"
FACTS = "2025年度绩效自评报告逾期报送；2026年1-6月运行监控数据两期未按时填报；预警处置情况未及时报告。"
REQUIREMENT = "请你市切实履行预算绩效管理主体责任，对照问题逐项落实，建立整改台账。"
ISSUES = [
    {"problem": "绩效自评报告逾期报送", "requirement": "查明原因，建立自评工作台账", "deadline": "2026-12-31",
     "responsible": "德阳市财政局"},
    {"problem": "运行监控数据未按时填报", "requirement": "补填数据并按月复核", "deadline": "2026-11-30",
     "responsible": "德阳市医疗保障局"},
]  # fmt: skip


@dataclass(frozen=True)
class EscalationCounts:
    escalations: int
    escalation_letters: int


def _at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 30, tzinfo=UTC)  # 10:30 in China


async def add_escalation(session: AsyncSession, ref: DemoReference) -> EscalationCounts:
    bodies = await load_bodies(session)
    region = next(r for r in ref.prefectures if r.code == PREFECTURE)
    finance, _, _ = body(bodies, ref.province, ActorType.FINANCE, None)
    co_issuers = [
        body(bodies, ref.province, ActorType.HRSS, Administration.HRSS)[0],
        body(bodies, ref.province, ActorType.MEDICAL_SECURITY, Administration.MEDICAL_SECURITY)[0],
        body(bodies, ref.province, ActorType.TAX, None)[0],
    ]
    _, answerer, _ = body(bodies, region, ActorType.FINANCE, None)
    rules = await rules_for_region(session=session, region=ref.province)
    days = int(rules.escalation_answer_days)
    row = EscalationCase(
        region_id=region.id or 0, province_id=ref.province.id or 0, year=YEAR, reason=REASON,
        status=EscalationStatus.LETTER_SENT, level=2, organization_id=finance, co_issuer_ids=co_issuers,
        created_at=_at(REMINDED) - timedelta(days=3), updated_at=_at(NOTIFIED), row_version=5,
    )  # fmt: skip
    session.add(row)
    await session.flush()
    prefix = document_prefix(rules.document_abbreviation, FINANCE_SOCIAL_SECURITY)
    reminder = EscalationLetter(
        case_id=row.id or 0, level=1, reason=REASON, facts=FACTS, requirement=REQUIREMENT,
        document_number=await _number(session, row.id or 0, finance, prefix, REMINDED, 1),
        sent_at=_at(REMINDED), sent_on=REMINDED, answer_by=REMINDED + timedelta(days=days),
        answer="已召开专题会议研究部署，正在补报绩效自评材料。",
        answered_at=_at(REMINDED + timedelta(days=19)), answered_by=answerer,
        unresolved_at=_at(REMINDED + timedelta(days=37)),
        unresolved_note="答复未明确整改措施、责任单位和完成时限。",
    )  # fmt: skip
    notice = EscalationLetter(
        case_id=row.id or 0, level=2, reason=REASON, facts=FACTS, requirement=REQUIREMENT,
        content={"issues": ISSUES},
        document_number=await _number(session, row.id or 0, finance, prefix, NOTIFIED, 2),
        sent_at=_at(NOTIFIED), sent_on=NOTIFIED, answer_by=NOTIFIED + timedelta(days=days),
    )  # fmt: skip
    session.add_all([reminder, notice])
    await session.flush()
    return EscalationCounts(escalations=1, escalation_letters=2)


async def _number(
    session: AsyncSession, case_id: int, organization_id: int, prefix: str, day: date, level: int
) -> str:
    """The next 财社 number of 财政厅's sequence of the year, recorded so numbering goes on (the act: the
    letter's level, as the service numbers it)."""
    last = select(sa.func.max(DocumentNumber.sequence)).where(
        DocumentNumber.organization_id == organization_id,
        DocumentNumber.family == FINANCE_SOCIAL_SECURITY,
        col(DocumentNumber.year) == day.year,
    )
    sequence = ((await session.exec(last)).one() or 0) + 1
    text = f"{prefix}〔{day.year}〕{sequence}号"
    session.add(
        DocumentNumber(
            organization_id=organization_id, family=FINANCE_SOCIAL_SECURITY, year=day.year, sequence=sequence,
            subject_type=SUBJECT, subject_id=case_id, prefix=prefix, text=text, act=f"LEVEL{level}",
            created_at=_at(day),
        )
    )  # fmt: skip
    await session.flush()
    return text
