"""The public routes: POST /public/graphql (the public schema, no login: an Authorization header is
ignored) and GET /public/files/disclosures/{id} (the document rendered when the disclosure was published,
for a published disclosure only). Both count against the caller's address first (ratelimit.py)."""

import logging

from sqlmodel import select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route
from starlette.types import Receive, Scope, Send
from strawberry.asgi import GraphQL

from src.app.files import content_disposition
from src.models import ReportJob
from src.public import reads
from src.public.ratelimit import refusal
from src.public.schema import PublicContext, build_public_schema
from src.reports.jobs import EXTENSIONS, content_type, downloadable
from src.reports.storage import Storage, StoredFileMissing
from src.schema.ids import MAX_ID
from src.settings import Settings

logger = logging.getLogger(__name__)
NOT_FOUND = "文件不存在或尚未公开"
PATH = "/public/graphql"


class PublicGraphQL(GraphQL[PublicContext, None]):
    def __init__(self, app: Starlette, settings: Settings) -> None:
        super().__init__(build_public_schema(settings), graphql_ide=None, allow_queries_via_get=False)
        self.app = app
        self.settings = settings

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refused = await refusal(Request(scope, receive), self.app.state.rate_limiter, self.settings)
            if refused is not None:
                await refused(scope, receive, send)
                return
        await super().__call__(scope, receive, send)

    async def get_context(self, request: object, response: object) -> PublicContext:
        return PublicContext(sessionmaker=self.app.state.sessionmaker)


def _not_found() -> Response:
    return JSONResponse({"error": NOT_FOUND}, status_code=404)


def public_files_route(settings: Settings, storage: Storage) -> Route:
    async def download(request: Request) -> Response:
        refused = await refusal(request, request.app.state.rate_limiter, settings)
        if refused is not None:
            return refused
        disclosure_id: int = request.path_params["disclosure_id"]
        if not 0 < disclosure_id <= MAX_ID:
            return _not_found()
        async with request.app.state.sessionmaker() as session:
            disclosure = (await session.exec(reads.published_one(disclosure_id))).first()
            if disclosure is None or disclosure.document_job_id is None:
                return _not_found()
            stmt = select(ReportJob).where(ReportJob.id == disclosure.document_job_id)
            job = (await session.exec(stmt)).first()
        if job is None or not downloadable(job) or job.storage_key is None:
            return _not_found()
        try:
            chunks = await storage.open(job.storage_key)
        except StoredFileMissing:
            logger.error("disclosure %s: its document %s is missing", disclosure_id, job.storage_key)
            return _not_found()
        fallback = f"disclosure.{EXTENSIONS[job.format]}"
        headers = {
            "Content-Disposition": content_disposition(job.file_name or fallback, fallback),
            "Cache-Control": "public, max-age=300",
            "X-Content-Type-Options": "nosniff",
        }
        if job.size_bytes is not None:
            headers["Content-Length"] = str(job.size_bytes)
        return StreamingResponse(chunks, media_type=content_type(job), headers=headers)

    return Route("/public/files/disclosures/{disclosure_id:int}", download, methods=["GET"])
