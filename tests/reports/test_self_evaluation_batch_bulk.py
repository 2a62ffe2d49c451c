"""The year's batch of 绩效自评表 read in bulk (issue 20, Measure): a chunk's forms are built from the same
few statements whatever their number, each form as its single render has it, byte for byte; the whole
batch costs one statement more per form (its outcome; on SQLite its events too), where it cost about
forty."""

from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType
from src.models.evaluation import SelfEvaluationDocumentKind
from src.models.report import ReportJobStatus
from src.reports import jobs
from src.reports.contexts import build_context
from src.reports.contexts.self_evaluation_form import self_evaluation_form_contexts
from src.reports.pdf import PdfConverter
from src.reports.render import Renderer
from src.reports.storage import LocalStorage
from tests.reports.test_jobs import job_rows
from tests.reports.test_self_evaluation_batch import PANZHIHUA, requested
from tests.reports.test_worker import UNREACHABLE, client_for, worker_settings
from tests.services.conftest import PROVINCE, YAAN, ZIGONG
from tests.services.test_reads import actor
from tests.support.self_evaluation_documents import year_of_self_evaluations
from tests.support.sql import StatementCounter

KIND = SelfEvaluationDocumentKind.SELF_EVALUATION_FORM


async def test_art17_a_chunk_of_forms_is_read_in_the_same_statements_as_one_and_renders_as_one(
    sessionmaker: async_sessionmaker[AsyncSession], reference: None, count_statements: StatementCounter
) -> None:
    ids = await year_of_self_evaluations(sessionmaker, submitted=(ZIGONG, PANZHIHUA), drafts=(YAAN,))
    admin = actor(is_admin=True)
    counts, built = [], {}
    for chosen in ([ids[ZIGONG]], sorted(ids.values())):
        async with sessionmaker() as session:
            count_statements.reset()
            built = await self_evaluation_form_contexts(session=session, actor=admin, evaluation_ids=chosen)
            counts.append(count_statements.count)
        assert sorted(built) == sorted(chosen)
    assert counts[0] == counts[1], (counts, count_statements.statements)
    renderer = Renderer()
    for evaluation_id, context in built.items():
        async with sessionmaker() as session:
            single = await build_context(session=session, actor=admin, kind=KIND, subject_id=evaluation_id)
        assert context == single
        assert renderer.render(KIND, context) == renderer.render(KIND, single)
    # A reader sees in bulk what it sees one by one: 自贡市's finance, its own form only.
    zigong = actor(path=f"/510000/{ZIGONG}/", region_id=2)
    async with sessionmaker() as session:
        own = await self_evaluation_form_contexts(
            session=session, actor=zigong, evaluation_ids=sorted(ids.values())
        )
    assert sorted(own) == [ids[ZIGONG]]


async def _batch_statements(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    tmp_path: Path,
    counter: StatementCounter,
) -> tuple[int, dict[int, bytes]]:
    """The statements of running the province's batch (its submitted forms) in this process, and its forms'
    files by subject."""
    async with client_for(engine, sessionmaker, worker_settings(tmp_path, UNREACHABLE)) as gql:
        await gql.login_as(ActorType.FINANCE, PROVINCE)  # Redis is away: nothing is enqueued
        parent_id = int(await requested(gql, regionCode=PROVINCE))
    storage = LocalStorage(tmp_path / "storage")
    counter.reset()
    await jobs.run_job(
        sessionmaker=sessionmaker,
        renderer=Renderer(),
        storage=storage,
        pdf=PdfConverter(chunk_size=25),
        job_id=parent_id,
    )
    count = counter.count
    children = [j for j in await job_rows(sessionmaker) if j.parent_id == parent_id]
    assert {j.status for j in children} == {ReportJobStatus.SUCCEEDED}
    files = {j.subject_id or 0: (tmp_path / "storage" / (j.storage_key or "")).read_bytes() for j in children}
    return count, files


async def test_art17_a_batch_costs_one_statement_more_per_form_and_its_forms_are_the_single_renders(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    tmp_path: Path,
    count_statements: StatementCounter,
) -> None:
    ids = await year_of_self_evaluations(sessionmaker, submitted=(ZIGONG, PANZHIHUA), drafts=())
    two, _ = await _batch_statements(engine, sessionmaker, tmp_path, count_statements)
    ids |= await year_of_self_evaluations(sessionmaker, submitted=(YAAN,), drafts=())
    three, files = await _batch_statements(engine, sessionmaker, tmp_path, count_statements)
    # The third form's outcome, nothing else; on SQLite also its two events (claimed, done), which the ORM
    # inserts one by one there (PostgreSQL takes a chunk's events in one INSERT).
    per_form = 1 if engine.dialect.name == "postgresql" else 3
    assert three - two == per_form, count_statements.statements
    assert sorted(files) == sorted(ids.values())
    renderer = Renderer()
    for evaluation_id, data in files.items():
        async with sessionmaker() as session:
            admin = actor(is_admin=True)
            single = await build_context(session=session, actor=admin, kind=KIND, subject_id=evaluation_id)
        assert data == renderer.render(KIND, single), evaluation_id
