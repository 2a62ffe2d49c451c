"""Real records of the 绩效自评表's subject, for the document checker and the template lint
(tests/reports/test_self_evaluation_form.py, test_render.py): 自贡市's 2026 self-evaluations opened through
the services on the world of tests/services/evaluation/world.py (a goal of four indicators, its budget and
the year's monitoring figures) — the employee medical fund's filled in, concurred with and submitted, the
resident medical fund's still a draft as opened."""

import pytest
from sqlmodel import col, select

from src.db import session_scope
from src.models import Goal, Organization, Region
from src.models.enums import ActorType, Administration
from src.services.evaluation.self_evaluation_edits import LineEdit
from src.services.monitoring import clock
from tests.services.conftest import HRSS, PROVINCE, ZIGONG, Sessionmaker, act, bodies_of
from tests.services.evaluation.calls import concur, open_, submit, update
from tests.services.evaluation.world import TODAY, evaluated

MED = Administration.MEDICAL_SECURITY
# The bodies of 自贡市 by their names, as the demo names them.
NAMES = {
    (ActorType.FINANCE, None): "自贡市财政局",
    (ActorType.MEDICAL_SECURITY, MED): "自贡市医疗保障局",
    (ActorType.AGENCY, MED): "自贡市医疗保障事务中心",
    (ActorType.TAX, None): "国家税务总局自贡市税务局",
}
GOAL_TEXT = (
    "全面落实职工基本医疗保险待遇政策，参保人数稳定在1,200人以上，待遇按时足额发放率不低于95%，"
    "基金收支平衡、略有结余。"
)

NARRATIVE = {
    "conclusion": "全年基金支出平稳，参保扩面、预算调整等指标均完成年度目标。\n待遇按时足额发放率未达目标。",
    "problems": "部分县区经办系统切换期间待遇发放延迟。",
    "measures": "加强经办系统切换管理，按月通报发放进度。",
    "execution_reason": "年末部分转移支出延至次年拨付。",
}


async def real_self_evaluations(sessionmaker: Sessionmaker, region_code: str = ZIGONG) -> dict[str, int]:
    """The ids of the region's submitted ("submitted") and draft ("draft") self-evaluations."""
    bodies = await bodies_of(sessionmaker, region_code)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "china_today", lambda: TODAY)
        world = await evaluated(sessionmaker, bodies)
        await _named(sessionmaker, region_code, world.goal.id or 0)
        await evaluated(sessionmaker, bodies, fund="RESIDENT_MEDICAL")
        evaluation = await act(sessionmaker, open_(bodies.finance, region_code))
        cause = LineEdit(world.paid.lineage_id, cause="部分县区经办系统切换", measures="按月通报发放进度")
        evaluation = await act(sessionmaker, update(bodies.agency, evaluation, **NARRATIVE, lines=(cause,)))
        evaluation = await act(sessionmaker, concur(bodies.tax, evaluation))
        evaluation = await act(sessionmaker, submit(bodies.finance, evaluation))
        draft = await act(sessionmaker, open_(bodies.finance, region_code, fund="RESIDENT_MEDICAL"))
    return {"submitted": evaluation.id or 0, "draft": draft.id or 0}


async def provincial_self_evaluation(sessionmaker: Sessionmaker) -> int:
    """The province's own (统收统支: unemployment insurance) self-evaluation, carried out by the provincial
    agency with 省税务局 and submitted by the agency itself (Art. 17)."""
    bodies = await bodies_of(sessionmaker, PROVINCE, HRSS)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "china_today", lambda: TODAY)
        world = await evaluated(sessionmaker, bodies, fund="UNEMPLOYMENT")
        evaluation = await act(sessionmaker, open_(bodies.finance, PROVINCE, fund="UNEMPLOYMENT"))
        cause = LineEdit(world.paid.lineage_id, cause="部分地区系统切换", measures="按月通报进度")
        evaluation = await act(sessionmaker, update(bodies.agency, evaluation, **NARRATIVE, lines=(cause,)))
        evaluation = await act(sessionmaker, concur(bodies.tax, evaluation))
        evaluation = await act(sessionmaker, submit(bodies.agency, evaluation))
    return evaluation.id or 0


async def _named(sessionmaker: Sessionmaker, region_code: str, goal_id: int) -> None:
    """The region's bodies by their names, and the goal with its text and the number it was issued under."""
    async with session_scope(sessionmaker) as session:
        region = (await session.exec(select(Region).where(Region.code == region_code))).one()
        stmt = select(Organization).where(col(Organization.region_id) == region.id)
        for organization in (await session.exec(stmt)).all():
            name = NAMES.get((organization.actor_type, organization.administration))
            if name is not None:
                organization.name = name
                session.add(organization)
        goal = await session.get_one(Goal, goal_id)
        goal.content, goal.document_number = GOAL_TEXT, "自财社〔2026〕3号"
        session.add(goal)


async def year_of_self_evaluations(
    sessionmaker: Sessionmaker, *, submitted: tuple[str, ...], drafts: tuple[str, ...]
) -> dict[str, int]:
    """2026 self-evaluations of the employee medical fund, by region code: filled in, concurred with and
    submitted in the `submitted` regions, opened (a draft) in the `drafts` regions."""
    found = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(clock, "china_today", lambda: TODAY)
        for region_code in (*submitted, *drafts):
            bodies = await bodies_of(sessionmaker, region_code)
            world = await evaluated(sessionmaker, bodies)
            evaluation = await act(sessionmaker, open_(bodies.finance, region_code))
            if region_code in submitted:
                cause = LineEdit(world.paid.lineage_id, cause="经办系统切换", measures="按月通报发放进度")
                edit = update(bodies.agency, evaluation, **NARRATIVE, lines=(cause,))
                evaluation = await act(sessionmaker, edit)
                evaluation = await act(sessionmaker, concur(bodies.tax, evaluation))
                evaluation = await act(sessionmaker, submit(bodies.finance, evaluation))
            found[region_code] = evaluation.id or 0
    return found
