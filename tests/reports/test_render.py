"""The renderer and the goal table's context: the right values in the right cells, hostile text kept
intact and escaped, a sandbox no template can leave, and each kind's template and its own builder agreeing."""

import io
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from docx import Document
from docx.table import Table
from jinja2.exceptions import SecurityError, UndefinedError
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.render import context as bench_context
from src.models import Indicator
from src.models.assessment import AssessmentDocumentKind
from src.models.disclosure import DisclosureDocumentKind
from src.models.enums import ActorType, Administration, GoalStatus, IndicatorCategory
from src.models.escalation import LEVEL_KINDS
from src.models.evaluation import SelfEvaluationDocumentKind
from src.models.feedback import FeedbackDocumentKind
from src.models.goal import GoalDocumentKind
from src.models.monitoring import MonitoringDocumentKind
from src.models.provincial_evaluation import ProvincialEvaluationDocumentKind
from src.models.report import ReportFormat
from src.reports.compiled_docx import RenderedXmlError, compile_docx
from src.reports.contexts import build_context, file_stem
from src.reports.contexts.goal_table import date_zh, number, wan_yuan
from src.reports.render import TEMPLATE_DIR, Renderer, sandbox
from src.services.errors import NotFound
from src.subjects.registry import registry
from tests.factories import issue_goal, make_budget, make_goal, make_user
from tests.services.test_reads import actor
from tests.support.assessment_documents import real_round
from tests.support.disclosure_documents import real_disclosure
from tests.support.escalation_documents import real_escalation
from tests.support.feedback_documents import real_feedback
from tests.support.monitoring_documents import real_monitoring_records
from tests.support.provincial_records import real_provincial_records
from tests.support.self_evaluation_documents import real_self_evaluations
from tests.support.templates import template_problems

HOSTILE = "A<B & C \"引号\" 'x' 😀 ]]> <w:p/>"
LONG = ("长文本&<>" * 250)[:2000]
NOW = datetime(2026, 5, 30, 17, 0, tzinfo=UTC)  # 2026-05-31 01:00 in China


def _grid(document: object) -> Table:
    tables = [
        t
        for t in document.tables  # type: ignore[attr-defined]
        if t.rows and any(c.text == "三级指标" for c in t.rows[0].cells)
    ]
    assert len(tables) == 1
    grid: Table = tables[0]
    return grid


async def _hostile_goal(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code="510100", indicators=3)
        goal.content = LONG
        # The table's first row: the rows come in category order (决策, 过程, 产出, 效益), and of the
        # factory's three indicators (产出, 效益, 过程) the 过程 one is first.
        first_row = select(Indicator).where(
            Indicator.goal_id == goal.id, Indicator.level1 == IndicatorCategory.PROCESS
        )
        indicator = (await session.exec(first_row)).one()
        assert indicator is not None
        indicator.level3 = HOSTILE + "\x01\ufffe"  # XML cannot hold the last two
        indicator.target_value = Decimal("2381.8600")
        indicator.unit = "万人"
        session.add_all([goal, indicator])
        await make_budget(session, region_code="510100", year=2026)
        await session.commit()
        assert goal.id is not None
        return goal.id


