"""Each prefecture's measurable facts for a budget year (Art. 22 考核), over the prefecture and the regions
below it: deadline rows done by their date (the rectification source's and the assessment's own apart),
self-evaluations owed, submitted and accepted with their average, rectification items closed (on time), and
warnings answered within their period's report time. Table-driven, with deadline sources registered in the
test only."""

from datetime import date
from decimal import Decimal

from sqlmodel import col, select

from src.models import Region, SelfEvaluation
from src.models.evaluation import SelfEvaluationStatus
from src.models.monitoring import WarningStatus
from src.services.assessment.facts import Facts, prefecture_facts
from tests.services.assessment.records import (
    SELF_EVALUATION_KIND,
    at,
    only_sources,
    self_evaluation,
    source,
    warning,
)
from tests.services.conftest import Sessionmaker

TODAY = date(2026, 10, 15)
D = date
ROWS = [  # (region, kind, due, done, year about)
    ("510100", "ENTRY", D(2025, 4, 10), at(D(2025, 4, 9)), 2025),  # 成都: on time
    ("510104", "ENTRY", D(2025, 4, 10), at(D(2025, 4, 10)), 2025),  # 锦江区 (成都's): on its day
    ("510100", "ENTRY", D(2025, 7, 10), at(D(2025, 7, 11)), 2025),  # late
    ("510100", "ENTRY", D(2025, 10, 10), None, 2025),  # overdue
    ("510100", "COMPILATION", D(2026, 1, 31), at(D(2026, 1, 20)), 2025),  # due the year after, about 2025
    ("510100", "ENTRY", D(2026, 4, 10), at(D(2026, 4, 1)), 2026),  # about 2026: not this round's
    ("510100", "LATER", D(2026, 12, 31), None, 2025),  # not yet due: not counted
    ("510000", "PROVINCE", D(2025, 7, 10), None, 2025),  # the province's own: nobody's prefecture
    ("510300", "ENTRY", D(2025, 4, 10), at(D(2025, 4, 1)), 2025),  # 自贡
    ("510100", SELF_EVALUATION_KIND, D(2026, 5, 31), at(D(2026, 5, 1)), 2025),
]
RECTIFICATION = [
    ("510100", "RECTIFICATION_ITEM", D(2026, 3, 31), at(D(2026, 3, 1)), 2025),  # closed on time
    ("510100", "RECTIFICATION_ITEM", D(2026, 3, 31), at(D(2026, 4, 1)), 2025),  # closed late
    ("510100", "RECTIFICATION_ITEM", D(2026, 6, 30), None, 2025),  # open, overdue
    ("510100", "RECTIFICATION_ITEM", D(2026, 12, 31), None, 2025),  # open, not yet due
]
OWN = [("510100", "ASSESSMENT_PUBLISH", D(2026, 10, 1), None, 2025)]  # never counted in itself


async def facts_of(sessionmaker: Sessionmaker) -> dict[str, Facts]:
    async with sessionmaker() as session:
        province = (await session.exec(select(Region).where(Region.code == "510000"))).one()
        found = await prefecture_facts(session=session, province=province, year=2025, today=TODAY)
    return {f.region.code: f for f in found}


async def test_art22_deadline_rows_of_the_year_done_by_their_date(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    with only_sources(
        source("work", ROWS), source("rectification", RECTIFICATION), source("assessment", OWN)
    ):
        found = await facts_of(sessionmaker)
    assert len(found) == 21  # every prefecture of Sichuan, in code order
    assert list(found)[:2] == ["510100", "510300"]
    chengdu = found["510100"]
    assert (chengdu.deadlines_due, chengdu.deadlines_on_time) == (6, 4)
    assert (found["510300"].deadlines_due, found["510300"].deadlines_on_time) == (1, 1)
    assert (found["511800"].deadlines_due, found["511800"].deadlines_on_time) == (0, 0)
    # Rectification: due or closed, closed, closed on time; the open one not yet due is not counted.
    assert (chengdu.rectification_items, chengdu.rectification_closed, chengdu.rectification_on_time) == (
        3, 2, 1,
    )  # fmt: skip
    assert found["510300"].rectification_items == 0  # none: not applicable (scoring.py)


async def test_art22_without_a_rectification_source_there_are_no_items(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    with only_sources(source("work", ROWS)):
        found = await facts_of(sessionmaker)
    assert all(f.rectification_items == 0 for f in found.values())


async def test_art22_self_evaluations_owed_submitted_accepted_and_their_average(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    owed = [
        ("510100", SELF_EVALUATION_KIND, D(2026, 5, 31), at(D(2026, 5, 1)), 2025),
        ("510300", SELF_EVALUATION_KIND, D(2026, 5, 31), None, 2025),
    ]
    async with sessionmaker() as session:
        await self_evaluation(session, "510100", SelfEvaluationStatus.ACCEPTED, "86.50")
        await self_evaluation(session, "510300", SelfEvaluationStatus.SUBMITTED, None)
        await session.commit()
    async with sessionmaker() as session:
        stmt = select(Region.code, SelfEvaluation.fund_type_id).join(
            SelfEvaluation, col(SelfEvaluation.region_id) == Region.id
        )
        funds = dict((await session.exec(stmt)).all())
    with only_sources(source("work", owed, funds)):
        found = await facts_of(sessionmaker)
    chengdu, zigong = found["510100"], found["510300"]
    assert (chengdu.evaluations_owed, chengdu.evaluations_submitted, chengdu.evaluations_accepted) == (
        1,
        1,
        1,
    )
    assert chengdu.evaluations_average == Decimal("86.50")
    assert (zigong.evaluations_owed, zigong.evaluations_submitted, zigong.evaluations_accepted) == (1, 1, 0)
    assert zigong.evaluations_average is None


async def test_art22_warnings_answered_within_their_periods_report_time(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    # March's warnings: answered by 20 April (period end + the default MONITORING_REPORT_DUE_DAYS, 20).
    async with sessionmaker() as session:
        await warning(session, "510100", 3, WarningStatus.ANSWERED, D(2025, 4, 20))  # in time
        await warning(session, "510104", 3, WarningStatus.CLOSED, D(2025, 4, 2))  # 锦江区: in time
        await warning(session, "510100", 3, WarningStatus.ANSWERED, D(2025, 4, 21))  # late
        await warning(session, "510100", 6, WarningStatus.OPEN, None)  # never answered
        await warning(session, "510100", 9, WarningStatus.CLOSED, None)  # a later period resolved it
        await warning(session, "510300", 6, WarningStatus.RESPONSE_DRAFT, None)  # a draft is no answer
        await session.commit()
    with only_sources():
        found = await facts_of(sessionmaker)
    assert (found["510100"].warnings_due, found["510100"].warnings_in_time) == (4, 2)
    assert (found["510300"].warnings_due, found["510300"].warnings_in_time) == (1, 0)
