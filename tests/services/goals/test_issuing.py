"""Issuing draws the number (src/services/goals/issuing.py, Art. 10): goalIssueGuiding and goalIssue number
the goal from the issuing finance body's sequence of the year of issue, in the issuing transaction; the goal,
its event and its audit entry record it; the goal table only reads it (building one, by anybody, assigns
nothing); the formal issue after the guiding one is a second document with its own number; a region's goal
turned formal with the province's is numbered by its own finance body."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlmodel import col, select

from src.models import AuditEvent, DocumentNumber, Event, Goal
from src.models.enums import GoalStatus
from src.models.goal import GoalDocumentKind, GoalEventKind
from src.reports.contexts import build_context
from src.services.actors import Actor
from src.services.goals import workflow
from src.services.goals.steps import GoalAction
from tests.services.conftest import CHENGDU, Bodies, Sessionmaker
from tests.services.goals.conftest import ProvinceGoal, children_of, goal_row, step, through_review

A, S = GoalAction, GoalStatus
DECEMBER = datetime(2026, 12, 20, 2, tzinfo=UTC)  # the budget deployment for 2027 (10:00 in China)
MARCH = datetime(2027, 3, 5, 2, tzinfo=UTC)


@pytest.fixture
def issue_moment(monkeypatch: pytest.MonkeyPatch) -> list[datetime]:
    """The moments the steps take place at, in order (the clock of workflow.transition)."""
    moments = [DECEMBER]
    monkeypatch.setattr(workflow, "utcnow", lambda: moments[-1])
    return moments


async def numbers(sessionmaker: Sessionmaker) -> list[DocumentNumber]:
    async with sessionmaker() as session:
        return list((await session.exec(select(DocumentNumber).order_by(col(DocumentNumber.id)))).all())


async def table(sessionmaker: Sessionmaker, actor: Actor, goal_id: int) -> dict[str, Any]:
    async with sessionmaker() as session:
        context = await build_context(
            session=session, actor=actor, kind=GoalDocumentKind.GOAL_TABLE, subject_id=goal_id
        )
        await session.commit()  # whatever the build wrote would stay
    return context


async def test_art10_issuing_draws_the_number_of_the_issuing_body_for_the_year_of_issue(
    sessionmaker: Sessionmaker, province: Bodies, ready_to_issue: ProvinceGoal, issue_moment: list[datetime]
) -> None:
    """The 2027 goal, issued as guiding in December 2026, is 川财社〔2026〕1号 (the year of issue): stored on
    the goal with the moment and the issuing body, and in the step's event and audit entry."""
    issued = await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE_GUIDING)
    assert (issued.document_number, issued.issued_at) == ("川财社〔2026〕1号", DECEMBER)
    assert issued.issuer_organization_id == province.finance.organization_id
    [number] = await numbers(sessionmaker)
    assert (number.subject_id, number.year, number.act) == (ready_to_issue.id, 2026, "GUIDING")
    assert number.organization_id == province.finance.organization_id
    async with sessionmaker() as session:
        events = (await session.exec(select(Event).where(Event.subject_id == ready_to_issue.id))).all()
        audit = (
            await session.exec(select(AuditEvent).where(AuditEvent.operation == "goalIssueGuiding"))
        ).one()
    [event] = [e for e in events if e.kind == GoalEventKind.GOAL_STATUS_CHANGED]
    assert event.payload["documentNumber"] == "川财社〔2026〕1号"
    assert event.payload["issuedAt"] == DECEMBER.isoformat()
    assert audit.changes["document_number"]["after"] == "川财社〔2026〕1号"


async def test_art10_drafts_and_goals_under_review_carry_no_number(
    sessionmaker: Sessionmaker, province: Bodies, ready_to_issue: ProvinceGoal, issue_moment: list[datetime]
) -> None:
    """Reviewed but not issued: no number, no date, the mark of a draft under review in the place of the
    版头; once issued, the number and the day of issue."""
    before = await table(sessionmaker, province.finance, ready_to_issue.id)
    assert (before["issued"], before["doc_number"], before["date"], before["print_date"]) == (
        False,
        "",
        "",
        "",
    )
    assert before["draft_mark"] == "征求意见稿"
    await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE_GUIDING)
    after = await table(sessionmaker, province.finance, ready_to_issue.id)
    assert (after["issued"], after["draft_mark"], after["doc_number"]) == (True, "", "川财社〔2026〕1号")
    assert after["date"] == after["print_date"] == "2026年12月20日"
    assert after["signer"] == after["issuer"] == after["printer"] == "四川省FINANCE"  # the issuing body
    # A region's draft handed down by the issue carries none either.
    child = (await children_of(sessionmaker, ready_to_issue.id))[CHENGDU]
    drafted = await table(sessionmaker, province.finance, child.id or 0)
    assert (drafted["issued"], drafted["draft_mark"], drafted["doc_number"]) == (False, "草稿", "")