async def test_goal_table_puts_each_value_in_its_cell(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    goal_id = await _hostile_goal(sessionmaker)
    chengdu = actor(ActorType.FINANCE, "/510000/510100/")
    async with sessionmaker() as session:
        context = await build_context(
            session=session, actor=chengdu, kind=GoalDocumentKind.GOAL_TABLE, subject_id=goal_id
        )
    data = Renderer().render(GoalDocumentKind.GOAL_TABLE, context)
    document = Document(io.BytesIO(data))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "成都市" in context["title"] and "".join(context["title_lines"]) == context["title"]
    assert set(context["title_lines"]) <= set(text.split("\n"))  # the title, line by line
    grid = _grid(document)
    first = grid.rows[1].cells
    assert first[2].text == HOSTILE  # escaped on the way in, intact on the way out; \x01 and \ufffe gone
    assert (first[3].text, first[4].text, first[5].text) == ("≥", "2,381.86", "万人")
    assert first[6].text == number(Decimal("30.00"))  # the factory's three indicators share the 90 points
    total = [c.text.strip() for c in grid.rows[-1].cells]
    assert total[0] == "合计" and total[6] == "90"  # in the weight column: the province's total
    assert LONG in "".join(c.text for t in document.tables for r in t.rows for c in r.cells) + text


async def test_goal_table_reads_with_the_requesters_visibility(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    goal_id = await _hostile_goal(sessionmaker)
    outsider = actor(ActorType.AGENCY, "/510000/511800/", administration=Administration.MEDICAL_SECURITY)
    async with sessionmaker() as session:
        with pytest.raises(NotFound):
            await build_context(
                session=session, actor=outsider, kind=GoalDocumentKind.GOAL_TABLE, subject_id=goal_id
            )


async def _issued_goal(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """A goal in force with its finance body: its table carries every field, its number included."""
    await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510100")
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code="510100", status=GoalStatus.ISSUED, indicators=3)
        await issue_goal(session, goal)
        await make_budget(session, region_code="510100", year=2026)
        await session.commit()
        assert goal.id is not None
        return goal.id


_years = itertools.count(2025, -1)


async def _province_goal_in_force(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """A goal in force of a fund pooled at the province (of a past year, whose every month has ended): its
    entry sheet for the province's own rows. A year of its own each time it is asked for one."""
    year = next(_years)
    async with sessionmaker() as session:
        goal = await make_goal(
            session, fund_code="UNEMPLOYMENT", region_code="510000", year=year, status=GoalStatus.ISSUED
        )
        await session.commit()
        assert goal.id is not None
        return goal.id


# A real record of each registered kind's subject: a kind registered later has no entry, and the lint below
# fails until it gets one, so that its template is checked against its own builder from the start.
_RECORDS: dict[int, dict[str, tuple[str, int]]] = {}


def _monitoring(name: str) -> Callable[[async_sessionmaker[AsyncSession]], Awaitable[int]]:
    """A monitoring document's subject among the real records (tests/support/monitoring_documents.py),
    made once per database."""

    async def subject(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
        if id(sessionmaker) not in _RECORDS:
            _RECORDS[id(sessionmaker)] = await real_monitoring_records(sessionmaker)
        return _RECORDS[id(sessionmaker)][name][1]

    return subject


_EVALUATIONS: dict[int, dict[str, int]] = {}


async def _submitted_self_evaluation(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """A submitted self-evaluation among its real records (tests/support/self_evaluation_documents.py),
    made once per database (its 绩效自评表 and its 自评报告 both print it)."""
    if id(sessionmaker) not in _EVALUATIONS:
        _EVALUATIONS[id(sessionmaker)] = await real_self_evaluations(sessionmaker)
    return _EVALUATIONS[id(sessionmaker)]["submitted"]


_PROVINCIAL: dict[int, dict[str, int]] = {}


def _provincial(name: str) -> Callable[[async_sessionmaker[AsyncSession]], Awaitable[int]]:
    """The provincial evaluation's report or summary (tests/support/provincial_records.py), made once per
    database on top of the submitted self-evaluation they aggregate."""

    async def subject(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
        if id(sessionmaker) not in _PROVINCIAL:
            await _submitted_self_evaluation(sessionmaker)
            _PROVINCIAL[id(sessionmaker)] = await real_provincial_records(sessionmaker)
        return _PROVINCIAL[id(sessionmaker)][name]

    return subject


_FEEDBACKS: dict[int, int] = {}


async def _feedback(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """A sent evaluation feedback (tests/support/feedback_documents.py) on the submitted self-evaluation,
    accepted for it: made once per database, after the kinds that print it submitted."""
    if id(sessionmaker) not in _FEEDBACKS:
        evaluation = await _submitted_self_evaluation(sessionmaker)
        _FEEDBACKS[id(sessionmaker)] = await real_feedback(sessionmaker, evaluation)
    return _FEEDBACKS[id(sessionmaker)]


async def _disclosure(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """成都's published disclosure holding its unemployment goal in force (tests/support/
    disclosure_documents.py)."""
    await make_user(sessionmaker, actor_type=ActorType.FINANCE, region_code="510100")
    async with sessionmaker() as session:
        goal = await make_goal(
            session, fund_code="UNEMPLOYMENT", region_code="510100", status=GoalStatus.ISSUED, indicators=3
        )
        await session.commit()
        assert goal.id is not None
    return await real_disclosure(sessionmaker, goal.id)


_ROUNDS: dict[int, int] = {}


async def _round(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """A published assessment round (tests/support/assessment_documents.py), made once per database."""
    if id(sessionmaker) not in _ROUNDS:
        _ROUNDS[id(sessionmaker)] = await real_round(sessionmaker)
    return _ROUNDS[id(sessionmaker)]


_ESCALATIONS: dict[int, int] = {}


async def _escalation(sessionmaker: async_sessionmaker[AsyncSession]) -> int:
    """自贡's 两书一函 case with its three letters sent (tests/support/escalation_documents.py)."""
    if id(sessionmaker) not in _ESCALATIONS:
        _ESCALATIONS[id(sessionmaker)] = await real_escalation(sessionmaker)
    return _ESCALATIONS[id(sessionmaker)]


SUBJECTS: dict[str, Callable[[async_sessionmaker[AsyncSession]], Awaitable[int]]] = {
    GoalDocumentKind.GOAL_TABLE: _issued_goal,
    MonitoringDocumentKind.MONITORING_ENTRY_SHEET: _province_goal_in_force,
    MonitoringDocumentKind.MONITORING_ENTRY_FORM: _province_goal_in_force,
    MonitoringDocumentKind.MONITORING_TABLE: _monitoring("table_accepted"),
    MonitoringDocumentKind.MONITORING_REPORT: _monitoring("report_accepted"),
    MonitoringDocumentKind.MONITORING_COMPILATION: _monitoring("compilation_sent"),
    SelfEvaluationDocumentKind.SELF_EVALUATION_FORM: _submitted_self_evaluation,
    SelfEvaluationDocumentKind.SELF_EVALUATION_REPORT: _submitted_self_evaluation,
    ProvincialEvaluationDocumentKind.PROVINCIAL_EVALUATION_REPORT: _provincial("report"),
    ProvincialEvaluationDocumentKind.PROVINCIAL_EVALUATION_SUMMARY: _provincial("summary"),
    FeedbackDocumentKind.EVALUATION_FEEDBACK_LETTER: _feedback,
    DisclosureDocumentKind.PERFORMANCE_DISCLOSURE: _disclosure,
    AssessmentDocumentKind.ASSESSMENT_NOTICE: _round,
    **{kind: _escalation for kind in LEVEL_KINDS.values()},
}


async def test_every_kinds_template_uses_exactly_what_its_own_builder_gives(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    """The template-variable lint (tests/support/templates.py), kind by kind: the variables of the kind's
    template against the keys its builder gives for a real record of its subject."""
    assert set(SUBJECTS) == set(registry().documents), "a document kind without a subject to lint it with"
    contexts = {}
    for kind, spec in registry().documents.items():
        subject_id = await SUBJECTS[kind](sessionmaker)
        async with sessionmaker() as session:
            context = await build_context(session=session, actor=actor(), kind=kind, subject_id=subject_id)
        contexts[kind] = context
        if spec.draw is not None:  # drawn in code, from no template: what it draws opens as its format
            assert spec.formats == (ReportFormat.XLSX,), kind
            assert load_workbook(io.BytesIO(Renderer().render(kind, context))).sheetnames, kind
            continue
        assert template_problems(spec, context) == [], kind
    assert contexts[GoalDocumentKind.GOAL_TABLE]["doc_number"] == "成财社〔2026〕1号"


def test_the_lint_names_what_template_and_builder_disagree_on(tmp_path: Path) -> None:
    spec = registry().documents[GoalDocumentKind.GOAL_TABLE]
    document = Document()
    document.add_paragraph("{{ title }}{{ not_given }}")
    document.save(str(tmp_path / spec.template))
    assert template_problems(spec, {"title": "", "unused": ""}, tmp_path) == [
        "GOAL_TABLE: GOAL_TABLE.docx uses 'not_given', which its builder does not give",
        "GOAL_TABLE: its builder gives 'unused', which GOAL_TABLE.docx never uses",
    ]
    assert file_stem(GoalDocumentKind.GOAL_TABLE, {"title": 'a/b:c*"d"'}) == "a_b_c__d_"


@pytest.mark.parametrize(
    "payload",
    [
        "{{ ''.__class__.__mro__ }}",
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ cycler.__init__.__globals__ }}",
        "{{ title.__class__ }}",
        "{{ not_given }}",
    ],
)
def test_a_template_cannot_leave_the_sandbox(tmp_path: Path, payload: str) -> None:
    document = Document()
    document.add_paragraph(payload)
    document.save(str(tmp_path / "GOAL_TABLE.docx"))
    with pytest.raises((SecurityError, UndefinedError)):
        Renderer(tmp_path).render(GoalDocumentKind.GOAL_TABLE, {"title": "t"})


def _minimal_context() -> dict[str, object]:
    return bench_context(2)


def test_warm_and_cold_renders_are_the_same_document() -> None:
    context = _minimal_context()
    warm = Renderer()
    documents = [warm.render(GoalDocumentKind.GOAL_TABLE, context) for _ in range(3)]
    documents.append(Renderer(warm=False).render(GoalDocumentKind.GOAL_TABLE, context))
    xml = [str(Document(io.BytesIO(d)).element.xml) for d in documents]
    assert len(set(xml)) == 1


def test_display_formats() -> None:
    assert date_zh(NOW) == "2026年5月31日"
    assert number(Decimal("2381.8600")) == "2,381.86" and number(Decimal("100.00")) == "100"
    assert wan_yuan(Decimal("12345678.90")) == "1,234.57"


def test_line_breaks_in_values_become_word_line_breaks() -> None:
    # The goal table prints its texts paragraph by paragraph (content_paragraphs); a value printed as it is
    # (here the goal's text when it has no paragraphs) keeps its line breaks as Word's.
    text = {"content": "第一行\n第二行", "content_paragraphs": [], "overall_content": ""}
    context = bench_context(0) | text
    document = Document(io.BytesIO(Renderer().render(GoalDocumentKind.GOAL_TABLE, context)))
    paragraph = next(p for t in document.tables for c in t._cells for p in c.paragraphs if "第一行" in p.text)
    assert "<w:br/>" in str(paragraph._p.xml) and paragraph.text == "第一行\n第二行"


def test_every_shipped_template_is_compiled_once() -> None:
    env = sandbox()
    for kind, spec in registry().documents.items():
        if spec.draw is None:  # a kind drawn in code has no template
            assert compile_docx(TEMPLATE_DIR / spec.template, env) is not None, kind


def _small_template(tmp_path: Path, text: str, *, title: str = "") -> None:
    document = Document()
    document.add_paragraph(text)
    document.core_properties.title = title
    document.save(str(tmp_path / "GOAL_TABLE.docx"))


def test_a_template_compiling_does_not_cover_renders_through_docxtpl(tmp_path: Path) -> None:
    # Jinja in a core property: docxtpl renders it, so the renderer takes docxtpl's path for this template.
    _small_template(tmp_path, "正文{{ body }}", title="标题{{ title }}")
    assert compile_docx(tmp_path / "GOAL_TABLE.docx", sandbox()) is None
    document = Document(
        io.BytesIO(Renderer(tmp_path).render(GoalDocumentKind.GOAL_TABLE, {"body": "甲", "title": "乙"}))
    )
    assert document.paragraphs[0].text == "正文甲" and document.core_properties.title == "标题乙"


def test_a_part_rendered_malformed_is_an_error_not_a_shorter_document(tmp_path: Path) -> None:
    _small_template(tmp_path, "前{{ body|safe }}后")
    renderer = Renderer(tmp_path)
    assert renderer.render(GoalDocumentKind.GOAL_TABLE, {"body": "&amp;"})
    with pytest.raises(RenderedXmlError, match=r"word/document\.xml"):
        renderer.render(GoalDocumentKind.GOAL_TABLE, {"body": "A<B & C"})


def test_the_same_context_renders_the_same_bytes() -> None:
    context = _minimal_context()
    renderer = Renderer()
    assert renderer.render(GoalDocumentKind.GOAL_TABLE, context) == Renderer().render(
        GoalDocumentKind.GOAL_TABLE, context
    )
