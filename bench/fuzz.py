"""Fuzz the GraphQL API with schemathesis, as logged-in users, against a real `fundperf serve`.

    uv run python -m bench.fuzz [--max-examples 30] [--database-url postgresql+asyncpg://...]

Starts the server on a fresh database with the demo data (SQLite by default), logs in as demo users,
runs `schemathesis run` against /graphql once per user (queries and mutations, Decimal, ID and string
arguments generated from the schema), then sends that user's malformed requests (bench/fuzz_malformed.py:
bodies that are not UTF-8 or hold huge numbers, NaN or JSON nested thousands of levels deep, subscriptions
over HTTP, broken WebSocket messages), and reports the cases sent, the HTTP 5xx answers, the malformed
requests not refused, and the unexpected errors the server logged (masked errors answer 200, so the log is
what counts). Never run as a test: it takes minutes.
"""

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path

import httpx

from bench.fuzz_malformed import send_malformed
from tests.support.process import serve_process

USERS = ("fin_510000", "agency_med_510100", "hrss_511800", "thirdparty")
PASSWORD = "fundperf-demo"


def login(base: str, username: str) -> str:
    query = """mutation($u: String!, $p: String!) {
      login(username: $u, password: $p) { ... on LoginSuccess { accessToken } } }"""
    body = httpx.post(
        f"{base}/graphql", json={"query": query, "variables": {"u": username, "p": PASSWORD}}, timeout=30
    )
    token: str = body.json()["data"]["login"]["accessToken"]
    return token


def fuzz(base: str, token: str, max_examples: int, max_time: int, report: Path) -> Counter[str]:
    """Runs schemathesis once; counts the responses by outcome: HTTP status classes and error codes.

    schemathesis flags every GraphQL error as a failure, expected refusals (FORBIDDEN, INVALID_ARGUMENT)
    included, so its verdict is not ours: a server error is an HTTP 5xx or an INTERNAL_SERVER_ERROR.
    """
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", f"{base}/graphql",
        "-H", f"Authorization: Bearer {token}",
        "--max-examples", str(max_examples),
        "--max-time", str(max_time),
        "--checks", "not_a_server_error",
        "--workers", "1",
        "--generation-database", "none",
        "--report", "ndjson", "--report-ndjson-path", str(report),
        "--seed", "20261127",
    ]  # fmt: skip
    env = {**os.environ, "SCHEMATHESIS_HOOKS": "bench.fuzz_hooks"}
    subprocess.run(command, capture_output=True, text=True, timeout=3600, check=False, env=env)
    outcomes: Counter[str] = Counter()
    for line in report.read_text(encoding="utf-8").splitlines() if report.exists() else ():
        event = json.loads(line)
        finished = event.get("ScenarioFinished")
        if not finished:
            continue
        for interaction in ((finished.get("recorder") or {}).get("interactions") or {}).values():
            response = interaction.get("response") or {}
            outcomes["cases"] += 1
            outcomes[f"HTTP {str(response.get('status_code'))[0]}xx"] += 1
            content = response.get("content") or {}
            raw = (
                base64.b64decode(content["$base64"])
                if isinstance(content, dict) and "$base64" in content
                else b""
            )
            try:
                body = json.loads(raw) if raw else {}
            except ValueError:
                continue
            for error in (body.get("errors") or []) if isinstance(body, dict) else []:
                outcomes[str((error.get("extensions") or {}).get("code", "NO_CODE"))] += 1
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--max-examples", type=int, default=30, help="cases per operation and user")
    parser.add_argument("--max-time", type=int, default=150, help="seconds of fuzzing per user")
    parser.add_argument("--database-url", help="default: a fresh SQLite file")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fundperf-fuzz-"))
    url = args.database_url or f"sqlite+aiosqlite:///{work / 'fuzz.db'}"
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"} | {"DATABASE_URL": url}
    totals: Counter[str] = Counter()
    with (
        (work / "server.log").open("w", encoding="utf-8") as log,
        serve_process(env=env, output=log) as (base, _),
    ):
        for username in USERS:
            report = work / f"{username}.ndjson"
            token = login(base, username)
            outcomes = fuzz(base, token, args.max_examples, args.max_time, report)
            totals += outcomes
            print(f"== {username}: {dict(outcomes.most_common())}", flush=True)
            malformed = send_malformed(base, token)
            totals += malformed
            print(f"== {username}, malformed requests: {dict(malformed.most_common())}", flush=True)
    server_log = (work / "server.log").read_text(encoding="utf-8")
    unexpected = server_log.count("unexpected error")
    tracebacks = server_log.count("Traceback")
    refusals = server_log.count("refused: http") + server_log.count("refused: websocket")
    print(
        f"TOTAL: {totals['cases']} cases, {totals['HTTP 5xx']} HTTP 5xx, {totals['INTERNAL_SERVER_ERROR']} "
        f"INTERNAL_SERVER_ERROR answers, {totals['NO_CODE']} errors without a code, "
        f"{unexpected} unexpected errors logged, {tracebacks} tracebacks"
    )
    print(
        f"MALFORMED: {totals['malformed']} sent, {totals['malformed not refused']} not refused "
        f"(HTTP 400 or the expected close code); {refusals} HTTP and WebSocket refusals logged at INFO"
    )
    print(f"server log and reports: {work}")
    print(f"answers by code: {dict(totals.most_common())}")
    failures = (totals["HTTP 5xx"], totals["INTERNAL_SERVER_ERROR"], totals["NO_CODE"], unexpected)
    if any(failures) or tracebacks or totals["malformed not refused"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
