"""Answering warnings (Art. 14 「分类予以处置」): a correction with its note, urging with a date, an
adjustment that opens the goal's adjustment with its assessment prefilled, closing with a reason; drafts
read only where the region's drafts are; wrong states refused by type; each answer an event; open warnings
rolled up."""

from collections.abc import Awaitable, Callable
from datetime import date

from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal, Region
from src.models.enums import ActorType, Administration, GoalStatus
from src.models.event import Event
from src.models.goal import GoalEventKind
from src.models.monitoring import MonitoringWarning, WarningEventKind, WarningResponseKind, WarningStatus
from src.services.actors import Actor
from src.services.errors import (
    Conflict,
    ErrorCode,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
    WarningErrorCode,
)
from src.services.monitoring.evaluation import evaluate
from src.services.monitoring.scope import warning_scope
from src.services.monitoring.warning_reads import WarningQuery, open_counts, warnings_select
from src.services.monitoring.warnings import Response, respond, save_draft
from src.services.policy import visible
from tests.factories import make_actor, region_id
from tests.services.conftest import Sessionmaker, act, bodies_of, refused
from tests.services.monitoring.conftest import YEAR, Monitored
from tests.services.monitoring.test_evaluation import JULY_20, june

K = WarningResponseKind
MED = Administration.MEDICAL_SECURITY


async def raised(sessionmaker: Sessionmaker, m: Monitored) -> dict[str, MonitoringWarning]:
    """June evaluated in 成都: the warnings by what they are about (indicator name or budget item)."""
    await june(sessionmaker, m)
    goal = m.goal
    await act(
        sessionmaker,
        lambda s: evaluate(
            session=s,
            actor=None,
            region_id=goal.region_id,
            fund_type_id=goal.fund_type_id,
            year=YEAR,
            month=6,
        ),
    )
    names = {
        m.insured.lineage_id: "参保人数",
        m.adjustments.lineage_id: "预算调整率",
        m.policy.lineage_id: "政策落实",
    }
    async with sessionmaker() as s:
        rows = (await s.exec(select(MonitoringWarning))).all()
    return {names[w.indicator_lineage_id] if w.indicator_lineage_id else str(w.budget_item): w for w in rows}


def answer(
    actor: Actor,
    warning: MonitoringWarning,
    response: Response,
    *,
    draft: bool = False,
    version: int | None = None,
) -> Callable[[AsyncSession], Awaitable[MonitoringWarning]]:
    """One answer (given, or saved as a draft) as a call for `act` or `refused`."""
    service = save_draft if draft else respond

    async def call(s: AsyncSession) -> MonitoringWarning:
        return await service(
            session=s, actor=actor, warning_id=warning.id or 0, row_version=version or warning.row_version,
            response=response, today=JULY_20,
        )  # fmt: skip

    return call


async def current(sessionmaker: Sessionmaker, warning: MonitoringWarning) -> MonitoringWarning:
    async with sessionmaker() as s:
        return await s.get_one(MonitoringWarning, warning.id)


async def answered_events(sessionmaker: Sessionmaker) -> list[Event]:
    async with sessionmaker() as s:
        stmt = select(Event).where(Event.kind == WarningEventKind.MONITORING_WARNING_ANSWERED.value)
        return list((await s.exec(stmt.order_by(col(Event.id)))).all())


async def test_art14_correction_with_its_note(sessionmaker: Sessionmaker, monitored: Monitored) -> None:
    warning = (await raised(sessionmaker, monitored))["参保人数"]
    agency = monitored.bodies.agency
    error = await refused(
        sessionmaker, ValidationFailed, answer(agency, warning, Response(K.CORRECTION, " "))
    )
    assert [(p.field, p.code) for p in error.problems] == [("input.note", ErrorCode.REQUIRED)]
    done = await act(sessionmaker, answer(agency, warning, Response(K.CORRECTION, " 加大扩面征缴力度 ")))
    assert (done.status, done.response, done.response_note) == (
        WarningStatus.ANSWERED,
        K.CORRECTION,
        "加大扩面征缴力度",
    )
    assert (done.responder_user_id, done.row_version) == (agency.user_id, warning.row_version + 1)
    [event] = await answered_events(sessionmaker)
    assert (event.subject_id, event.payload["response"], event.actor_user_id) == (
        warning.id,
        "CORRECTION",
        agency.user_id,
    )


