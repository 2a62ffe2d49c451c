"""The three monitoring documents (Art. 13, FORMS §3) rendered for real records and passed through the
document checker: the 绩效运行监控表 as a form, the 运行监控情况报告 and the January 汇总报告 as GB/T 9704
documents; DOCX for all six records, PDF (LibreOffice) for the accepted, the sent and a draft."""

from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Organization, Region
from src.models.enums import ActorType
from src.reports.contexts import build_context
from src.reports.pdf import convert
from src.reports.render import Renderer
from tests.services.test_reads import actor
from tests.support.document_checker import check_docx
from tests.support.monitoring_documents import real_monitoring_records
from tests.support.pdf import needs_tools
from tests.support.pdf_checker import check_pdf

IN_PDF = ("table_accepted", "table_draft", "report_accepted", "compilation_sent")


async def contexts(
    sessionmaker: async_sessionmaker[AsyncSession], records: dict[str, tuple[str, int]]
) -> dict[str, dict[str, Any]]:
    found = {}
    for name, (kind, subject_id) in records.items():
        async with sessionmaker() as session:
            found[name] = await build_context(
                session=session, actor=actor(is_admin=True), kind=kind, subject_id=subject_id
            )
    return found


async def test_art13_monitoring_documents_of_real_records_pass_the_checker(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, tmp_path: Path
) -> None:
    records = await real_monitoring_records(sessionmaker)
    found = await contexts(sessionmaker, records)
    assert found["compilation_sent"]["doc_number"].startswith("成财社〔2026〕")
    assert found["compilation_draft"]["doc_number"] == ""
    renderer = Renderer()
    documents = {name: renderer.render(records[name][0], context) for name, context in found.items()}
    for name, blob in documents.items():
        assert check_docx(blob, records[name][0], found[name]) == [], name
    needs_tools("pdftotext", "pdftoppm", "pdffonts")
    pdfs = await convert({n: documents[n] for n in IN_PDF}, profile_dir=tmp_path / "p")
    for name, pdf in pdfs.items():
        (tmp_path / f"{name}.pdf").write_bytes(pdf)
        assert check_pdf(tmp_path / f"{name}.pdf", records[name][0], found[name]) == [], name


async def test_art13_a_provincial_body_not_on_record_is_addressed_as_the_article_names_it(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None
) -> None:
    records = await real_monitoring_records(sessionmaker)
    async with sessionmaker() as session:
        province = (await session.exec(select(Region).where(Region.code == "510000"))).one()
        tax = select(Organization).where(
            Organization.region_id == province.id, Organization.actor_type == ActorType.TAX
        )
        for organization in (await session.exec(tax)).all():
            organization.actor_type = ActorType.THIRD_PARTY  # no longer the province's tax department
            session.add(organization)
        await session.commit()
    context = (await contexts(sessionmaker, {"sent": records["compilation_sent"]}))["sent"]
    assert context["recipients"].endswith("、省税务局：") and "TAX" not in context["recipients"]
