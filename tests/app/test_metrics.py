"""/metrics after real traffic: a real server, logins, queries, refused operations, report jobs and a
subscription over HTTP and WebSocket, then a scrape parsed as Prometheus parses it."""

import asyncio
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families
from pydantic import ValidationError
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from src.app import create_app
from src.metrics.instruments import MAX_OPERATION_NAMES, Metrics
from src.metrics.middleware import CountResponses
from src.metrics.outcomes import outcome
from src.models.base import utcnow
from src.models.report import ReportJob, ReportJobStatus
from tests.conftest import StatementCounter, make_settings
from tests.reports.test_jobs import goal_in
from tests.schema.test_auth import add_user
from tests.support.server import serve_app
from tests.support.ws import graphql_ws

TOKEN = "metrics-token-for-the-tests"
PASSWORD = "正确的密码 correct horse"  # tests.schema.test_auth's users have it
LOGIN = """mutation Login($username: String!, $password: String!) {
  login(username: $username, password: $password) { __typename ... on LoginSuccess { accessToken } } }"""
ME = "query Me { me { username } }"
REQUEST = """mutation RequestJob($input: ReportRequestInput!) {
  reportRequest(input: $input) { __typename ... on ReportRequestSuccess { job { id } } } }"""
CHANGES = "subscription Changes { statusChanged { id kind } }"

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float:
    return samples.get((name, frozenset(labels.items())), 0.0)


def operations(samples: Samples, transport: str, type: str, operation: str, outcome: str) -> float:
    labels = {"transport": transport, "type": type, "operation": operation, "outcome": outcome}
    return value(samples, "fundperf_graphql_operations_total", **labels)


async def scrape(http: httpx.AsyncClient) -> Samples:
    response = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain")
    return parse(response.text)


