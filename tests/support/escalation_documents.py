"""A real record of the 两书一函 (Art. 22), for the template lint (tests/reports/test_render.py), the
document tests and the end-to-end test: 财政厅 opens 自贡's 2025 case with 人社厅, 省医保局 and 省税务局 as
joint issuers and sends the three letters in order through the services (the 提醒督促书 on 2 March 2026,
unanswered; the 整改通知书 with its 问题清单 on 1 April; the 约谈函 on 1 May)."""

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import EscalationCase, Organization, Region
from src.models.enums import ActorType, Administration
from src.services.actors import Actor
from src.services.escalation.cases import open_case
from src.services.escalation.content import Interview, Issue
from src.services.escalation.letters import send_letter
from src.services.monitoring import clock
from tests.factories import make_actor
from tests.services.conftest import PROVINCE, ZIGONG, Call, Sessionmaker, act, bodies_of

NAMES = {
    PROVINCE: {
        ActorType.FINANCE: "四川省财政厅", ActorType.HRSS: "四川省人力资源和社会保障厅",
        ActorType.MEDICAL_SECURITY: "四川省医疗保障局", ActorType.TAX: "国家税务总局四川省税务局",
    },
    ZIGONG: {
        ActorType.FINANCE: "自贡市财政局", ActorType.HRSS: "自贡市人力资源和社会保障局",
        ActorType.MEDICAL_SECURITY: "自贡市医疗保障局", ActorType.TAX: "国家税务总局自贡市税务局",
    },
}  # fmt: skip
FIRST_SENT = date(2026, 3, 2)
TEXTS = {
    "reason": "在2025年度市（州）社会保险基金预算绩效管理工作考核中，你市考核结果位列全省末位。",
    "facts": "2025年度绩效自评报告逾期报送；1-6月运行监控数据两期未按时填报；\n绩效目标调整未履行审核程序。",
    "requirement": "请你市高度重视，切实履行预算绩效管理主体责任，对照问题逐项整改。",
}
ISSUES = [
    Issue("绩效自评报告逾期报送", "查明逾期原因，建立自评工作台账", date(2026, 6, 30), "自贡市财政局"),
    Issue("运行监控数据未按时填报", "补填数据并按月复核", date(2026, 5, 31), "自贡市医疗保障局"),
]
INTERVIEW = Interview(
    matter="整改通知书所列问题逾期未整改到位",
    time=datetime(2026, 5, 20, 9, 30, tzinfo=timezone(timedelta(hours=8))),
    place="四川省财政厅社会保障处会议室",
    interviewees="自贡市人民政府分管负责同志及市财政局、市人力资源和社会保障局、市医疗保障局主要负责同志",
    materials="整改落实情况报告、问题清单逐项整改佐证材料",
)


def _sending(actor: Actor, case_id: int, row_version: int, level: int) -> Call[tuple[EscalationCase, Any]]:
    async def call(session: AsyncSession) -> tuple[EscalationCase, Any]:
        return await send_letter(
            session=session, actor=actor, case_id=case_id, row_version=row_version, **TEXTS,
            issues=ISSUES if level == 2 else None, interview=INTERVIEW if level == 3 else None,
        )  # fmt: skip

    return call


async def real_escalation(sessionmaker: Sessionmaker, *, letters: int = 3) -> int:
    """The id of 自贡's case with its first `letters` letters sent."""
    local = await bodies_of(sessionmaker, ZIGONG)  # its finance, 医保局, tax (and agency)
    await make_actor(
        sessionmaker, actor_type=ActorType.HRSS, region_code=ZIGONG, administration=Administration.HRSS
    )
    province = await bodies_of(sessionmaker, PROVINCE)
    await make_actor(
        sessionmaker, actor_type=ActorType.HRSS, region_code=PROVINCE, administration=Administration.HRSS
    )
    del local
    async with sessionmaker() as session:  # the bodies as a letter names them
        for code, names in NAMES.items():
            found = await session.exec(
                select(Organization)
                .join(Region, col(Region.id) == Organization.region_id)
                .where(Region.code == code)
            )
            for organization in found.all():
                organization.name = names.get(organization.actor_type, organization.name)
                session.add(organization)
        await session.commit()
    finance = province.finance
    row = await act(
        sessionmaker,
        lambda s: open_case(session=s, actor=finance, region_code=ZIGONG, year=2025, reason=TEXTS["reason"]),
    )
    for level in range(1, letters + 1):
        with pytest.MonkeyPatch.context() as patch:
            day = FIRST_SENT + timedelta(days=30 * (level - 1))
            patch.setattr(clock, "china_today", lambda day=day: day)
            row, _ = await act(sessionmaker, _sending(finance, row.id or 0, row.row_version, level))
    return row.id or 0
