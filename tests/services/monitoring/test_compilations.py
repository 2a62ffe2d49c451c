"""src/services/monitoring/compilations.py, compilation_reads.py and compilation_recipients.py: each
prefecture's finance compiles its area's accepted year-end reports into one record and sends it by the end
of January (Art. 13 「各市（州）财政部门每年1月底前牵头汇总本地上年运行监控情况报告，报财政厅、人力资源社会
保障厅、省医保局、省税务局」): numbered as a finance body's document, addressed to the four provincial bodies,
each of which reads and acknowledges it; late is marked, not refused."""

from datetime import UTC, date, datetime

import pytest
from sqlmodel import col, select

from src.models import AuditEvent, Event, MonitoringCompilationRecipient
from src.models.enums import ActorType, Administration
from src.models.monitoring import CompilationStatus, MonitoringCompilation, MonitoringReportStatus
from src.services.actors import Actor
from src.services.errors import (
    Conflict,
    Forbidden,
    GoalErrorCode,
    InvalidTransition,
    MonitoringReportErrorCode,
    NotFound,
    PreconditionFailed,
    ValidationFailed,
)
from src.services.monitoring import compilation_reads as reads
from src.services.monitoring import compilations
from src.services.monitoring.compilation_recipients import RECIPIENT_TYPES, acknowledge_compilation
from tests.factories import make_actor
from tests.services.conftest import CHENGDU, PROVINCE, Bodies, Call, Sessionmaker, act, bodies_of, refused
from tests.services.monitoring.report_rows import GoalInForce, goal_in_force, put_report

YEAR = 2025  # monitored; compiled in January 2026
TEXT = compilations.CompilationText(summary="总体平稳", problems="支出偏慢", measures="加快支出")


def create(
    actor: Actor, year: int = YEAR, text: compilations.CompilationText = TEXT
) -> Call[MonitoringCompilation]:
    return lambda s: compilations.create_compilation(
        session=s, actor=actor, region_code=CHENGDU, year=year, text=text
    )


def send(actor: Actor, compilation: MonitoringCompilation) -> Call[MonitoringCompilation]:
    return lambda s: compilations.send_compilation(
        session=s, actor=actor, compilation_id=compilation.id or 0, row_version=compilation.row_version
    )


def acknowledge(actor: Actor, compilation: MonitoringCompilation) -> Call[MonitoringCompilation]:
    return lambda s: acknowledge_compilation(session=s, actor=actor, compilation_id=compilation.id or 0)


async def provincial_bodies(sessionmaker: Sessionmaker) -> dict[ActorType, Actor]:
    """财政厅, 人社厅, 省医保局, 省税务局 (as users of each)."""
    kinds = {
        ActorType.FINANCE: None,
        ActorType.HRSS: Administration.HRSS,
        ActorType.MEDICAL_SECURITY: Administration.MEDICAL_SECURITY,
        ActorType.TAX: None,
    }
    return {
        kind: await make_actor(
            sessionmaker, actor_type=kind, region_code=PROVINCE, administration=administration
        )
        for kind, administration in kinds.items()
    }


async def year_end_reports(sessionmaker: Sessionmaker, chengdu: Bodies) -> list[GoalInForce]:
    """成都市's 2025 medical funds, each with its goal in force; the employee fund's year-end report
    accepted, the resident fund's only submitted, a June report accepted (neither is compiled)."""
    async with sessionmaker() as session:
        employee = await goal_in_force(session, fund_code="EMPLOYEE_MEDICAL", year=YEAR)
        resident = await goal_in_force(session, fund_code="RESIDENT_MEDICAL", year=YEAR)
        await put_report(session, employee, by=chengdu.agency)
        await put_report(session, employee, by=chengdu.agency, month=6)
        await put_report(session, resident, by=chengdu.agency, status=MonitoringReportStatus.SUBMITTED)
        await session.commit()
    return [employee, resident]


@pytest.fixture
async def ready(sessionmaker: Sessionmaker, chengdu: Bodies) -> dict[ActorType, Actor]:
    await year_end_reports(sessionmaker, chengdu)
    return await provincial_bodies(sessionmaker)


async def test_art13_the_prefectures_finance_compiles(sessionmaker: Sessionmaker, chengdu: Bodies) -> None:
    draft = await act(sessionmaker, create(chengdu.finance))
    assert (draft.status, draft.summary, draft.organization_id) == (
        CompilationStatus.DRAFT,
        "总体平稳",
        chengdu.finance.organization_id,
    )
    again = await refused(sessionmaker, Conflict, create(chengdu.finance))
    assert again.code == MonitoringReportErrorCode.COMPILATION_EXISTS
    province = await bodies_of(sessionmaker, PROVINCE)
    for outsider in (chengdu.agency, chengdu.reviewer, chengdu.tax, province.finance):
        await refused(sessionmaker, Forbidden, create(outsider, year=2024))
    bad = compilations.CompilationText(summary="\x07")
    error = await refused(sessionmaker, ValidationFailed, create(chengdu.finance, 2024, bad))
    assert [p.field for p in error.problems] == ["input.summary"]
    edited = await act(
        sessionmaker,
        lambda s: compilations.update_compilation(
            session=s,
            actor=chengdu.finance,
            compilation_id=draft.id or 0,
            row_version=draft.row_version,
            text=compilations.CompilationText(problems="个别县区支出偏慢"),
        ),
    )
    assert (edited.summary, edited.problems) == ("总体平稳", "个别县区支出偏慢")


