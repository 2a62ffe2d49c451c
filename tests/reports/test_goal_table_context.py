"""The goal table's data (issue 18): the title as issued, the rows in the library's category order with their
direction, the budget that cross-foots in 万元, the texts as paragraphs printed exactly, the 主管部门 by
name, and an annual goal's overall goal (Art. 8)."""

import io
from decimal import Decimal
from typing import Any

from docx import Document
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundBudget, FundBudgetLine, Goal, Indicator
from src.models.enums import (
    ActorType,
    Administration,
    BudgetItem,
    BudgetLineCategory,
    Comparator,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
    IndicatorKind,
    QualitativeGrade,
)
from src.models.goal import GoalDocumentKind
from src.reports.contexts import build_context
from src.reports.contexts.goal_budget import budget_block
from src.reports.contexts.goal_notice import content_paragraphs
from src.reports.render import Renderer
from src.seed.demo import load_demo_data
from tests.factories import issue_goal, make_goal, make_user
from tests.services.test_reads import actor

Sessionmaker = async_sessionmaker[AsyncSession]
CHENGDU_FINANCE = actor(ActorType.FINANCE, "/510000/510100/")

# (一级, 二级, 三级, comparator): in an order the library does not keep; 机构运行 is no library 二级.
INDICATORS = [
    (IndicatorCategory.BENEFIT, "满意度", "参保对象满意度", Comparator.GE),
    (IndicatorCategory.OUTPUT, "时效", "待遇发放及时率", Comparator.EQ),
    (IndicatorCategory.PROCESS, "机构运行", "经办差错率", Comparator.LE),
    (IndicatorCategory.OUTPUT, "数量", "参保人数", Comparator.GE),
    (IndicatorCategory.DECISION, "政策制定", "绩效目标设置合理性", Comparator.GRADE),
    (IndicatorCategory.PROCESS, "基金预算管理", "基金支出预算执行率", Comparator.GE),
    (IndicatorCategory.BENEFIT, "社会效益", "政策知晓率", Comparator.GE),
]


async def goal_with(
    sessionmaker: Sessionmaker, *, content: str = "", status: GoalStatus = GoalStatus.DRAFT
) -> int:
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code="510100", status=status, indicators=0)
        goal.content = content
        for order, (level1, level2, level3, comparator) in enumerate(INDICATORS):
            grade = comparator == Comparator.GRADE
            session.add(
                Indicator(
                    goal_id=goal.id or 0,
                    level1=level1,
                    level2=level2,
                    level3=level3,
                    kind=IndicatorKind.QUALITATIVE if grade else IndicatorKind.QUANTITATIVE,
                    comparator=comparator,
                    target_value=None if grade else Decimal(90),
                    target_grade=QualitativeGrade.ACHIEVED if grade else None,
                    unit="" if grade else "%",
                    weight=Decimal(10),
                    sort_order=order,
                )
            )
        session.add(goal)
        await session.commit()
        return goal.id or 0


async def context_of(sessionmaker: Sessionmaker, goal_id: int) -> dict[str, Any]:
    async with sessionmaker() as session:
        return await build_context(
            session=session, actor=CHENGDU_FINANCE, kind=GoalDocumentKind.GOAL_TABLE, subject_id=goal_id
        )


