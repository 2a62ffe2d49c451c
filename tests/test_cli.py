"""The fundperf command: schema export, and `serve` end to end on a fresh SQLite database."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from src.cli import SCHEMA_PATH, export_schema


def test_committed_schema_is_current(tmp_path: Path) -> None:
    fresh = export_schema(tmp_path / "schema.graphql")
    assert SCHEMA_PATH.read_text(encoding="utf-8") == fresh, (
        "schema.graphql is stale: run `uv run fundperf export-schema` and commit it"
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_serve_migrates_seeds_and_answers(tmp_path: Path) -> None:
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}", "REDIS_URL": ""}
    env.pop("REDIS_URL")
    server = subprocess.Popen(
        [sys.executable, "-m", "src.cli", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, server.stdout.read() if server.stdout else ""
            try:
                if httpx.get(f"{base}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "server did not become ready"
            time.sleep(0.2)
        query = """{ goals(filter: {year: 2026, regionCode: "510100"}) { totalCount nodes { title } }
                     organizations(regionCode: "510000") { totalCount } fundTypes { code } }"""
        login = """mutation { login(username: "fin_510000", password: "fundperf-demo") {
                     ... on LoginSuccess { accessToken } } }"""
        token = httpx.post(f"{base}/graphql", json={"query": login}, timeout=30).json()["data"]["login"]
        headers = {"Authorization": f"Bearer {token['accessToken']}"}
        data = httpx.post(f"{base}/graphql", json={"query": query}, headers=headers, timeout=30).json()[
            "data"
        ]
        assert len(data["fundTypes"]) == 7
        assert data["goals"]["totalCount"] > 0 and "成都市" in data["goals"]["nodes"][0]["title"]
        assert data["organizations"]["totalCount"] > 0
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
        assert "graphiql" in page.text.lower()
    finally:
        server.terminate()
        server.wait(timeout=30)