async def test_art13_it_compiles_the_accepted_year_end_reports_of_the_area(
    sessionmaker: Sessionmaker, chengdu: Bodies, ready: dict[ActorType, Actor]
) -> None:
    compilation = await act(sessionmaker, create(chengdu.finance))
    async with sessionmaker() as session:
        compiled = await reads.compiled_reports(session, compilation)
    assert [(r.month, r.status) for r in compiled] == [(12, MonitoringReportStatus.ACCEPTED)]


async def test_art13_sending_numbers_it_and_addresses_the_four_provincial_bodies(
    sessionmaker: Sessionmaker, chengdu: Bodies, ready: dict[ActorType, Actor]
) -> None:
    compilation = await act(sessionmaker, create(chengdu.finance))
    await refused(sessionmaker, Forbidden, send(chengdu.agency, compilation))
    sent = await act(sessionmaker, send(chengdu.finance, compilation))
    this_year = datetime.now(UTC).year
    assert (sent.status, sent.document_number) == (CompilationStatus.SENT, f"成财社〔{this_year}〕1号")
    assert sent.sent_at is not None
    async with sessionmaker() as session:
        recipients = (
            await session.exec(
                select(MonitoringCompilationRecipient.organization_id).order_by(
                    col(MonitoringCompilationRecipient.id)
                )
            )
        ).all()
        event = (await session.exec(select(Event).where(Event.kind == "MONITORING_COMPILATION_SENT"))).one()
        audit = (
            await session.exec(select(AuditEvent.operation).where(AuditEvent.target_id == sent.id))
        ).all()
        assert await reads.due_on(session, sent) == date(2026, 1, 31)
    assert recipients == [ready[t].organization_id for t in RECIPIENT_TYPES]
    assert event.payload["late"] is (reads.is_late(sent, date(2026, 1, 31)))
    assert event.payload["documentNumber"] == sent.document_number and event.administrations
    assert "monitoringCompilationSend" in audit
    locked = await refused(sessionmaker, InvalidTransition, send(chengdu.finance, sent))
    assert locked.code == GoalErrorCode.WRONG_STATUS


def test_art13_late_is_after_the_rules_day_in_chinas_calendar() -> None:
    due = date(2026, 1, 31)
    sent = MonitoringCompilation(region_id=1, year=2025, organization_id=1, status=CompilationStatus.SENT)
    sent.sent_at = datetime(2026, 1, 31, 15, 59, tzinfo=UTC)  # 23:59 in China: on time
    assert not reads.is_late(sent, due)
    sent.sent_at = datetime(2026, 1, 31, 16, 0, tzinfo=UTC)  # 1 February in China
    assert reads.is_late(sent, due)
    assert not reads.is_late(MonitoringCompilation(region_id=1, year=2025, organization_id=1), due)


async def test_art13_nothing_to_compile_or_nobody_to_send_to_is_refused(
    sessionmaker: Sessionmaker, chengdu: Bodies
) -> None:
    compilation = await act(sessionmaker, create(chengdu.finance))
    nothing = await refused(sessionmaker, PreconditionFailed, send(chengdu.finance, compilation))
    assert nothing.code == MonitoringReportErrorCode.NOTHING_TO_COMPILE
    await year_end_reports(sessionmaker, chengdu)
    nobody = await refused(sessionmaker, PreconditionFailed, send(chengdu.finance, compilation))
    assert nobody.code == MonitoringReportErrorCode.RECIPIENT_MISSING and "财政部门" in nobody.message
    empty = await act(sessionmaker, create(chengdu.finance, 2024, compilations.CompilationText()))
    await provincial_bodies(sessionmaker)
    unwritten = await refused(sessionmaker, ValidationFailed, send(chengdu.finance, empty))
    assert [p.field for p in unwritten.problems] == [
        "compilation.summary",
        "compilation.problems",
        "compilation.measures",
    ]


async def test_art13_each_recipient_reads_and_acknowledges_it_once(
    sessionmaker: Sessionmaker, chengdu: Bodies, ready: dict[ActorType, Actor]
) -> None:
    compilation = await act(sessionmaker, create(chengdu.finance))
    early = await refused(sessionmaker, InvalidTransition, acknowledge(ready[ActorType.TAX], compilation))
    assert early.code == GoalErrorCode.WRONG_STATUS
    sent = await act(sessionmaker, send(chengdu.finance, compilation))
    for kind, actor in ready.items():
        async with sessionmaker() as session:
            seen = (
                await session.exec(reads.compilations_select(reads.CompilationQuery(year=YEAR), actor))
            ).all()
        assert [c.id for c in seen] == [sent.id], kind  # both administrations read it
        await act(sessionmaker, acknowledge(actor, sent))
    twice = await refused(sessionmaker, InvalidTransition, acknowledge(ready[ActorType.HRSS], sent))
    assert twice.code == MonitoringReportErrorCode.ALREADY_ACKNOWLEDGED
    await refused(sessionmaker, Forbidden, acknowledge(chengdu.finance, sent))  # the sender: not addressed
    async with sessionmaker() as session:
        stamped = (await session.exec(select(MonitoringCompilationRecipient.acknowledged_at))).all()
        events = (
            await session.exec(select(Event.kind).where(Event.subject_type == "MonitoringCompilation"))
        ).all()
    assert all(at is not None for at in stamped) and len(stamped) == 4
    assert events.count("MONITORING_COMPILATION_ACKNOWLEDGED") == 4


async def test_art13_a_compilation_is_not_read_outside_its_area(
    sessionmaker: Sessionmaker, chengdu: Bodies, ready: dict[ActorType, Actor]
) -> None:
    compilation = await act(sessionmaker, create(chengdu.finance))
    yaan = await bodies_of(sessionmaker, "511800")
    with pytest.raises(NotFound):
        async with sessionmaker() as session:
            await reads.visible_compilation(
                session=session, actor=yaan.finance, compilation_id=compilation.id or 0
            )
