"""Demo rectification items (Art. 20 「绩效评价中发现的问题要及时分类进行整改」) raised by 财政厅 from its
August 2026 feedback letters (feedbacks.py: 成都, 自贡, 泸州, 德阳): 成都's two VERIFIED (closed) in
September; 自贡's 预算执行偏差 REPORTED with its evidence file (a small generated PDF) and a 管理制度 item
OPEN, both raised late in November; 泸州's item raised in August and still OPEN, overdue since September;
德阳's one VERIFIED and one OPEN raised in November. Due the province's RECTIFICATION_DAYS after raising.
Rows, as the feedbacks are: the service would stamp every step with today. Draws nothing from the demo's
generator. Without a storage (tests that need no files) the evidence file and its row are left out."""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EvaluationFeedback, FundType, RectificationEvidence, RectificationItem, Region
from src.models.enums import ActorType
from src.models.rectification import RectificationCategory, RectificationStatus
from src.reports.storage import Storage
from src.seed.demo.context import DemoReference
from src.seed.demo.monitoring_bodies import body, load_bodies
from src.services.deadlines.items import CHINA
from src.services.rules import rules_for_region

C, S = RectificationCategory, RectificationStatus
AUG, NOV = "AUG", "NOV"  # raised the day after the letter, or late in November
DEMO_NOW = date(2026, 12, 1)  # the day the demo's statuses describe (the overdue one is overdue since)


@dataclass(frozen=True)
class Planned:
    letter: int  # the feedback's index (成都, 自贡, 泸州, 德阳)
    category: RectificationCategory
    problem: str
    owner: ActorType
    raised: str
    status: RectificationStatus
    measures: str = ""
    cause: str = ""
    progress: str = ""


PLAN = (
    Planned(
        0,
        C.EXECUTION_LAG,
        "年末基金支出预算执行进度低于序时进度8个百分点。",
        ActorType.AGENCY,
        AUG,
        S.VERIFIED,
        "建立支出进度月调度机制，按月通报执行进度。",
        "异地就医清算资金拨付滞后。",
        "已按月调度，执行进度恢复正常。",
    ),
    Planned(
        0,
        C.GOAL_SETTING,
        "“住院费用个人负担比例”目标值设定偏宽松，未体现年度改善要求。",
        ActorType.MEDICAL_SECURITY,
        AUG,
        S.VERIFIED,
        "按近三年实际值重新测算目标值，纳入下年度绩效目标。",
        "",
        "已修订下年度绩效目标。",
    ),
    Planned(
        1,
        C.SUPERVISION,
        "基金运行监控台账更新不及时，预警处置记录不完整。",
        ActorType.AGENCY,
        NOV,
        S.REPORTED,
        "建立监控台账周更新制度，补齐预警处置记录。",
        "经办人员调整后交接不到位。",
        "台账已补齐，制度已印发。",
    ),
    Planned(
        1,
        C.RULES_INCOMPLETE,
        "基金预算绩效管理实施细则尚未出台。",
        ActorType.FINANCE,
        NOV,
        S.OPEN,
        progress="细则草案已征求意见。",
    ),
    Planned(
        2,
        C.GOAL_DEVIATION,
        "“基金累计结余可支付月数”实现值偏离目标值较大。",
        ActorType.AGENCY,
        AUG,
        S.OPEN,
        progress="正在分析偏离原因。",
    ),
    Planned(
        3,
        C.EXECUTION_LAG,
        "医疗保险待遇支出预算执行偏差较大。",
        ActorType.AGENCY,
        AUG,
        S.VERIFIED,
        "细化季度支出计划，加强执行分析。",
        "年初预算测算偏高。",
        "已调整季度支出计划。",
    ),
    Planned(3, C.GOAL_SETTING, "部分产出指标缺少可量化的目标值。", ActorType.MEDICAL_SECURITY, NOV, S.OPEN),
)


@dataclass(frozen=True)
class RectificationCounts:
    rectification_items: int
    rectification_evidence: int


def evidence_pdf(text: str) -> bytes:
    """A one-page PDF saying `text` (ASCII), with a correct cross-reference table."""
    stream = f"BT /F1 14 Tf 72 720 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body_ in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body_)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=CHINA)


async def add_rectification(
    session: AsyncSession, ref: DemoReference, storage: Storage | None
) -> RectificationCounts:
    bodies = await load_bodies(session)
    fin_org, _, _ = body(bodies, ref.province, ActorType.FINANCE, None)
    letters = (await session.exec(select(EvaluationFeedback).order_by(col(EvaluationFeedback.id)))).all()
    days = int((await rules_for_region(session=session, region=ref.province)).rectification_days)
    evidence = 0
    for n, plan in enumerate(PLAN):
        letter = letters[plan.letter]
        assert letter.sent_at is not None
        region = await session.get_one(Region, letter.region_id)
        fund = await session.get_one(FundType, letter.fund_type_id)
        owner, owner_user, _ = body(bodies, region, plan.owner, fund.administration)
        sent_on = letter.sent_at.astimezone(CHINA).date()
        raised_on = (
            sent_on + timedelta(days=1) if plan.raised == AUG else date(2026, 11, 24) + timedelta(days=n)
        )
        due_on = raised_on + timedelta(days=days)
        closed = plan.status == S.VERIFIED
        after = timedelta(days=20 if plan.raised == AUG else 5)
        reported = _at(raised_on + after, 10) if plan.status in (S.REPORTED, S.VERIFIED) else None
        item = RectificationItem(
            region_id=letter.region_id, fund_type_id=letter.fund_type_id, year=letter.year,
            category=plan.category, problem=plan.problem, feedback_id=letter.id,
            self_evaluation_id=letter.self_evaluation_id, owner_organization_id=owner,
            raised_by_organization_id=fin_org, raised_on=raised_on, due_on=due_on, status=plan.status,
            measures=plan.measures, cause=plan.cause, progress=plan.progress, reported_at=reported,
            verified_at=reported + timedelta(days=3) if closed and reported else None,
            created_at=_at(raised_on, 9), updated_at=reported or _at(raised_on, 9),
            row_version=1 + (plan.status != S.OPEN) + closed,
        )  # fmt: skip
        session.add(item)
        await session.flush()
        if plan.status == S.REPORTED and storage is not None and reported is not None:
            data = evidence_pdf(f"Rectification evidence: item {item.id}, {region.code}")
            key = f"rectification/{item.id}/demo-{hashlib.sha256(data).hexdigest()[:16]}.pdf"
            await storage.put(key, data)
            session.add(
                RectificationEvidence(
                    item_id=item.id or 0, storage_key=key, file_name="监控台账整改情况说明.pdf",
                    content_type="application/pdf", size=len(data), sha256=hashlib.sha256(data).hexdigest(),
                    uploaded_by=owner_user, uploaded_at=reported - timedelta(hours=1),
                )
            )  # fmt: skip
            evidence += 1
    await session.flush()
    return RectificationCounts(rectification_items=len(PLAN), rectification_evidence=evidence)
