"""GET /metrics: what the workers counted (instruments.py), and what is read as it is asked: report jobs
by status and the age of the oldest queued one (one statement), and whether Redis answers.

Served only when METRICS_TOKEN is set, to a request that presents it (Authorization: Bearer <token>);
without the setting there is no route (404).
"""

import asyncio
import hmac
from collections.abc import Iterator
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import col, select
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from src.models.report import ReportJob, ReportJobStatus
from src.redis_client import UNAVAILABLE_OR_SLOW

PATH = "/metrics"
REDIS_TIMEOUT_SECONDS = 1.0
REPORTED = (ReportJobStatus.QUEUED, ReportJobStatus.RUNNING, ReportJobStatus.FAILED)


class Snapshot(Collector):
    """Gauges read for this scrape."""

    def __init__(self, jobs: dict[ReportJobStatus, int], oldest_queued: float, redis_up: bool | None) -> None:
        self.jobs = jobs
        self.oldest_queued = oldest_queued
        self.redis_up = redis_up

    def collect(self) -> Iterator[Metric]:
        jobs = GaugeMetricFamily(
            "fundperf_report_jobs", "Report jobs (documents and batches) by status", labels=["status"]
        )
        for status in REPORTED:
            jobs.add_metric([status.value.lower()], self.jobs.get(status, 0))
        yield jobs
        yield GaugeMetricFamily(
            "fundperf_report_job_oldest_queued_seconds",
            "Age of the oldest queued report job since it was requested (0: none queued)",
            value=self.oldest_queued,
        )
        if self.redis_up is not None:
            yield GaugeMetricFamily(
                "fundperf_redis_up", "Whether Redis answered a PING within 1 s", value=int(self.redis_up)
            )


async def _jobs(request: Request) -> tuple[dict[ReportJobStatus, int], float]:
    stmt = (
        select(ReportJob.status, func.count(), func.min(ReportJob.created_at))
        .where(col(ReportJob.status).in_(REPORTED))
        .group_by(col(ReportJob.status))
    )
    async with request.app.state.sessionmaker() as session:
        rows = (await session.exec(stmt)).all()
    counts = {ReportJobStatus(status): count for status, count, _ in rows}
    queued = [oldest for status, _, oldest in rows if status == ReportJobStatus.QUEUED and oldest]
    age = (datetime.now(UTC) - queued[0]).total_seconds() if queued else 0.0
    return counts, max(0.0, age)


async def _redis_up(request: Request) -> bool | None:
    redis = request.app.state.redis
    if redis is None:
        return None  # not configured: no gauge
    try:
        async with asyncio.timeout(REDIS_TIMEOUT_SECONDS):
            await redis.ping()
    except UNAVAILABLE_OR_SLOW:
        return False
    return True


def metrics_route(token: str) -> Route:
    expected = f"Bearer {token}".encode()

    async def metrics(request: Request) -> Response:
        given = request.headers.get("authorization", "").encode("latin-1", "replace")
        if not hmac.compare_digest(given, expected):
            return PlainTextResponse(
                "未授权：需要 METRICS_TOKEN", status_code=401, headers={"WWW-Authenticate": "Bearer"}
            )
        (jobs, oldest), redis_up = await asyncio.gather(_jobs(request), _redis_up(request))
        snapshot = CollectorRegistry()
        snapshot.register(Snapshot(jobs, oldest, redis_up))
        body = request.app.state.metrics.exposition() + generate_latest(snapshot)
        return Response(body, media_type=CONTENT_TYPE_LATEST)

    return Route(PATH, metrics, methods=["GET"])
