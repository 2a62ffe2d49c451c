"""The result application's services (Art. 20), as every caller (the API, the demo, scripts) reaches them:
refusals write nothing, links and text are checked here too, the audit trail keeps the uses, and a draft's
place decides who reads it."""

from decimal import Decimal

from sqlmodel import col, select

from src.models import AuditEvent, Event, ResultApplicationUse
from src.models.enums import GoalStatus
from src.models.result_application import ApplicationKind, ResultApplicationStatus, UseInput
from src.services.errors import Conflict, Forbidden, NotFound, ValidationFailed
from src.services.result_application import applications
from tests.factories import make_goal
from tests.services.conftest import CHENGDU, YAAN, Bodies, Sessionmaker, act, bodies_of, refused

FUND = "EMPLOYEE_MEDICAL"


def create(actor: Bodies, *uses: UseInput, region: str = CHENGDU):  # type: ignore[no-untyped-def]
    return lambda s: applications.create_application(
        session=s, actor=actor.finance, region_code=region, fund_type_code=FUND, year=2025, uses=uses
    )


async def test_art20_a_refused_record_writes_nothing(
    sessionmaker: Sessionmaker, chengdu: Bodies, province: Bodies
) -> None:
    async with sessionmaker() as s:
        wrong_year = await make_goal(s, region_code=CHENGDU, year=2027, status=GoalStatus.ISSUED)
        await s.commit()
    bad = UseInput(kind=ApplicationKind.NEXT_YEAR_GOAL, description="调整目标", goal_id=wrong_year.id)
    error = await refused(sessionmaker, ValidationFailed, create(chengdu, bad))
    assert [(p.field, p.code) for p in error.problems] == [("input.uses.0.goalId", "INVALID")]
    # Control characters are refused for every caller, not only at the API's edge.
    text = UseInput(kind=ApplicationKind.POLICY, description="政策\x1b修订")
    error = await refused(sessionmaker, ValidationFailed, create(chengdu, text))
    assert [p.field for p in error.problems] == ["input.uses.0.description"]
    yaan = await bodies_of(sessionmaker, YAAN)
    await refused(sessionmaker, Forbidden, create(yaan, region=CHENGDU))
    await refused(sessionmaker, Forbidden, create(chengdu, region=YAAN))
    await act(sessionmaker, create(province))  # the province's finance, for any region
    await refused(sessionmaker, Conflict, create(chengdu))


async def test_art20_the_audit_trail_and_the_events_keep_the_uses(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    use = UseInput(kind=ApplicationKind.FUND_ALLOCATION, description="安排资金", amount=Decimal("12.5"))
    row = await act(sessionmaker, create(chengdu, use))
    assert row.id is not None
    policy = UseInput(kind=ApplicationKind.POLICY, description="修订办法")
    await act(
        sessionmaker,
        lambda s: applications.update_application(
            session=s, actor=chengdu.finance, application_id=row.id or 0, row_version=1, uses=[policy]
        ),
    )
    async with sessionmaker() as s:
        trail = (await s.exec(select(AuditEvent).order_by(col(AuditEvent.id)))).all()
        events = (await s.exec(select(Event.kind).order_by(col(Event.id)))).all()
        uses = (await s.exec(select(ResultApplicationUse))).all()
    created, updated = [a for a in trail if a.operation.startswith("resultApplication")]
    assert "uses" in str(created.changes) and "12.50" in str(created.changes)
    assert "FUND_ALLOCATION" in str(updated.changes) and "POLICY" in str(updated.changes)
    assert events == ["RESULT_APPLICATION_STATUS_CHANGED", "RESULT_APPLICATION_CHANGED"]
    assert [(u.kind, u.amount) for u in uses] == [(ApplicationKind.POLICY, None)]


async def test_art20_a_draft_the_province_writes_for_a_region_is_the_provinces_until_recorded(
    sessionmaker: Sessionmaker, chengdu: Bodies, province: Bodies
) -> None:
    use = UseInput(kind=ApplicationKind.MANAGEMENT, description="改进管理")
    row = await act(sessionmaker, create(province, use))

    def read(actor: Bodies):  # type: ignore[no-untyped-def]
        return lambda s: applications.visible_application(
            session=s, actor=actor.finance, application_id=row.id or 0
        )

    await refused(sessionmaker, NotFound, read(chengdu))
    recorded = await act(
        sessionmaker,
        lambda s: applications.record_application(
            session=s, actor=province.finance, application_id=row.id or 0, row_version=1
        ),
    )
    assert recorded.status == ResultApplicationStatus.RECORDED
    assert (await act(sessionmaker, read(chengdu))).id == row.id
