"""Evidence over HTTP (Art. 20 整改佐证材料): POST /uploads/rectification-evidence takes the file as the body
(201), refuses an oversized body with 413 and a file that is not PDF, DOCX, XLSX, JPEG or PNG by its bytes
with 415, storing nothing either way; GET /files/rectification-evidence/<id> gives it to whoever reads the
item (another region's user gets 404); the owner removes it with rectificationEvidenceDelete."""

import hashlib
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import select

from src.models import RectificationEvidence
from src.models.enums import ActorType
from src.settings import Settings
from tests.conftest import make_settings
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import MED, PREFECTURE
from tests.schema.mutation_cases_rectification import item
from tests.schema.rectification.test_rectification import upload
from tests.services.rectification.support import PDF, PNG

LIMIT = 4096


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(STORAGE_DIR=tmp_path / "storage", RECTIFICATION_EVIDENCE_MAX_BYTES=LIMIT)


async def evidence_rows(gql: GraphQLClient) -> list[RectificationEvidence]:
    async with gql.sessionmaker() as s:
        return list((await s.exec(select(RectificationEvidence))).all())


def stored(settings: Settings) -> list[Path]:
    root = settings.STORAGE_DIR / "rectification"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


async def test_art20_an_uploaded_file_is_downloaded_by_the_items_readers_only(
    gql: GraphQLClient, settings: Settings
) -> None:
    target = await item(gql)
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)
    response = await upload(gql, target["id"], "整改报告.pdf", PDF)
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()["evidence"]
    assert answer["sha256"] == hashlib.sha256(PDF).hexdigest() and answer["contentType"] == "application/pdf"
    url = answer["downloadUrl"]
    for actor_type, administration in ((ActorType.TAX, None), (ActorType.FINANCE, None)):
        await gql.login_as(actor_type, PREFECTURE, administration)
        got = await gql.http.get(url)
        assert got.status_code == 200 and got.content == PDF
        assert (
            got.headers["content-type"] == "application/pdf"
            and "filename*=UTF-8''" in got.headers["content-disposition"]
        )
    await gql.login_as(ActorType.FINANCE, "511800")  # 雅安: another region
    assert (await gql.http.get(url)).status_code == 404
    gql.logout()
    assert (await gql.http.get(url)).status_code == 401


@pytest.mark.parametrize(
    ("name", "data", "status"),
    [
        ("大.pdf", PDF + b"\x00" * LIMIT, 413),
        ("图.pdf", PNG, 415),
        ("a.exe", PDF, 415),
        ("a\x01.pdf", PDF, 400),
    ],
)
async def test_art20_a_refused_upload_stores_nothing(
    gql: GraphQLClient, settings: Settings, name: str, data: bytes, status: int
) -> None:
    target = await item(gql)
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)
    response = await upload(gql, target["id"], name, data)
    assert response.status_code == status, response.text
    assert await evidence_rows(gql) == [] and stored(settings) == []


async def test_art20_only_the_owner_uploads_and_another_regions_user_gets_404(
    gql: GraphQLClient, settings: Settings
) -> None:
    target = await item(gql)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)  # reads the item, does not own it
    assert (await upload(gql, target["id"], "a.pdf", PDF)).status_code == 403
    await gql.login_as(ActorType.AGENCY, "511800", MED)
    assert (await upload(gql, target["id"], "a.pdf", PDF)).status_code == 404
    assert (await upload(gql, "abc", "a.pdf", PDF)).status_code == 400
    assert await evidence_rows(gql) == [] and stored(settings) == []


async def test_art20_the_owner_removes_a_file_and_its_bytes_go(
    gql: GraphQLClient, settings: Settings
) -> None:
    target = await item(gql)
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)
    response = await upload(gql, target["id"], "整改报告.pdf", PDF)
    evidence_id = response.json()["evidence"]["id"]
    assert len(stored(settings)) == 1
    delete = "mutation($id: ID!) { rectificationEvidenceDelete(id: $id) { __typename } }"
    assert (await gql.data(delete, {"id": evidence_id}))["rectificationEvidenceDelete"][
        "__typename"
    ] == "RectificationItemSuccess"
    assert await evidence_rows(gql) == [] and stored(settings) == []
