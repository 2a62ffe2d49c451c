"""Two `fundperf serve` processes sharing Redis and a (SQLite) database: a goal created through one is in
the next answer of the other, which had the list before it cached; never a stale answer."""

import os
from pathlib import Path
from typing import Any

import httpx

from tests.support.process import serve_process

LOGIN = """mutation { login(username: "agency_med_510000", password: "fundperf-demo") {
  ... on LoginSuccess { accessToken } } }"""
GOALS = "query($year: Int!) { goals(filter: {year: $year}) { totalCount nodes { title } } }"
CREATE = """mutation($input: GoalCreateInput!) { goalCreate(input: $input) { __typename } }"""
GOAL = {
    "fundTypeCode": "EMPLOYEE_MEDICAL",
    "regionCode": "510000",
    "horizon": "ANNUAL",
    "startYear": 2031,
    "endYear": 2031,
    "title": "四川省2031年职工医保基金绩效目标",
}


def post(base: str, query: str, variables: dict[str, Any], token: str) -> tuple[str, dict[str, Any]]:
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query, "variables": variables},
        headers={"Authorization": f"Bearer {token}"},
        timeout=60,
    )
    body: dict[str, Any] = response.json()
    assert response.status_code == 200 and "errors" not in body, body
    return response.headers["x-response-cache"], body["data"]


def test_two_processes_sharing_redis_never_answer_stale(tmp_path: Path, redis_url: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'cache.db'}",
        "STORAGE_DIR": str(tmp_path / "storage"),
        "REDIS_URL": redis_url,
        "RESPONSE_CACHE": "true",
        "DEADLINE_CHECK_MINUTES": "0",
    }
    with (
        serve_process(env=env, ready_timeout=180) as (a, _),  # migrates and loads the demo
        serve_process("--no-demo", env=env, ready_timeout=180) as (b, _),
    ):
        token = httpx.post(f"{a}/graphql", json={"query": LOGIN}, timeout=60).json()["data"]["login"]
        token = token["accessToken"]
        year = {"year": 2031}
        assert post(a, GOALS, year, token) == ("miss", {"goals": {"totalCount": 0, "nodes": []}})
        assert post(a, GOALS, year, token)[0] == "hit"
        assert post(b, GOALS, year, token)[0] == "hit"  # what a stored, through Redis

        assert post(a, CREATE, {"input": GOAL}, token) == (
            "bypass",
            {"goalCreate": {"__typename": "GoalSuccess"}},
        )
        for base in (b, a):
            _, data = post(base, GOALS, year, token)
            assert data["goals"]["nodes"] == [{"title": GOAL["title"]}]