async def test_art10_building_the_table_assigns_nothing_whoever_asks(
    sessionmaker: Sessionmaker,
    province: Bodies,
    chengdu: Bodies,
    ready_to_issue: ProvinceGoal,
    issue_moment: list[datetime],
) -> None:
    """Two builds of the issued goal's table, by the province's finance and by 成都市's (a body that reads
    it), show the same number and date, and take no number of anybody's sequence."""
    await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE_GUIDING)
    issue_moment.append(MARCH)  # later downloads
    first = await table(sessionmaker, province.finance, ready_to_issue.id)
    second = await table(sessionmaker, chengdu.finance, ready_to_issue.id)
    assert (first["doc_number"], first["date"]) == (second["doc_number"], second["date"])
    assert (first["doc_number"], first["date"]) == ("川财社〔2026〕1号", "2026年12月20日")
    assert [n.text for n in await numbers(sessionmaker)] == ["川财社〔2026〕1号"]


async def test_art10_the_formal_issue_is_a_document_of_its_own_and_the_regions_follow(
    sessionmaker: Sessionmaker,
    province: Bodies,
    chengdu: Bodies,
    national: Actor,
    ready_to_issue: ProvinceGoal,
    issue_moment: list[datetime],
) -> None:
    """Guiding in December 2026 (川财社〔2026〕1号); 成都市 issues its goal as guiding
    (成财社〔2026〕1号); after the national approval the province issues formally in March 2027
    (川财社〔2027〕1号), and 成都市's goal, formal with it, is formally issued by 成都市's finance body in
    its own sequence (成财社〔2027〕1号), not the province's. The table of the formal issue cites the
    guiding one; the guiding numbers stay on record."""
    await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE_GUIDING)
    child_id = (await children_of(sessionmaker, ready_to_issue.id))[CHENGDU].id or 0
    await through_review(sessionmaker, chengdu, child_id)
    assert (
        await step(sessionmaker, chengdu.finance, child_id, A.ISSUE)
    ).document_number == "成财社〔2026〕1号"
    await step(sessionmaker, province.finance, ready_to_issue.id, A.SUBMIT_TO_NATIONAL)
    await step(sessionmaker, national, ready_to_issue.id, A.NATIONAL_APPROVE)
    issue_moment.append(MARCH)
    formal = await step(sessionmaker, province.finance, ready_to_issue.id, A.ISSUE)
    assert (formal.status, formal.document_number, formal.issued_at) == (S.ISSUED, "川财社〔2027〕1号", MARCH)
    child: Goal = await goal_row(sessionmaker, child_id)
    assert (child.status, child.document_number) == (S.ISSUED, "成财社〔2027〕1号")
    assert child.issuer_organization_id == chengdu.finance.organization_id
    assert [(n.text, n.act) for n in await numbers(sessionmaker)] == [
        ("川财社〔2026〕1号", "GUIDING"),
        ("成财社〔2026〕1号", "GUIDING"),
        ("川财社〔2027〕1号", "FORMAL"),
        ("成财社〔2027〕1号", "FORMAL"),
    ]
    context = await table(sessionmaker, province.finance, ready_to_issue.id)
    assert (context["doc_number"], context["date"]) == ("川财社〔2027〕1号", "2027年3月5日")
    assert "已经国家相关部门审核" in context["body"][0] and "川财社〔2026〕1号" in context["body"][0]
    # 成都市's rows handed down by the province carry the number the province goal was issued under.
    child_table = await table(sessionmaker, chengdu.finance, child_id)
    assert {r["handed_down"] for r in child_table["rows"]} == {"省下达（川财社〔2027〕1号）"}
    assert child_table["handed_down_all"] == "省下达（川财社〔2027〕1号）"  # said once under the grid
