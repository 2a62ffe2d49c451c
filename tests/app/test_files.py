"""GET /files/{job_id}: authenticated like /graphql, 404 for whatever the caller may not have, the stored
bytes with the document's content type and its Chinese file name (RFC 5987 / 6266)."""

import itertools
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app.files import content_disposition
from src.models import ReportJob, User
from src.models.auth import ApiTokenScope
from src.models.enums import ActorType
from src.models.goal import GoalDocumentKind
from src.models.report import ReportFormat, ReportJobStatus
from src.reports.kinds import CONTENT_TYPES
from src.reports.storage import LocalStorage, report_key
from src.services.actors import load_actor
from src.services.identity.api_tokens import ApiTokenSpec, create_api_token
from src.settings import Settings
from tests.conftest import make_settings
from tests.factories import make_goal, make_user
from tests.schema.conftest import GraphQLClient

DOCX = CONTENT_TYPES[ReportFormat.DOCX]
NAME = "成都市2026年度职工基本医疗保险预算绩效年度目标表.docx"
_years = itertools.count(2030)  # a goal each: one per fund, region and year
CONTENT = b"PK\x03\x04 not really a document, but bytes are bytes" * 100


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(STORAGE_DIR=tmp_path / "storage")


async def stored_job(
    sessionmaker: async_sessionmaker[AsyncSession],
    settings: Settings,
    *,
    region_code: str = "510100",
    status: ReportJobStatus = ReportJobStatus.SUCCEEDED,
    store: bool = True,
    **values: Any,
) -> int:
    """A job for a new goal of `region_code`, as a run leaves it: its file stored under its key."""
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code=region_code, year=next(_years))
        requester = await session.get_one(User, 1)
        job = ReportJob(
            kind=GoalDocumentKind.GOAL_TABLE,
            format=ReportFormat.DOCX,
            subject_type="Goal",
            subject_id=goal.id,
            fund_type_id=goal.fund_type_id,
            region_id=goal.region_id,
            status=status,
            requested_by_id=requester.id or 0,
            organization_id=requester.organization_id,
            fingerprint=f"{goal.id:064d}",  # one live job per fingerprint
            **values,
        )
        session.add(job)
        await session.flush()
        assert job.id is not None
        if status == ReportJobStatus.SUCCEEDED:
            digest = "ab" * 32
            job.storage_key = report_key(job.id, digest, "docx")
            job.file_name, job.size_bytes, job.sha256 = NAME, len(CONTENT), digest
            if store:
                await LocalStorage(settings.STORAGE_DIR).put(job.storage_key, CONTENT)
        session.add(job)
        await session.commit()
        return job.id


async def test_a_visible_document_is_streamed_with_its_name(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    job_id = await stored_job(sessionmaker, settings)
    response = await gql.http.get(f"/files/{job_id}")
    assert response.status_code == 200
    assert response.content == CONTENT
    assert response.headers["content-type"] == DOCX
    assert response.headers["content-length"] == str(len(CONTENT))
    assert response.headers["content-disposition"] == (
        f"attachment; filename=\"report.docx\"; filename*=UTF-8''{quote(NAME, safe='')}"
    )
    assert response.headers["etag"] == f'"{"ab" * 32}"'
    assert response.headers["cache-control"] == "private, no-store"


def test_the_file_name_is_percent_encoded_utf8() -> None:
    header = content_disposition('成都 "a";b.docx', "report.docx")
    assert header == (
        "attachment; filename=\"report.docx\"; filename*=UTF-8''%E6%88%90%E9%83%BD%20%22a%22%3Bb.docx"
    )
    assert header.isascii()


async def test_credentials_are_required(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    job_id = await stored_job(sessionmaker, settings)
    gql.logout()
    response = await gql.http.get(f"/files/{job_id}")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    bad = await gql.http.get(f"/files/{job_id}", headers={"Authorization": "Bearer not-a-token"})
    assert bad.status_code == 401


async def test_what_the_caller_may_not_have_is_not_found(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    visible = await stored_job(sessionmaker, settings)
    queued = await stored_job(sessionmaker, settings, status=ReportJobStatus.QUEUED)
    failed = await stored_job(sessionmaker, settings, status=ReportJobStatus.FAILED, error="失败")
    lost = await stored_job(sessionmaker, settings, store=False)  # recorded, but its file is gone
    for path in (
        f"/files/{queued}",
        f"/files/{failed}",
        f"/files/{lost}",
        "/files/999999",
        f"/files/{2**31}",
        f"/files/{10**40}",
        "/files/abc",
        "/files/-1",
    ):
        response = await gql.http.get(path)
        assert response.status_code == 404, path
    assert (await gql.http.get(f"/files/{visible}")).status_code == 200

    await gql.login_as(ActorType.FINANCE, "511800")  # a sibling prefecture: 成都市's draft is not its own
    assert (await gql.http.get(f"/files/{visible}")).status_code == 404
    assert (await gql.http.post(f"/files/{visible}")).status_code == 405


async def test_an_api_token_downloads_within_its_region_only(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> None:
    chengdu = await stored_job(sessionmaker, settings, region_code="510100")
    yaan = await stored_job(sessionmaker, settings, region_code="511800")
    admin = await make_user(sessionmaker, is_admin=True)
    service = await make_user(sessionmaker)
    async with sessionmaker() as session:
        await session.exec(update(User).where(col(User.id) == service.id).values(is_service_account=True))
        actor = await load_actor(session=session, user_id=admin.id or 0)
        assert actor is not None
        spec = ApiTokenSpec(
            name="决算系统", username=service.username, scope=ApiTokenScope.READ, region_code="511800"
        )
        created = await create_api_token(session=session, actor=actor, spec=spec)
        await session.commit()
    headers = {"Authorization": f"Bearer {created.plaintext}"}
    assert (await gql.http.get(f"/files/{yaan}", headers=headers)).status_code == 200
    assert (await gql.http.get(f"/files/{chengdu}", headers=headers)).status_code == 404
