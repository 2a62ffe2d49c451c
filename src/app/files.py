"""GET /files/{job_id}: the document a report job made, for whoever may see the job.

Credentials as for /graphql (`Authorization: Bearer` with an access token or an API token). A document's
file, or a batch's: a ZIP of its documents with their manifest (reports/jobs/archive.py), for whoever may
see the batch, that is whoever may read every document in it. A job that does not exist, that the caller
may not see, or that has no file (not done yet, a failed document) is a 404 alike, so the answer tells
nothing about what exists.
"""

import logging
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from src.reports.jobs import EXTENSIONS, content_type, downloadable, is_batch, visible_report_job
from src.reports.storage import Storage, StoredFileMissing
from src.schema.ids import MAX_ID
from src.services.errors import NotFound
from src.services.identity.authentication import authenticate
from src.settings import Settings

logger = logging.getLogger(__name__)

NOT_FOUND = "文件不存在或无权下载"
UNAUTHENTICATED = "未登录或登录已过期，请重新登录"


def content_disposition(file_name: str, fallback: str) -> str:
    """`attachment` with an ASCII `filename` for old clients and the real (Chinese) name as RFC 5987
    `filename*` (RFC 6266 §4.3: clients that understand it prefer it)."""
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


def _not_found() -> Response:
    return JSONResponse({"error": NOT_FOUND}, status_code=404)


def files_route(settings: Settings, storage: Storage) -> Route:
    async def download(request: Request) -> Response:
        job_id: int = request.path_params["job_id"]
        async with request.app.state.sessionmaker() as session:
            actor = await authenticate(
                session=session,
                authorization=request.headers.get("authorization"),
                secret_key=settings.SECRET_KEY,
            )
            if actor is None:
                return JSONResponse(
                    {"error": UNAUTHENTICATED}, status_code=401, headers={"WWW-Authenticate": "Bearer"}
                )
            if not 0 < job_id <= MAX_ID:
                return _not_found()
            try:
                job = await visible_report_job(session=session, actor=actor, job_id=job_id)
            except NotFound:
                return _not_found()
        if not downloadable(job) or job.storage_key is None:
            return _not_found()
        try:
            chunks = await storage.open(job.storage_key)
        except StoredFileMissing:
            logger.error("report job %s succeeded but its file %s is missing", job.id, job.storage_key)
            return _not_found()
        fallback = "reports.zip" if is_batch(job) else f"report.{EXTENSIONS[job.format]}"
        headers = {
            "Content-Disposition": content_disposition(job.file_name or fallback, fallback),
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
        }
        if job.size_bytes is not None:
            headers["Content-Length"] = str(job.size_bytes)
        if job.sha256 is not None:
            headers["ETag"] = f'"{job.sha256}"'
        return StreamingResponse(chunks, media_type=content_type(job), headers=headers)

    return Route("/files/{job_id:int}", download, methods=["GET"])
