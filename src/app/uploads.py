"""POST /uploads/monitoring-entries: a filled-in monitoring entry sheet (the XLSX the document service gives
as MONITORING_ENTRY_SHEET or MONITORING_ENTRY_FORM), recorded as actualsRecord and executionRecord record
rows — in one transaction, all or nothing.

The body is the file itself (`Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet`
or `application/octet-stream`), at most MONITORING_UPLOAD_MAX_BYTES; a correction's reason goes in the
query (`?reason=...`). Credentials as for /graphql. Answers (JSON):
- 200 `{"actuals": {"created", "corrected", "unchanged"}, "executions": {...}}`;
- 400 `{"errors": [{"sheet", "row", "column", "field", "message", "code"}]}`: every bad cell (a problem of
  no cell, such as a missing reason, has no sheet, row or column), nothing stored; also for a file that is
  not an entry sheet, or has more than MONITORING_ENTRY_MAX_ROWS rows filled in;
- 413 for a body over the limit (or a file that unpacks to far more than its size), 415 for a form upload;
- 401 without credentials, 403 for a row the caller may not enter (or a read-only token), 409 for a row
  changed by someone else since it was read.
Each refusal is logged at INFO in one line.
"""

import logging
from typing import Any

from sqlalchemy.exc import OperationalError
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from src.db import session_scope
from src.services.errors import Conflict, Forbidden
from src.services.identity.authentication import authenticate
from src.services.monitoring.entry_rows import Recorded
from src.services.monitoring.upload import UploadLimits, record_upload
from src.services.monitoring.xlsx_read import UploadCode, UploadRefused, refusal
from src.settings import Settings

logger = logging.getLogger(__name__)
UPLOAD_PATH = "/uploads/monitoring-entries"
UNAUTHENTICATED = "未登录或登录已过期，请重新登录"


def _error(status: int, code: str, message: str, **headers: str) -> JSONResponse:
    body = {
        "errors": [
            {"sheet": None, "row": None, "column": None, "field": "file", "message": message, "code": code}
        ]
    }
    return JSONResponse(body, status_code=status, headers=headers or None)


def _counts(recorded: Recorded[Any]) -> dict[str, int]:
    return {"created": recorded.created, "corrected": recorded.corrected, "unchanged": recorded.unchanged}


async def _body(request: Request, limit: int) -> bytes:
    """The request's body, read no further than `limit` bytes (UploadRefused 413 beyond)."""
    too_large = refusal(413, UploadCode.TOO_LARGE, f"文件过大：上限为 {limit} 字节")
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def uploads_route(settings: Settings) -> Route:
    limits = UploadLimits(
        max_rows=settings.MONITORING_ENTRY_MAX_ROWS, expansion=settings.MONITORING_UPLOAD_EXPANSION
    )

    async def upload(request: Request) -> Response:
        async with request.app.state.sessionmaker() as session:
            actor = await authenticate(
                session=session,
                authorization=request.headers.get("authorization"),
                secret_key=settings.SECRET_KEY,
            )
        if actor is None:
            return _error(401, "UNAUTHENTICATED", UNAUTHENTICATED, **{"WWW-Authenticate": "Bearer"})
        if request.headers.get("content-type", "").startswith("multipart/"):
            logger.info("refused: entry sheet upload by %s: a form upload", actor.username)
            return _error(415, "UNSUPPORTED_MEDIA_TYPE", "请以请求体直接发送 XLSX 文件（不是表单上传）")
        reason = request.query_params.get("reason", "")
        try:
            data = await _body(request, settings.MONITORING_UPLOAD_MAX_BYTES)
            async with session_scope(request.app.state.sessionmaker) as session:
                done = await record_upload(
                    session=session, actor=actor, data=data, reason=reason, limits=limits
                )
        except UploadRefused as exc:
            first = exc.problems[0] if exc.problems else None
            logger.info(
                "refused: entry sheet upload by %s: %d problem(s), first %s",
                actor.username,
                len(exc.problems),
                f"{first.sheet}!{first.column}{first.row} {first.code}" if first else "-",
            )
            return JSONResponse({"errors": [p.as_json() for p in exc.problems]}, status_code=exc.status)
        except Forbidden as exc:
            logger.info("refused: entry sheet upload by %s: %s", actor.username, exc.message)
            return _error(403, "FORBIDDEN", exc.message)
        except Conflict as exc:
            logger.info("refused: entry sheet upload by %s: %s", actor.username, exc.code)
            return _error(409, str(exc.code), exc.message)
        except OperationalError as exc:
            if "locked" not in str(exc.orig):
                raise
            logger.info("refused: entry sheet upload by %s: database busy", actor.username)
            return _error(409, "DATABASE_BUSY", "记录正被他人修改，请稍后重试")
        return JSONResponse({"actuals": _counts(done.actuals), "executions": _counts(done.executions)})

    return Route(UPLOAD_PATH, upload, methods=["POST"])
