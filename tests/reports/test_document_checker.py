"""The document checker (tests/support/document_checker.py and pdf_checker.py) finds what an official would
refuse to sign, and real goal tables pass it: a province goal, a prefecture goal with indicators handed down
from it, a goal of fifty indicators and a draft (DOCX and PDF), and every demo goal (DOCX)."""

import io
import re
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from bench.render import context as sample_context
from src.db import create_sessionmaker
from src.models import DocumentNumber, Goal, Indicator, Organization, Region
from src.models.enums import ActorType, Administration, GoalStatus
from src.models.goal import GoalDocumentKind
from src.reports.contexts import build_context
from src.reports.contexts.goal_table import date_zh
from src.reports.pdf import convert
from src.reports.render import Renderer
from src.seed.demo import load_demo_data
from src.seed.reference import load_reference_data
from tests.conftest import truncate_all
from tests.factories import ISSUED_AT, issue_goal, make_budget, make_goal
from tests.services.test_reads import actor
from tests.support.document_checker import check_docx
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf

KIND = GoalDocumentKind.GOAL_TABLE
MEDICAL = Administration.MEDICAL_SECURITY
# The bodies a goal's notice names (recipients, 抄送, the issuer), as the demo data names them.
BODIES: dict[str, list[tuple[ActorType, Administration | None, str]]] = {
    "510000": [
        (ActorType.FINANCE, None, "四川省财政厅"),
        (ActorType.MEDICAL_SECURITY, MEDICAL, "四川省医疗保障局"),
        (ActorType.AGENCY, MEDICAL, "四川省医疗保障事务中心"),
        (ActorType.TAX, None, "国家税务总局四川省税务局"),
        (ActorType.NATIONAL, None, "国家相关部门"),
    ],
    "510100": [
        (ActorType.FINANCE, None, "成都市财政局"),
        (ActorType.MEDICAL_SECURITY, MEDICAL, "成都市医疗保障局"),
        (ActorType.AGENCY, MEDICAL, "成都市医疗保障事务中心"),
        (ActorType.TAX, None, "国家税务总局成都市税务局"),
    ],
}


# --- the checker finds what is wrong ------------------------------------------------------------------


def spoil(blob: bytes, part: str, old: str, new: str, count: int = 1) -> bytes:
    """The document with `old` replaced by `new` in one of its XML parts (the first `count` times)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(blob)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == part:
                text = data.decode()
                assert old in text or old.startswith("re:"), old
                if old.startswith("re:"):
                    text = re.sub(old[3:], new, text, count=count, flags=re.DOTALL)
                else:
                    text = text.replace(old, new, count)
                data = text.encode()
            target.writestr(entry, data)
    return out.getvalue()


def narrow_targets(blob: bytes) -> bytes:
    """The grid's 指标值 column (the fifth) made 10 mm wide, cells and grid alike."""
    with zipfile.ZipFile(io.BytesIO(blob)) as archive:
        xml = archive.read("word/document.xml").decode()
    grid = re.findall(r'<w:tblGrid>(?:<w:gridCol w:w="\d+"/>){8,9}</w:tblGrid>', xml)[0]
    width = re.findall(r'w:w="(\d+)"', grid)[4]
    narrowed = spoil(blob, "word/document.xml", f'w:w="{width}"', 'w:w="567"', count=10_000)
    return narrowed