async def test_art14_urge_with_a_date_in_the_future_within_the_year(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    warning = (await raised(sessionmaker, monitored))["BENEFITS"]
    finance = monitored.bodies.finance
    for due in (None, JULY_20, date(2027, 1, 1)):
        error = await refused(
            sessionmaker, ValidationFailed, answer(finance, warning, Response(K.URGE, urge_due_on=due))
        )
        assert [p.field for p in error.problems] == ["input.urgeDueOn"]
    done = await act(sessionmaker, answer(finance, warning, Response(K.URGE, urge_due_on=date(2026, 12, 31))))
    assert (done.status, done.urge_due_on) == (WarningStatus.ANSWERED, date(2026, 12, 31))


async def test_art14_adjustment_opens_the_goal_adjustment_prefilled(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    warnings = await raised(sessionmaker, monitored)
    reviewer = monitored.bodies.reviewer  # 成都市医保局
    insured = warnings["参保人数"]
    # An indicator's effect on the fund is not something the warning can tell: the responder must.
    error = await refused(
        sessionmaker, ValidationFailed, answer(reviewer, insured, Response(K.ADJUSTMENT, "扩面不及预期"))
    )
    assert [p.field for p in error.problems] == ["input.fundEffect"]
    response = Response(K.ADJUSTMENT, "扩面不及预期", fund_effect="征缴收入预计减少约 2%")
    done = await act(sessionmaker, answer(reviewer, insured, response))
    async with sessionmaker() as s:
        new = await s.get_one(Goal, done.adjustment_goal_id)
    assert (new.version, new.status, new.lineage_id) == (2, GoalStatus.DRAFT, monitored.goal.lineage_id)
    assert new.adjustment_reason == "扩面不及预期" and new.adjustment_fund_effect == "征缴收入预计减少约 2%"
    assert (
        new.adjustment_what_changed
        == "2026年1-6月运行监控：指标“参保人数”红灯，完成值为预期的 50.00%（偏差 -50.00%）"
    )
    assert (
        new.adjustment_target_effect
        == "按2026年1-6月进度，指标“参保人数”完成值为预期的 50.00%（偏差 -50.00%）"
    )
    # A second warning of the same goal joins the adjustment already open.
    second = await act(sessionmaker, answer(reviewer, warnings["预算调整率"], Response(K.ADJUSTMENT, "同上")))
    assert second.adjustment_goal_id == new.id
    async with sessionmaker() as s:
        kinds = (
            await s.exec(
                select(Event.kind).where(Event.kind == GoalEventKind.GOAL_ADJUSTMENT_REQUESTED.value)
            )
        ).all()
    assert len(kinds) == 1 and len(await answered_events(sessionmaker)) == 2


async def test_art14_execution_adjustment_is_prefilled_with_its_effect_on_the_fund(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    warning = (await raised(sessionmaker, monitored))["BENEFITS"]
    response = Response(K.ADJUSTMENT, "待遇支出预算偏大", target_effect="不影响待遇类指标")
    done = await act(sessionmaker, answer(monitored.bodies.finance, warning, response))
    async with sessionmaker() as s:
        new = await s.get_one(Goal, done.adjustment_goal_id)
    assert new.adjustment_what_changed == (
        "2026年1-6月运行监控：社会保险待遇支出预算执行红灯，"
        "执行进度为序时进度的 33.33%（偏差 -66.67%），执行偏差较大"
    )
    assert (
        new.adjustment_fund_effect == "社会保险待遇支出2026年1-6月执行进度为序时进度的 33.33%（偏差 -66.67%）"
    )


async def test_art14_close_with_a_reason_and_wrong_states(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    warnings = await raised(sessionmaker, monitored)
    agency = monitored.bodies.agency
    policy, insured = warnings["政策落实"], warnings["参保人数"]
    await refused(sessionmaker, ValidationFailed, answer(agency, policy, Response(K.CLOSE)))
    closed = await act(sessionmaker, answer(agency, policy, Response(K.CLOSE, "下期已达成")))
    assert closed.status == WarningStatus.CLOSED
    error = await refused(
        sessionmaker, InvalidTransition, answer(agency, closed, Response(K.CORRECTION, "x"))
    )
    assert (error.code, error.current_status) == (WarningErrorCode.WARNING_CLOSED, "CLOSED")
    answered = await act(sessionmaker, answer(agency, insured, Response(K.CORRECTION, "纠偏")))
    error = await refused(
        sessionmaker,
        InvalidTransition,
        answer(agency, answered, Response(K.URGE, urge_due_on=date(2026, 9, 1))),
    )
    assert error.code == WarningErrorCode.WARNING_ALREADY_ANSWERED
    error = await refused(
        sessionmaker, InvalidTransition, answer(agency, answered, Response(K.CORRECTION, "x"), draft=True)
    )
    assert error.code == WarningErrorCode.WARNING_ALREADY_ANSWERED
    settled = await act(
        sessionmaker, answer(agency, answered, Response(K.CLOSE, "已纠正"))
    )  # after an answer
    assert settled.status == WarningStatus.CLOSED
    await refused(
        sessionmaker,
        Conflict,
        answer(agency, warnings["预算调整率"], Response(K.CORRECTION, "x"), version=99),
    )


async def test_art14_a_draft_is_read_only_where_drafts_are_then_given(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    warning = (await raised(sessionmaker, monitored))["参保人数"]
    agency = monitored.bodies.agency
    draft = await act(sessionmaker, answer(agency, warning, Response(K.CORRECTION, "初稿"), draft=True))
    assert (draft.status, draft.response_note) == (WarningStatus.RESPONSE_DRAFT, "初稿")
    [event] = await answered_events(sessionmaker)  # announced where the draft is read: it is a draft
    assert (event.draft, event.payload["status"]) == (True, "RESPONSE_DRAFT")
    # Drafts are read in their region and above, not from below nor by the national departments.
    county = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code="510104", administration=MED
    )
    national = await make_actor(sessionmaker, actor_type=ActorType.NATIONAL)
    province = (await bodies_of(sessionmaker, "510000")).finance
    drafted = WarningQuery(year=YEAR, statuses=[WarningStatus.RESPONSE_DRAFT])
    async with sessionmaker() as s:
        scope = await warning_scope(s, draft)
        assert [visible(a, scope) for a in (agency, province, county, national)] == [True, True, False, False]
        for reader, ids in ((province, [draft.id]), (agency, [draft.id]), (county, []), (national, [])):
            assert [w.id for w in (await s.exec(warnings_select(drafted, reader))).all()] == ids
    given = await act(sessionmaker, answer(agency, draft, Response(K.CORRECTION, "定稿")))
    assert (given.status, given.response_note) == (WarningStatus.ANSWERED, "定稿")
    async with sessionmaker() as s:  # answered, it is read from below again
        assert visible(county, await warning_scope(s, given))
    assert [e.draft for e in await answered_events(sessionmaker)] == [True, False]


async def test_art14_who_answers(sessionmaker: Sessionmaker, monitored: Monitored) -> None:
    warning = (await raised(sessionmaker, monitored))["参保人数"]
    bodies = monitored.bodies
    province = (await bodies_of(sessionmaker, "510000")).finance
    await refused(sessionmaker, Forbidden, answer(bodies.tax, warning, Response(K.CORRECTION, "x")))
    await refused(
        sessionmaker, Forbidden, answer(province, warning, Response(K.CORRECTION, "x"))
    )  # reads, may not answer
    pension_agency = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code="510100", administration=Administration.HRSS
    )
    zigong = (await bodies_of(sessionmaker, "510300")).finance
    for outsider in (pension_agency, zigong):  # a warning they cannot read is not there for them
        await refused(sessionmaker, NotFound, answer(outsider, warning, Response(K.CORRECTION, "x")))


async def test_art14_open_warnings_rolled_up_the_hierarchy(
    sessionmaker: Sessionmaker, monitored: Monitored
) -> None:
    warnings = await raised(sessionmaker, monitored)
    await act(
        sessionmaker, answer(monitored.bodies.agency, warnings["政策落实"], Response(K.CORRECTION, "x"))
    )
    await act(
        sessionmaker,
        answer(monitored.bodies.agency, warnings["参保人数"], Response(K.CORRECTION, "x"), draft=True),
    )
    province = (await bodies_of(sessionmaker, "510000")).finance
    county = await make_actor(
        sessionmaker, actor_type=ActorType.AGENCY, region_code="510104", administration=MED
    )
    fund = monitored.goal.fund_type_id
    async with sessionmaker() as s:
        sichuan = (await s.exec(select(Region).where(Region.code == "510000"))).one()
        chengdu = await s.get_one(Region, await region_id(s, "510100"))
        # The draft is still open: 4 of 5 (one answered).
        assert [
            (c.region_id, c.fund_type_id, c.open)
            for c in await open_counts(session=s, actor=province, region=sichuan, year=YEAR)
        ] == [(chengdu.id, fund, 4)]
        # 成都 itself counts its draft as open; a county of 成都 reads no draft of its pooling region.
        for reader, count in ((monitored.bodies.finance, 4), (county, 3)):
            at_home = await open_counts(session=s, actor=reader, region=chengdu, year=YEAR)
            assert [(c.region_id, c.open) for c in at_home] == [(chengdu.id, count)]
        assert await open_counts(session=s, actor=province, region=sichuan, year=YEAR + 1) == []
