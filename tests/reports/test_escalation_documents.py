"""The 两书一函 (Art. 22; FORMS §4C) rendered from a real case (tests/support/escalation_documents.py) and
passed through the document checker, DOCX and PDF (LibreOffice): the 提醒督促书, the 整改通知书 with its
问题清单, the 约谈函 with its 约谈安排; and what their contexts say."""

import os
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.escalation import LEVEL_KINDS
from src.reports.contexts import build_context
from src.reports.contexts.escalation_letter import recipients_line
from src.reports.pdf import convert
from src.reports.render import TEMPLATE_DIR, Renderer
from tests.factories import make_actor
from tests.support.document_checker import check_docx
from tests.support.escalation_documents import real_escalation
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf
from tests.support.templates import template_variables


async def contexts(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, dict[str, Any]]:
    case_id = await real_escalation(sessionmaker)
    reader = await make_actor(sessionmaker)  # 财政厅
    found = {}
    for kind in LEVEL_KINDS.values():
        async with sessionmaker() as session:
            found[kind.value] = await build_context(
                session=session, actor=reader, kind=kind, subject_id=case_id
            )
    return found


async def test_art22_the_three_letters_pass_the_checker(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    found = await contexts(sessionmaker)
    renderer = Renderer()
    documents = {kind: renderer.render(kind, context) for kind, context in found.items()}
    for kind, blob in documents.items():
        assert template_variables(TEMPLATE_DIR / f"{kind}.docx") == set(found[kind]), kind
        assert check_docx(blob, kind, found[kind]) == [], kind
    needs_tools("pdftotext", "pdftoppm", "pdffonts")
    pdfs = await convert(documents, profile_dir=tmp_path / "p")
    keep = os.environ.get("KEEP_DOCUMENTS")  # a folder to look at the pages in
    for kind, pdf in pdfs.items():
        (tmp_path / f"{kind}.pdf").write_bytes(pdf)
        if keep:
            (Path(keep) / f"{kind}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{kind}.pdf", kind, found[kind]) == [], kind


async def test_art22_each_letter_says_its_reason_facts_requirement_and_answer_by_date(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    found = await contexts(sessionmaker)
    reminder, notice, interview = (found[k.value] for k in LEVEL_KINDS.values())
    assert reminder["title"] == "预算绩效管理提醒督促书" and reminder["doc_number"].startswith(
        "川财社〔2026〕"
    )
    assert interview["doc_number"].startswith("川财社函〔2026〕")
    assert reminder["signers"][0] == "四川省财政厅" and len(reminder["signers"]) == 4
    assert "考核结果位列全省末位" in reminder["body"][0] and "现予以提醒督促" in reminder["body"][0]
    assert reminder["requirement_paragraphs"][-1] == "请于2026年4月1日前将落实情况书面报送四川省财政厅。"
    assert reminder["date"] == "2026年3月2日"
    assert notice["requirement_paragraphs"][1].startswith("（一）问题：绩效自评报告逾期报送")
    assert "整改时限：2026年6月30日前" in notice["requirement_paragraphs"][1]
    assert "（二）约谈时间：2026年5月20日9时30分" in interview["requirement_paragraphs"]


def test_art22_the_tax_bureau_is_addressed_after_a_comma() -> None:
    names = ["成都市财政局", "成都市人力资源和社会保障局", "成都市医疗保障局", "国家税务总局成都市税务局"]
    assert recipients_line(names) == (
        "成都市财政局、成都市人力资源和社会保障局、成都市医疗保障局，国家税务总局成都市税务局："
    )
