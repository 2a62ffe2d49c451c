"""The evidence files of rectification items (整改佐证材料, Art. 20), over HTTP.

POST /uploads/rectification-evidence?itemId=<id>&fileName=<name>: the body is the file itself, as
POST /uploads/monitoring-entries takes its sheet (src/app/uploads.py), rather than strawberry's multipart
Upload: one file per request, the same credentials and refusals as the house's other upload, a body read
no further than the limit (so an oversized one costs nothing and stores nothing), and no form parsing or
temporary files in the GraphQL layer. At most RECTIFICATION_EVIDENCE_MAX_BYTES. Answers (JSON):
- 201 `{"evidence": {"id", "fileName", "size", "contentType", "sha256", "downloadUrl"}}`;
- 400 a bad itemId or fileName (`{"errors": [{"field", "message", "code"}]}`), 401 without credentials,
  403 not the item's owner (or a read-only token), 404 an item the caller may not read, 409 an item not OPEN
  or RETURNED, 413 a body over the limit, 415 a form upload or a file that is not PDF, DOCX, XLSX, JPEG or
  PNG by its name and first bytes.
Nothing is stored on any refusal: the file's bytes and row are written together (evidence.add_evidence), and
the bytes are removed if the commit fails.

GET /files/rectification-evidence/<id>: the file, for whoever may read its item (404 alike for a missing
file and one the caller may not see, as /files/<job id> answers).
Each refusal is logged at INFO in one line.
"""

import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from src.app.files import content_disposition
from src.app.uploads import UNAUTHENTICATED
from src.db import session_scope
from src.reports.storage import Storage, StoredFileMissing
from src.schema.ids import MAX_ID
from src.services.actors import Actor
from src.services.errors import (
    Conflict,
    DomainError,
    Forbidden,
    InvalidTransition,
    NotFound,
    ValidationFailed,
)
from src.services.identity.authentication import authenticate
from src.services.rectification.evidence import EvidenceRefused, add_evidence, visible_evidence
from src.settings import Settings

logger = logging.getLogger(__name__)
UPLOAD_PATH = "/uploads/rectification-evidence"
DOWNLOAD_PATH = "/files/rectification-evidence/{evidence_id:int}"


def _error(status: int, code: str, message: str, field: str = "file", **headers: str) -> JSONResponse:
    body = {"errors": [{"field": field, "message": message, "code": code}]}
    return JSONResponse(body, status_code=status, headers=headers or None)


async def _actor(request: Request, settings: Settings) -> Actor | None:
    async with request.app.state.sessionmaker() as session:
        return await authenticate(
            session=session,
            authorization=request.headers.get("authorization"),
            secret_key=settings.SECRET_KEY,
        )


def _refusal(exc: DomainError) -> JSONResponse:
    if isinstance(exc, EvidenceRefused):
        code = "TOO_LARGE" if exc.status == 413 else "UNSUPPORTED_MEDIA_TYPE"
        return _error(exc.status, code, exc.message)
    if isinstance(exc, ValidationFailed):
        body = {
            "errors": [{"field": p.field, "message": p.message, "code": p.code.value} for p in exc.problems]
        }
        return JSONResponse(body, status_code=400)
    if isinstance(exc, NotFound):
        return _error(404, "NOT_FOUND", exc.message, field="itemId")
    if isinstance(exc, Forbidden):
        return _error(403, "FORBIDDEN", exc.message)
    if isinstance(exc, InvalidTransition | Conflict):
        return _error(409, str(exc.code), exc.message)
    raise exc


async def _read(request: Request, limit: int) -> bytes | None:
    """The body, read no further than `limit` bytes; None beyond (nothing more is read)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _item_id(raw: str) -> int | None:
    return int(raw) if raw.isdigit() and 0 < int(raw) <= MAX_ID else None


def evidence_routes(settings: Settings, storage: Storage) -> list[Route]:
    limit = settings.RECTIFICATION_EVIDENCE_MAX_BYTES

    async def upload(request: Request) -> Response:
        actor = await _actor(request, settings)
        if actor is None:
            return _error(401, "UNAUTHENTICATED", UNAUTHENTICATED, **{"WWW-Authenticate": "Bearer"})
        if request.headers.get("content-type", "").startswith("multipart/"):
            logger.info("refused: evidence upload by %s: a form upload", actor.username)
            return _error(415, "UNSUPPORTED_MEDIA_TYPE", "请以请求体直接发送文件（不是表单上传）")
        item_id = _item_id(request.query_params.get("itemId", ""))
        if item_id is None:
            logger.info("refused: evidence upload by %s: no valid itemId", actor.username)
            return _error(400, "INVALID", "itemId 须为整改事项的 ID", field="itemId")
        stored: list[str] = []
        try:
            data = await _read(request, limit)
            if data is None:
                raise EvidenceRefused(f"文件过大：上限为 {limit} 字节", status=413, reason="SIZE")
            async with session_scope(request.app.state.sessionmaker) as session:
                evidence = await add_evidence(
                    session=session, actor=actor, storage=storage, item_id=item_id,
                    file_name=request.query_params.get("fileName", ""), data=data, max_bytes=limit,
                )  # fmt: skip
                stored.append(evidence.storage_key)
        except DomainError as exc:
            logger.info("refused: evidence upload by %s on item %s: %s", actor.username, item_id, exc.message)
            return _refusal(exc)
        except BaseException:
            for key in stored:  # the row's commit failed: its bytes go too
                await storage.delete(key)
            raise
        body = {
            "id": str(evidence.id), "fileName": evidence.file_name, "size": evidence.size,
            "contentType": evidence.content_type, "sha256": evidence.sha256,
            "downloadUrl": f"/files/rectification-evidence/{evidence.id}",
        }  # fmt: skip
        return JSONResponse({"evidence": body}, status_code=201)

    async def download(request: Request) -> Response:
        evidence_id: int = request.path_params["evidence_id"]
        actor = await _actor(request, settings)
        if actor is None:
            return JSONResponse(
                {"error": UNAUTHENTICATED}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        not_found = JSONResponse({"error": "文件不存在或无权下载"}, status_code=404)
        if not 0 < evidence_id <= MAX_ID:
            return not_found
        async with request.app.state.sessionmaker() as session:
            try:
                evidence = await visible_evidence(session=session, actor=actor, evidence_id=evidence_id)
            except NotFound:
                logger.info(
                    "refused: evidence %s for %s: not found or not visible", evidence_id, actor.username
                )
                return not_found
        try:
            chunks = await storage.open(evidence.storage_key)
        except StoredFileMissing:
            logger.error("evidence %s: its file %s is missing", evidence.id, evidence.storage_key)
            return not_found
        headers = {
            "Content-Disposition": content_disposition(evidence.file_name, f"evidence-{evidence.id}"),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Length": str(evidence.size),
            "ETag": f'"{evidence.sha256}"',
        }
        return StreamingResponse(chunks, media_type=evidence.content_type, headers=headers)

    return [Route(UPLOAD_PATH, upload, methods=["POST"]), Route(DOWNLOAD_PATH, download, methods=["GET"])]
