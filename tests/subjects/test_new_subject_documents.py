"""Issue 17, the test-only memo (test_new_subject.py) as a document: the report jobs render its kind with its
own builder, and the job is seen as the memo is; its template is linted against that builder, not the goal
table's; and it is numbered by its region's human resources and social security body in the 人社 family when
it is sent (its own issuing step), through the same numbering as goal tables (成人社〔2026〕1号); building its
document only reads the number."""

import io
from pathlib import Path

import pytest
from docx import Document
from sqlmodel import select

from src.db import session_scope
from src.events.message import EventMessage
from src.events.visibility import event_visible
from src.models import DocumentNumber, Event, ReportJob
from src.models.report import ReportFormat, ReportJobStatus
from src.reports.contexts import build_context
from src.reports.jobs import queued_job_ids, request_report, run_job, visible_jobs_clause
from src.reports.jobs.scope import job_scope
from src.reports.render import Renderer
from src.reports.storage import LocalStorage
from src.services import policy
from src.services.actors import Actor
from src.services.errors import NotFound
from src.subjects.registry import registry
from tests.subjects.conftest import Sessionmaker
from tests.subjects.test_new_subject import (
    CHENGDU,
    READ_DRAFT,
    SUBJECT,
    Memo,
    MemoDocumentKind,
    make_memo,
    memos,
    readers,
    send_memo,
)
from tests.support.templates import template_problems

__all__ = ["memos"]  # the fixture


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def memo_template(directory: Path, *lines: str) -> Path:
    """The memo kind's template in `directory` (its DocumentSpec.template), holding `lines`."""
    directory.mkdir(exist_ok=True)
    template = Document()
    for line in lines:
        template.add_paragraph(line)
    template.save(str(directory / registry().documents[MemoDocumentKind.MEMO].template))
    return directory


MEMO_LINES = ("{{ doc_number }}", "备忘录：{{ title }}")


async def test_the_memos_template_is_linted_against_its_own_builder(
    sessionmaker: Sessionmaker, memos: None, tmp_path: Path
) -> None:
    """The lint takes the memo's keys from the memo's builder for a real memo: its template agrees; one that
    uses a goal table's field, or leaves the number out, does not."""
    reader = (await readers(sessionmaker))["成都 财政"]  # readers() makes 成都's HRSS body too, the issuer
    sent = await make_memo(sessionmaker, region_code=CHENGDU, draft=True, title="成都医保备忘录")
    assert sent.id is not None
    async with session_scope(sessionmaker) as session:
        memo = await session.get(Memo, sent.id)
        assert memo is not None
        assert await send_memo(session, memo) == "成人社〔2026〕1号"
    async with session_scope(sessionmaker) as session:
        kind = MemoDocumentKind.MEMO
        context = await build_context(session=session, actor=reader, kind=kind, subject_id=sent.id)
    assert context == {"title": "成都医保备忘录", "doc_number": "成人社〔2026〕1号"}
    spec = registry().documents[MemoDocumentKind.MEMO]
    assert template_problems(spec, context, memo_template(tmp_path / "good", *MEMO_LINES)) == []
    wrong = memo_template(tmp_path / "wrong", "{{ issuer }}", "备忘录：{{ title }}")
    assert template_problems(spec, context, wrong) == [
        "TEST_MEMO: TEST_MEMO.docx uses 'issuer', which its builder does not give",
        "TEST_MEMO: its builder gives 'doc_number', which TEST_MEMO.docx never uses",
    ]
    async with sessionmaker() as session:
        [number] = (await session.exec(select(DocumentNumber))).all()
    assert (number.subject_type, number.subject_id, number.family) == (SUBJECT, sent.id, "人社")


async def test_the_report_jobs_render_a_memo_as_a_document_seen_as_the_memo_is(
    sessionmaker: Sessionmaker, memos: None, tmp_path: Path
) -> None:
    """request_report for the memo's kind: refused as absent to whom may not read the memo, queued for whom
    may; run_job renders the kind's template (made here: `{{ doc_number }}`, `{{ title }}`) with the memo's
    context and stores it (a draft: no number). The job and its events are seen as the memo is; once the
    memo is deleted, by its requester."""
    memo = await make_memo(sessionmaker, region_code=CHENGDU, draft=True, title="成都医保备忘录（草稿）")
    assert memo.id is not None
    actors = await readers(sessionmaker)

    async def request(actor: Actor) -> ReportJob:
        async with session_scope(sessionmaker) as session:
            return await request_report(
                session=session,
                actor=actor,
                kind=MemoDocumentKind.MEMO,
                fmt=ReportFormat.DOCX,
                subject_id=memo.id,
                fund_type_code=None,
                year=None,
                region_code=None,
            )

    with pytest.raises(NotFound):
        await request(actors["锦江 医保经办"])  # a county does not read the draft of its prefecture
    requester = actors["成都 医保"]
    job = await request(requester)
    assert (job.kind, job.subject_type, job.subject_id) == (MemoDocumentKind.MEMO, SUBJECT, memo.id)

    templates = memo_template(tmp_path / "templates", *MEMO_LINES)
    storage = LocalStorage(tmp_path / "storage")
    async with sessionmaker() as session:
        [job_id] = await queued_job_ids(session=session, job=job)
    await run_job(sessionmaker=sessionmaker, renderer=Renderer(templates), storage=storage, job_id=job_id)

    async with sessionmaker() as session:
        done = await session.get(ReportJob, job_id)
        assert done is not None and done.storage_key is not None
        assert (done.status, done.error, done.file_name) == (
            ReportJobStatus.SUCCEEDED,
            None,
            f"{memo.title}.docx",
        )
        assert f"备忘录：{memo.title}" in docx_text(storage.path(done.storage_key).read_bytes())
        # The job, and its progress events, are seen by whoever reads the memo.
        job_events = (await session.exec(select(Event).where(Event.subject_type == "ReportJob"))).all()
        assert job_events
        for name, actor in actors.items():
            sees_job = (
                job_id in (await session.exec(select(ReportJob.id).where(visible_jobs_clause(actor)))).all()
            )
            assert (
                sees_job == policy.visible(actor, await job_scope(session, done)) == (name in READ_DRAFT)
            ), name
            assert all(event_visible(actor, EventMessage.of(e)) == sees_job for e in job_events), name

    # The memo deleted, its document is its requester's alone.
    async with session_scope(sessionmaker) as session:
        gone = await session.get(Memo, memo.id)
        assert gone is not None
        await session.delete(gone)
    async with sessionmaker() as session:
        for name, actor in actors.items():
            sees_job = (
                job_id in (await session.exec(select(ReportJob.id).where(visible_jobs_clause(actor)))).all()
            )
            assert sees_job == (actor.user_id == requester.user_id), name
