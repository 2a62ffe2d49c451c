"""Document numbers by subject (issue 17), Art. 23: numbers are per issuing organization, kind family and
year, one per subject and family; the prefix is the issuing region's document abbreviation — the regional
rule, its derived default (川, 成, 广安 …) or what the region set — then the family."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Region
from src.models.enums import ActorType, GoalStatus
from src.models.goal import GoalDocumentKind
from src.reports.numbering import Issue, number_for
from src.services.rules import RuleKey
from src.services.rules.editing import update_rules
from src.subjects.documents import DocumentSpec, NumberSpec
from tests.factories import ISSUED_AT, make_actor
from tests.reports.test_numbering import assign, body_of, finance_of, goal_in, goal_table, numbers

Sessionmaker = async_sessionmaker[AsyncSession]


async def _unused(*_: Any, **__: Any) -> Any:
    raise AssertionError("numbering builds no document")


def goal_kind(family: str, issuer: ActorType = ActorType.FINANCE) -> DocumentSpec:
    """Another numbered kind of goal document, of another family, as a later kind (a letter about a goal)
    would declare it; it needs no registration to be numbered."""
    number = NumberSpec(issuer=issuer, family=family)
    return DocumentSpec(
        kind=f"TEST_{family}",
        label=family,
        subject="Goal",
        build_context=_unused,
        versions=_unused,
        number=number,
    )


async def set_abbreviation(sessionmaker: Sessionmaker, code: str, text: str) -> None:
    actor = await make_actor(sessionmaker, actor_type=ActorType.FINANCE, region_code=code)
    async with sessionmaker() as session:
        await update_rules(
            session=session,
            actor=actor,
            region_code=code,
            values={RuleKey.DOCUMENT_ABBREVIATION: text},
            reset=[],
        )
        await session.commit()


async def test_art23_two_families_of_one_body_each_start_at_one(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    """The province's finance body numbers its 财社 and its 财预 documents in two sequences, each from 1;
    the human resources and social security department numbers its 人社 documents in its own."""
    await finance_of(sessionmaker, "510000")
    await make_actor(sessionmaker, actor_type=ActorType.HRSS, region_code="510000")
    first = await goal_in(sessionmaker, fund_code="EMPLOYEE_MEDICAL")
    second = await goal_in(sessionmaker, fund_code="WORK_INJURY")
    budget, hrss = goal_kind("财预"), goal_kind("人社", ActorType.HRSS)
    assert await assign(sessionmaker, first) == "川财社〔2026〕1号"
    assert await assign(sessionmaker, second, budget) == "川财预〔2026〕1号"
    assert await assign(sessionmaker, second) == "川财社〔2026〕2号"
    assert await assign(sessionmaker, first, budget) == "川财预〔2026〕2号"
    assert await assign(sessionmaker, first, hrss) == "川人社〔2026〕1号"
    # One number per subject and family, whichever is asked first and however often.
    assert await assign(sessionmaker, first) == "川财社〔2026〕1号"
    assert await assign(sessionmaker, second, budget) == "川财预〔2026〕1号"
    rows = await numbers(sessionmaker)
    assert [(r.family, r.sequence, r.subject_id) for r in rows] == [
        ("财社", 1, first.id),
        ("财预", 1, second.id),
        ("财社", 2, second.id),
        ("财预", 2, first.id),
        ("人社", 1, first.id),
    ]
    finance, hrss_body = rows[0].organization_id, rows[-1].organization_id
    assert {r.organization_id for r in rows[:4]} == {finance} and hrss_body != finance


async def test_art23_a_region_sets_its_own_document_abbreviation(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    """成都市 sets 蓉: its finance body's numbers read 蓉财社 from then on; a number already given keeps the
    prefix it was given (it is printed on documents already issued); other regions keep theirs."""
    await finance_of(sessionmaker, "510000", "510100")
    before = await goal_in(sessionmaker, "510100", fund_code="EMPLOYEE_MEDICAL")
    assert await assign(sessionmaker, before) == "成财社〔2026〕1号"
    await set_abbreviation(sessionmaker, "510100", "蓉")
    after = await goal_in(sessionmaker, "510100", fund_code="RESIDENT_MEDICAL")
    assert await assign(sessionmaker, after) == "蓉财社〔2026〕2号"
    assert await assign(sessionmaker, before) == "成财社〔2026〕1号"
    assert await assign(sessionmaker, await goal_in(sessionmaker, "510000")) == "川财社〔2026〕1号"


async def test_art23_the_default_abbreviation_is_the_regions_own(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    """Without a rule of its own a region's prefix is its derived default: 广安市 is 广安, not 广元市's 广."""
    await finance_of(sessionmaker, "510800", "511600")
    guangyuan = await goal_in(sessionmaker, "510800")
    guangan = await goal_in(sessionmaker, "511600")
    assert await assign(sessionmaker, guangyuan) == "广财社〔2026〕1号"
    assert await assign(sessionmaker, guangan) == "广安财社〔2026〕1号"


async def test_a_kind_without_a_number_or_a_row_of_another_subject_is_an_error(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    await finance_of(sessionmaker, "510000")
    goal = await goal_in(sessionmaker, status=GoalStatus.ISSUED)
    unnumbered = DocumentSpec(
        kind=f"TEST_{GoalDocumentKind.GOAL_TABLE}",
        label="",
        subject="Goal",
        build_context=_unused,
        versions=_unused,
    )
    async with sessionmaker() as session:
        issue = Issue(organization_id=await body_of(session, goal, ActorType.FINANCE), at=ISSUED_AT)
        with pytest.raises(ValueError, match="carries no number"):
            await number_for(session=session, spec=unnumbered, subject=goal, issue=issue)
        region = await session.get(Region, goal.region_id)
        with pytest.raises(ValueError, match="documents a Goal, not a RuleSet"):
            await number_for(session=session, spec=goal_table(), subject=region, issue=issue)
    assert await numbers(sessionmaker) == []