async def post(http: httpx.AsyncClient, query: str, token: str = "", **variables: Any) -> dict[str, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    response = await http.post("/graphql", json={"query": query, "variables": variables}, headers=headers)
    assert response.status_code == 200, response.text
    answer: dict[str, Any] = response.json()
    return answer


async def test_a_scrape_after_real_traffic_counts_it(
    engine: AsyncEngine,
    sessionmaker: async_sessionmaker[AsyncSession],
    reference: None,
    redis_url: str,
    tmp_path: Path,
) -> None:
    await add_user(sessionmaker, "fin_510100", region_code="510100")
    goals = [await goal_in(sessionmaker, "510100"), await goal_in(sessionmaker, "510104")]
    # With Redis and no `fundperf worker`, requested jobs stay queued: the gauges are known.
    settings = make_settings(
        REDIS_URL=redis_url, METRICS_TOKEN=TOKEN, STORAGE_DIR=tmp_path, EVENT_RELAY_POLL_SECONDS=0.1
    )
    async with (
        serve_app(create_app(settings, engine=engine)) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        assert (await http.get("/metrics")).status_code == 401
        wrong = await http.get("/metrics", headers={"Authorization": "Bearer not-the-metrics-token"})
        assert wrong.status_code == 401 and wrong.headers["www-authenticate"] == "Bearer"
        before = await scrape(http)

        login = await post(http, LOGIN, username="fin_510100", password=PASSWORD)
        token = login["data"]["login"]["accessToken"]
        for _ in range(3):
            assert (await post(http, ME, token))["data"]["me"] == {"username": "fin_510100"}
        assert "errors" not in await post(http, "{ me { username } }", token)
        refused = await post(http, REQUEST, input={"kind": "GOAL_TABLE", "goalId": str(goals[0])})
        assert refused["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
        invalid = await post(http, "query Broken { me { nope } }", token)
        assert invalid["errors"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        not_json = await http.post("/graphql", content=b"{", headers={"Content-Type": "application/json"})
        assert not_json.status_code == 400
        async with graphql_ws(base, None) as anonymous:  # strawberry's path, which refuses it
            await anonymous.subscribe(CHANGES)
            refusal = await anonymous.receive()
            assert refusal["type"] == "error", refusal
        async with graphql_ws(base, token) as ws:
            await ws.subscribe(CHANGES)  # the shared path (src/events/shared.py)
            await ws.settled()
            await ws.subscribe("query WsMe { me { username } }")  # strawberry's path
            assert await ws.next_data() == {"me": {"username": "fin_510100"}}
            assert (await ws.receive())["type"] == "complete"
            for goal in goals:
                answer = await post(http, REQUEST, token, input={"kind": "GOAL_TABLE", "goalId": str(goal)})
                assert answer["data"]["reportRequest"]["__typename"] == "ReportRequestSuccess", answer
            for _ in goals:  # published by the relay: its lag observed
                assert (await ws.next_data())["statusChanged"]["kind"] == "REPORT_JOB_CHANGED"

        async with sessionmaker() as session:
            ids = sorted(filter(None, (await session.exec(select(ReportJob.id))).all()))
            assert len(ids) == 2
            job = col(ReportJob.id)
            old = utcnow() - timedelta(seconds=120)
            await session.exec(update(ReportJob).where(job == ids[0]).values(status=ReportJobStatus.FAILED))
            await session.exec(update(ReportJob).where(job == ids[1]).values(created_at=old))
            await session.commit()
        after = await scrape(http)

    def counted(transport: str, type: str, operation: str, outcome: str) -> float:
        return operations(after, transport, type, operation, outcome) - operations(
            before, transport, type, operation, outcome
        )

    assert counted("http", "mutation", "Login", "ok") == 1
    assert counted("http", "query", "Me", "ok") == 3
    seconds = "fundperf_graphql_operation_seconds_count"
    assert value(after, seconds, transport="http", type="query", operation="Me") == 3
    assert counted("http", "query", "anonymous", "ok") == 1
    assert counted("http", "mutation", "RequestJob", "denied") == 1
    assert counted("http", "mutation", "RequestJob", "ok") == 2
    assert counted("http", "query", "Broken", "refused") == 1
    assert counted("http", "unknown", "anonymous", "refused") == 1  # not JSON: refused before the schema
    assert counted("ws", "subscription", "Changes", "ok") == 1
    assert counted("ws", "subscription", "Changes", "denied") == 1
    assert counted("ws", "query", "WsMe", "ok") == 1
    assert value(after, "fundperf_report_jobs", status="queued") == 1
    assert value(after, "fundperf_report_jobs", status="failed") == 1
    assert value(after, "fundperf_report_jobs", status="running") == 0
    assert value(after, "fundperf_report_job_oldest_queued_seconds") >= 120
    assert value(after, "fundperf_redis_up") == 1
    assert value(after, "fundperf_event_relay_lag_seconds_count") >= 2
    # The scrapes themselves are no GraphQL operations.
    assert not any(
        k[0] == "fundperf_graphql_operations_total" and ("operation", "metrics") in k[1] for k in after
    )


async def test_a_scrape_reads_one_statement(
    engine: AsyncEngine, reference: None, count_statements: StatementCounter
) -> None:
    """The report jobs by status, in one statement; nothing else runs meanwhile (no Redis: no sweeper; the
    relay's poll is far off)."""
    settings = make_settings(METRICS_TOKEN=TOKEN, EVENT_RELAY_POLL_SECONDS=60)
    async with (
        serve_app(create_app(settings, engine=engine)) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        await scrape(http)  # after the start-up's own reads
        await asyncio.sleep(0.2)
        count_statements.reset()
        samples = await scrape(http)
        assert count_statements.count == 1, count_statements.statements
    assert value(samples, "fundperf_report_jobs", status="queued") == 0
    assert not any(name == "fundperf_redis_up" for name, _ in samples)  # no REDIS_URL: no gauge


async def test_without_a_token_setting_there_is_no_metrics_route(
    engine: AsyncEngine, reference: None
) -> None:
    async with (
        serve_app(create_app(make_settings(), engine=engine)) as base,
        httpx.AsyncClient(base_url=base, timeout=30) as http,
    ):
        response = await http.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert response.status_code == 404


def test_the_token_is_unset_when_empty_and_refused_when_short() -> None:
    assert make_settings(METRICS_TOKEN="").METRICS_TOKEN is None
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        make_settings(METRICS_TOKEN="short")


@pytest.mark.parametrize(
    ("codes", "executed", "expected"),
    [
        ([], True, "ok"),
        (["GRAPHQL_PARSE_FAILED"], False, "refused"),
        (["QUERY_TOO_COMPLEX"], False, "refused"),
        (["OPERATION_TIMEOUT"], True, "timeout"),
        (["FORBIDDEN", "UNAUTHENTICATED"], True, "denied"),
        (["FORBIDDEN", "INVALID_ID"], True, "error"),
        (["INVALID_ID", "INTERNAL_SERVER_ERROR"], True, "internal"),
    ],
)
def test_outcomes(codes: list[str], executed: bool, expected: str) -> None:
    assert outcome(codes, executed=executed) == expected


def test_operation_names_are_bounded() -> None:
    metrics = Metrics()
    assert metrics.operation_label(None) == "anonymous"
    assert metrics.operation_label("x" * 65) == "other"
    assert metrics.operation_label("not a name") == "other"
    names = [f"Op{n}" for n in range(MAX_OPERATION_NAMES)]
    assert [metrics.operation_label(name) for name in names] == names
    assert metrics.operation_label("OneTooMany") == "other"
    assert metrics.operation_label("Op0") == "Op0"  # known names keep their series


async def test_responses_are_counted_by_their_cache_header() -> None:
    async def page(request: Request) -> PlainTextResponse:
        result = request.query_params.get("cache")
        return PlainTextResponse("ok", headers={"X-Response-Cache": result} if result else {})

    metrics = Metrics()
    app = CountResponses(Starlette(routes=[Route("/", page)]), metrics)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as http:
        for result in ("hit", "hit", "miss", "bypass", "HIT", "nonsense", ""):
            await http.get("/", params={"cache": result} if result else {})
    samples = parse(metrics.exposition().decode())
    total = "fundperf_response_cache_total"
    counts = {r: value(samples, total, result=r) for r in ("hit", "miss", "bypass")}
    assert counts == {"hit": 3, "miss": 1, "bypass": 1}