async def test_art9_rows_come_in_the_librarys_category_order(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    """决策, 过程, 产出, 效益, and within each the library's 二级 order (a 二级 it does not know last): each
    category is one block of the grid."""
    rows = (await context_of(sessionmaker, await goal_with(sessionmaker)))["rows"]
    assert [(r["level1"], r["level2"]) for r in rows] == [
        ("决策指标", "政策制定"),
        ("过程指标", "基金预算管理"),
        ("过程指标", "机构运行"),
        ("产出指标", "数量"),
        ("产出指标", "时效"),
        ("效益指标", "社会效益"),
        ("效益指标", "满意度"),
    ]


async def test_art9_each_row_says_its_direction_and_kind(sessionmaker: Sessionmaker, reference: None) -> None:
    """指标方向性 by comparator: ≥ 正向, ≤ 反向, = 中性, a qualitative grade 正向; 定量/定性 in its own key;
    no note that only repeats them."""
    rows = {r["level3"]: r for r in (await context_of(sessionmaker, await goal_with(sessionmaker)))["rows"]}
    assert {name: (r["comparator"], r["direction"], r["kind"]) for name, r in rows.items()} == {
        "参保对象满意度": ("≥", "正向", "定量"),
        "待遇发放及时率": ("=", "中性", "定量"),
        "经办差错率": ("≤", "反向", "定量"),
        "参保人数": ("≥", "正向", "定量"),
        "绩效目标设置合理性": ("定性", "正向", "定性"),
        "基金支出预算执行率": ("≥", "正向", "定量"),
        "政策知晓率": ("≥", "正向", "定量"),
    }
    assert {r["note"] for r in rows.values()} == {""} and {r["handed_down"] for r in rows.values()} == {""}


async def test_the_title_names_the_year_once_and_breaks_between_words(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    context = await context_of(sessionmaker, await goal_with(sessionmaker))
    title = "成都市2026年度职工基本医疗保险（含生育保险）基金预算绩效目标表"
    assert context["title"] == title and "".join(context["title_lines"]) == title
    assert context["title_lines"] == [
        "成都市2026年度",
        "职工基本医疗保险（含生育保险）基金",
        "预算绩效目标表",
    ]
    assert context["fund"] == "职工基本医疗保险（含生育保险）基金"


def test_user_text_becomes_paragraphs() -> None:
    assert content_paragraphs("第一段\r\n第二段\n\n  \n第三段 ") == ["第一段", "第二段", "第三段 "]
    assert content_paragraphs("") == []


async def test_user_text_is_printed_exactly_never_as_template_code(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    """Jinja-looking user text is data: {{ x }}, {_{ x }_} and {% if %} print as typed (docxtpl escapes
    values; the values are not templates)."""
    text = "甲{{ x }}乙\n{_{ title }_}丙{% if 1 %}丁"
    goal_id = await goal_with(sessionmaker, content=text)
    context = await context_of(sessionmaker, goal_id)
    assert context["content_paragraphs"] == ["甲{{ x }}乙", "{_{ title }_}丙{% if 1 %}丁"]
    document = Document(io.BytesIO(Renderer().render(GoalDocumentKind.GOAL_TABLE, context)))
    printed = "\n".join(p.text for p in document.paragraphs)
    printed += "\n".join(c.text for t in document.tables for r in t.rows for c in r.cells)
    assert "甲{{ x }}乙" in printed and "{_{ title }_}丙{% if 1 %}丁" in printed


async def test_art8_an_annual_goal_shows_its_overall_goal(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    async with sessionmaker() as session:
        overall = await make_goal(session, region_code="510100", horizon=GoalHorizon.OVERALL, indicators=0)
        overall.content = "2026—2030年总体目标\n基金收支平衡"
        annual = await make_goal(session, region_code="510100", overall_goal_id=overall.id, indicators=0)
        session.add(overall)
        await session.commit()
    context = await context_of(sessionmaker, annual.id or 0)
    assert context["overall_content"] == "2026—2030年总体目标\n基金收支平衡"
    assert context["overall_paragraphs"] == ["2026—2030年总体目标", "基金收支平衡"]
    own = await context_of(sessionmaker, overall.id or 0)
    assert own["overall_content"] == "" and own["title"].endswith(
        "2026—2030年职工基本医疗保险（含生育保险）基金预算绩效总体目标表"
    )


async def test_the_department_is_named_from_the_organizations_on_record(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    goal_id = await goal_with(sessionmaker)
    assert (await context_of(sessionmaker, goal_id))["department"] == "成都市医疗保障行政部门（未登记）"
    await make_user(
        sessionmaker,
        actor_type=ActorType.MEDICAL_SECURITY,
        region_code="510100",
        administration=Administration.MEDICAL_SECURITY,
    )
    assert (await context_of(sessionmaker, goal_id))["department"] == "成都市MEDICAL_SECURITYMEDICAL_SECURITY"


def _goal(horizon: GoalHorizon = GoalHorizon.ANNUAL) -> Goal:
    end = 2026 if horizon == GoalHorizon.ANNUAL else 2030
    return Goal(title="", horizon=horizon, start_year=2026, end_year=end, fund_type_id=1, region_id=1)


def _lines(revenue: str, expenditure: str, accumulated: str = "0") -> list[FundBudgetLine]:
    figures = [
        (BudgetLineCategory.REVENUE, BudgetItem.CONTRIBUTION, revenue),
        (BudgetLineCategory.EXPENDITURE, BudgetItem.BENEFITS, expenditure),
        (BudgetLineCategory.BALANCE, BudgetItem.ACCUMULATED_BALANCE, accumulated),
    ]
    return [FundBudgetLine(budget_id=1, category=c, item=i, initial_amount=Decimal(a)) for c, i, a in figures]


def test_the_balance_is_the_difference_of_the_printed_figures() -> None:
    """12,350 yuan less 2,349 yuan: each rounded to 万元 is 1.24 and 0.23, so the balance printed is 1.01,
    though the 10,001 yuan of the balance would round to 1.00 on its own."""
    block = budget_block({2026: _lines("12350", "2349", "10001")}, _goal())
    assert (block["revenue"], block["expenditure"], block["current_balance"]) == ("1.24", "0.23", "1.01")
    assert block["basis"] == "2026年度基金预算"


def test_an_overall_goal_shows_the_budgets_of_its_years() -> None:
    block = budget_block(
        {2026: _lines("20000", "10000", "5"), 2027: _lines("30000", "10000", "7")}, _goal(GoalHorizon.OVERALL)
    )
    assert (block["revenue"], block["expenditure"], block["current_balance"]) == ("5.00", "2.00", "3.00")
    assert block["accumulated_balance"] == "0.00"  # at the end of 2027, the last year on record
    assert block["basis"] == "2026—2030年基金预算合计（已编制2026、2027年度预算）"
    assert budget_block({}, _goal())["revenue"] == "—"


def _wan(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


async def test_every_demo_budget_cross_foots_as_printed(sessionmaker: Sessionmaker, reference: None) -> None:
    """The demo data set: for every budget, the printed revenue less the printed expenditure is the printed
    balance, to the fen of 万元; and the tables of the demo goals in force carry their numbers."""
    async with sessionmaker() as session:
        await load_demo_data(session=session)
        await session.commit()
    async with sessionmaker() as session:
        budgets = (await session.exec(select(FundBudget))).all()
        lines = (await session.exec(select(FundBudgetLine).order_by(col(FundBudgetLine.sort_order)))).all()
        issued = (
            await session.exec(
                select(Goal).where(col(Goal.status).in_([GoalStatus.ISSUED, GoalStatus.ISSUED_GUIDING]))
            )
        ).all()
    assert budgets and issued and all(g.document_number and g.issued_at for g in issued)
    by_budget: dict[int, list[FundBudgetLine]] = {}
    for line in lines:
        by_budget.setdefault(line.budget_id, []).append(line)
    for budget in budgets:
        block = budget_block({budget.year: by_budget[budget.id or 0]}, _goal())
        balance = _wan(block["revenue"]) - _wan(block["expenditure"])
        assert balance == _wan(block["current_balance"]), budget.id


async def test_a_goal_in_force_shows_the_day_it_was_issued(
    sessionmaker: Sessionmaker, reference: None
) -> None:
    await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510100")
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code="510100", status=GoalStatus.ISSUED, indicators=1)
        await issue_goal(session, goal)
        await session.commit()
    context = await context_of(sessionmaker, goal.id or 0)
    assert (context["issued"], context["doc_number"], context["date"]) == (
        True,
        "成财社〔2026〕1号",
        "2026年3月5日",
    )
    assert context["body"][0].startswith("根据《四川省社会保险基金预算绩效管理实施办法》第十条规定")