ISSUED, DRAFT = sample_context(12), sample_context(12, issued=False)
RED_RUN = '<w:r><w:rPr><w:color w:val="FF0000"/></w:rPr><w:t>红</w:t></w:r></w:p>'
OWN_FACE = '<w:r><w:rPr><w:rFonts w:eastAsia="宋体"/></w:rPr><w:t'
BODY_LINE = 're:(w:styleId="GBBody".*?w:line=")579'
# What spoils a document, where and how (context, part, old, new), and the problem the checker says.
SPOILERS: dict[str, tuple[dict[str, Any], str, str, str, str]] = {
    "a red run on a draft": (DRAFT, "word/document.xml", "</w:p>", RED_RUN, "red is used"),
    "another number": (ISSUED, "word/document.xml", "〔2026〕12号", "〔2026〕13号", "发文字号"),
    "another top margin": (ISSUED, "word/document.xml", 'w:top="2098"', 'w:top="2200"', "not GB/T 9704"),
    "no odd and even footers": (ISSUED, "word/settings.xml", "<w:evenAndOddHeaders/>", "", "evenAnd"),
    "a face of its own": (ISSUED, "word/document.xml", "<w:r><w:t", OWN_FACE, "own face"),
    "a body line off the grid": (ISSUED, "word/styles.xml", BODY_LINE, r"\g<1>600", "22 lines"),
}


@pytest.mark.parametrize("spoiler", sorted(SPOILERS))
def test_the_docx_checker_finds_each_problem(spoiler: str) -> None:
    context, part, old, new, problem = SPOILERS[spoiler]
    blob = Renderer().render(KIND, context)
    assert check_docx(blob, KIND, context) == []
    found = check_docx(spoil(blob, part, old, new), KIND, context)
    assert any(problem in p for p in found), found


def test_the_docx_checker_finds_broken_numbers_and_repeated_categories() -> None:
    blob = Renderer().render(KIND, ISSUED)
    assert any("needs" in p and "1,234,567" in p for p in check_docx(narrow_targets(blob), KIND, ISSUED))
    unsorted = ISSUED | {"rows": [*ISSUED["rows"][-2:], *ISSUED["rows"][:-2]]}  # 效益 before 产出 …效益
    found = check_docx(Renderer().render(KIND, unsorted), KIND, unsorted)
    assert found == ["category '效益指标' starts a second block (row 13)"], found


async def test_the_pdf_checker_finds_broken_numbers_and_red_on_a_draft(tmp_path: Path) -> None:
    needs_tools("pdftotext", "pdftoppm", "pdffonts")
    renderer = Renderer()
    red = spoil(renderer.render(KIND, DRAFT), "word/document.xml", "</w:p>", RED_RUN)
    documents = {"narrow": narrow_targets(renderer.render(KIND, ISSUED)), "red": red}
    pdfs = await convert(documents, profile_dir=tmp_path / "profile")
    for name, pdf in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
    narrow = check_pdf(tmp_path / "narrow.pdf", KIND, ISSUED)
    assert any("'1,234,567' is broken" in p for p in narrow), narrow
    assert any("not issued, but red" in p for p in check_pdf(tmp_path / "red.pdf", KIND, DRAFT))


# --- real goals ---------------------------------------------------------------------------------------


async def _bodies(session: AsyncSession, code: str) -> None:
    region = (await session.exec(select(Region).where(Region.code == code))).one()
    for actor_type, administration, name in BODIES[code]:
        session.add(
            Organization(
                name=name, actor_type=actor_type, administration=administration, region_id=region.id or 0
            )
        )
    await session.flush()


async def _indicators(session: AsyncSession, goal: Goal) -> list[Indicator]:
    stmt = select(Indicator).where(Indicator.goal_id == goal.id).order_by(col(Indicator.sort_order))
    return list((await session.exec(stmt)).all())


async def real_goals(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """A province goal in force; a prefecture goal issued from it, its indicators handed down (one set
    stricter than handed down: a note); a goal of fifty indicators; a draft in review. By name, their ids."""
    async with sessionmaker() as session:
        for code in BODIES:
            await _bodies(session, code)
        province = await make_goal(session, region_code="510000", status=GoalStatus.ISSUED, indicators=8)
        await issue_goal(session, province)
        await make_budget(session, region_code="510000", year=2026)
        prefecture = await make_goal(
            session, region_code="510100", status=GoalStatus.ISSUED, indicators=8, parent_goal_id=province.id
        )
        for source, indicator in zip(
            await _indicators(session, province), await _indicators(session, prefecture), strict=True
        ):
            indicator.inherited_from_id = source.id
            indicator.assigned_target_value = source.target_value
            indicator.assigned_target_grade = source.target_grade
            if indicator.target_value is not None and indicator.sort_order == 0:
                indicator.assigned_target_value = Decimal("90")  # set stricter than handed down
            session.add(indicator)
        await issue_goal(session, prefecture)
        await make_budget(session, region_code="510100", year=2026)
        fifty = await make_goal(session, region_code="510100", fund_code="UNEMPLOYMENT", indicators=50,
                                status=GoalStatus.ISSUED)  # fmt: skip
        await issue_goal(session, fifty)
        draft = await make_goal(
            session, region_code="510000", fund_code="UNEMPLOYMENT", status=GoalStatus.SUBMITTED
        )
        await session.commit()
    return {
        "province": province.id or 0,
        "prefecture": prefecture.id or 0,
        "fifty": fifty.id or 0,
        "draft": draft.id or 0,
    }


async def contexts(
    sessionmaker: async_sessionmaker[AsyncSession], ids: dict[str, int]
) -> dict[str, dict[str, Any]]:
    found = {}
    for name, goal_id in ids.items():
        async with sessionmaker() as session:
            found[name] = await build_context(
                session=session, actor=actor(is_admin=True), kind=KIND, subject_id=goal_id
            )
    return found


async def test_real_goal_tables_pass_the_checker(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    """DOCX for the four; PDF (LibreOffice) for the province, the prefecture and the fifty. Their numbers
    and dates are those of their issue (as the API's Goal.documentNumber and issuedAt give them)."""
    ids = await real_goals(sessionmaker)
    found = await contexts(sessionmaker, ids)
    async with sessionmaker() as session:
        stmt = select(DocumentNumber.subject_id, DocumentNumber.text).where(
            DocumentNumber.subject_type == "Goal"
        )
        numbers = dict((await session.exec(stmt)).all())
    for name in ("province", "prefecture", "fifty"):
        assert (found[name]["doc_number"], found[name]["date"]) == (numbers[ids[name]], date_zh(ISSUED_AT))
    assert (found["draft"]["doc_number"], found["draft"]["date"]) == ("", "")
    assert [r["handed_down"].startswith("省下达（川财社〔2026〕") for r in found["prefecture"]["rows"]] == [
        True
    ] * 8
    assert [r["note"] for r in found["prefecture"]["rows"] if r["note"]] == ["下达目标值≥90%，本级从严设定"]
    assert [found[n]["issued"] for n in found] == [True, True, True, False]
    renderer = Renderer()
    documents = {name: renderer.render(KIND, context) for name, context in found.items()}
    for name, blob in documents.items():
        assert check_docx(blob, KIND, found[name]) == [], name
    needs_tools("pdftotext", "pdftoppm", "pdffonts")
    pdfs = await convert(
        {n: documents[n] for n in ("province", "prefecture", "fifty")}, profile_dir=tmp_path / "p"
    )
    for name, pdf in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{name}.pdf", KIND, found[name]) == [], name


async def test_every_demo_goal_table_passes_the_docx_checker(engine: AsyncEngine) -> None:
    await truncate_all(engine)
    sessionmaker = create_sessionmaker(engine)
    async with sessionmaker() as session:
        await load_reference_data(session=session)
        await load_demo_data(session=session)
        await session.commit()
        ids = (await session.exec(select(Goal.id).order_by(col(Goal.id)))).all()
    renderer = Renderer()
    problems = {}
    for goal_id in ids:
        assert goal_id is not None
        async with sessionmaker() as session:
            context = await build_context(
                session=session, actor=actor(is_admin=True), kind=KIND, subject_id=goal_id
            )
        found = check_docx(renderer.render(KIND, context), KIND, context)
        if found:
            problems[goal_id] = found
    assert len(ids) > 300 and problems == {}
    await truncate_all(engine)
