"""The fundperf command: schema export, `serve` end to end on a fresh SQLite database, and refused
settings."""

import os
import pickle
import signal
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import httpx
import pytest

from src.cli import ROOT, SCHEMA_PATH, default_workers, export_schema, main, several_workers_problem
from src.serve import bind_reuseport, reuseport_balances
from tests.conftest import make_settings
from tests.support.process import serve_process
from tests.support.workers import (
    connection_owners,
    listening_pids,
    listening_sockets,
    socket_inodes,
    worker_pids,
)


def test_committed_schema_is_current(tmp_path: Path) -> None:
    fresh = export_schema(tmp_path / "schema.graphql")
    assert SCHEMA_PATH.read_text(encoding="utf-8") == fresh, (
        "schema.graphql is stale: run `uv run fundperf export-schema` and commit it"
    )


def test_serve_migrates_seeds_and_answers(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    env["DATABASE_URL"] = f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}"
    env["STORAGE_DIR"] = str(tmp_path / "storage")  # the demo's evidence file goes there, not to the repo's
    with serve_process(env=env, ready_timeout=120) as (base, _):
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
        assert len(list((tmp_path / "storage" / "rectification").rglob("*.pdf"))) == 1
        page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"}, timeout=10)
        assert "graphiql" in page.text.lower()


def test_serve_uses_every_core_in_production_when_redis_shares_the_events() -> None:
    redis = "redis://127.0.0.1:6379/0"
    assert default_workers(make_settings()) == 1
    assert default_workers(make_settings(REDIS_URL=redis)) == 1
    assert default_workers(make_settings(ENVIRONMENT="production", REDIS_URL=redis)) == (os.cpu_count() or 1)
    # Without Redis, a process's events reach only its own subscribers: one process, whatever the cores.
    assert default_workers(make_settings(ENVIRONMENT="production")) == 1
    with pytest.raises(SystemExit):
        main(["serve", "--workers", "0"])


def test_serve_refuses_several_workers_without_redis(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    database = tmp_path / "never.db"
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    with pytest.raises(SystemExit) as refused:
        main(["serve", "--workers", "2"])
    assert refused.value.code == 2
    assert "--workers 2 needs REDIS_URL" in capsys.readouterr().err
    assert not database.exists()  # refused before migrating anything
    assert several_workers_problem(make_settings(REDIS_URL="redis://127.0.0.1:6379/0"), 2) is None
    assert several_workers_problem(make_settings(), 1) is None


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker processes from Linux /proc")
def test_serve_runs_several_workers_with_the_environments_settings(tmp_path: Path, redis_url: str) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'workers.db'}",
        "REDIS_URL": redis_url,  # several workers share their events through Redis
        "GRAPHQL_MAX_COST": "5",  # each worker builds its app from the environment
    }
    workers: list[int] = []
    with serve_process("--no-demo", "--workers", "2", env=env, ready_timeout=120) as (base, server):
        deadline = time.monotonic() + 120
        while len(workers := worker_pids(server.pid)) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        assert len(workers) == 2
        cheap = httpx.post(f"{base}/graphql", json={"query": "{ me { username fullName } }"}, timeout=30)
        assert cheap.json() == {"data": {"me": None}}  # costs 3
        dear = httpx.post(f"{base}/graphql", json={"query": "{ fundTypes { code } }"}, timeout=30).json()
        assert dear["errors"][0]["extensions"] == {"code": "QUERY_TOO_COMPLEX", "cost": 21, "maxCost": 5}
    # Stopping the server stops its workers.
    deadline = time.monotonic() + 10
    while any(Path(f"/proc/{pid}").exists() for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(Path(f"/proc/{pid}").exists() for pid in workers)


def _listening_workers(
    server: "subprocess.Popen[str]", port: int, *, besides: int | None = None
) -> list[int]:
    """The server's two worker processes once both listen on `port` (and neither is `besides`)."""
    deadline = time.monotonic() + 300  # a worker imports the app first: slow on a loaded machine
    while time.monotonic() < deadline:
        workers = listening_pids(port, worker_pids(server.pid))
        if len(workers) == 2 and besides not in workers:
            return workers
        time.sleep(0.2)
    raise AssertionError(f"two listening workers expected, found {workers}")


def _ask(connection: socket.socket) -> bytes:
    """One /healthz request on a keep-alive connection; the status line of its answer."""
    connection.sendall(b"GET /healthz HTTP/1.1\r\nHost: fundperf\r\n\r\n")
    answer = b""
    while not answer.endswith(b'{"status":"ok"}'):
        chunk = connection.recv(4096)
        if not chunk:
            break
        answer += chunk
    return answer.split(b"\r\n", 1)[0]


def _connect(port: int, count: int) -> list[socket.socket]:
    connections = [socket.create_connection(("127.0.0.1", port), timeout=30) for _ in range(count)]
    assert {_ask(connection) for connection in connections} == {b"HTTP/1.1 200 OK"}
    return connections


@pytest.mark.skipif(not reuseport_balances(), reason="the kernel balances SO_REUSEPORT sockets on Linux only")
def test_a_workers_socket_is_bound_anew_where_it_is_unpickled() -> None:
    # What a spawned worker receives: its own socket on the supervisor's port, not the supervisor's.
    with (
        bind_reuseport(socket.AF_INET, "127.0.0.1", 0) as held,
        pickle.loads(pickle.dumps(held)) as own,
        pickle.loads(pickle.dumps(held)) as other,
    ):
        assert own.getsockname() == other.getsockname() == held.getsockname()
        assert own.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
        own.listen()
        other.listen()  # both listen: the kernel spreads connections over them


@pytest.mark.skipif(not reuseport_balances(), reason="the kernel balances SO_REUSEPORT sockets on Linux only")
def test_serve_spreads_keep_alive_connections_over_the_workers_and_replaces_a_dead_one(
    tmp_path: Path, redis_url: str
) -> None:
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'spread.db'}",
        "REDIS_URL": redis_url,
    }
    with serve_process("--no-demo", "--workers", "2", env=env, ready_timeout=300) as (base, server):
        port = int(base.rsplit(":", 1)[1])
        workers = _listening_workers(server, port)
        first = _connect(port, 40)
        owners = connection_owners(port, workers)
        per_worker = Counter(owners[connection.getsockname()[1]] for connection in first)
        # Each worker's own socket and the kernel's hash: fewer than 8 of 40 on one is a 1-in-10^5 draw.
        assert set(per_worker) == set(workers) and min(per_worker.values()) >= 8, per_worker

        victim, survivor = workers
        kept = [connection for connection in first if owners[connection.getsockname()[1]] == survivor]
        victims_socket = socket_inodes(victim) & listening_sockets(port)
        os.kill(victim, signal.SIGKILL)
        # The other worker serves on: its connections (asked again within uvicorn's 5 s keep-alive) and,
        # once the victim's socket is gone, every new one.
        assert {_ask(connection) for connection in kept} == {b"HTTP/1.1 200 OK"}
        while victims_socket & listening_sockets(port):  # closed as the process ends, not at kill()
            time.sleep(0.05)
        meanwhile = _connect(port, 10)
        owners = connection_owners(port, [survivor])
        assert all(connection.getsockname()[1] in owners for connection in meanwhile)

        replacement = next(pid for pid in _listening_workers(server, port, besides=victim) if pid != survivor)
        second = _connect(port, 40)
        owners = connection_owners(port, [survivor, replacement])
        assert {owners[connection.getsockname()[1]] for connection in second} == {survivor, replacement}
        assert server.poll() is None
        for connection in first + meanwhile + second:
            connection.close()


NOT_A_NUMBER = "Input should be a valid number, unable to parse string as a number"
SECRET_KEY_REFUSED = (
    "fundperf: SECRET_KEY: ENVIRONMENT=production needs a private random value of at least 32 characters "
    "(the default is public)"
)


@pytest.mark.parametrize(
    ("args", "settings", "expected"),
    [
        (["serve"], {"ENVIRONMENT": "production"}, [SECRET_KEY_REFUSED]),
        (
            ["worker"],
            {"WORKER_POLL_SECONDS": "abc"},
            [f"fundperf: WORKER_POLL_SECONDS: {NOT_A_NUMBER}"],
        ),
        (
            ["migrate"],
            {"ENVIRONMENT": "production", "SECRET_KEY": "short-but-secret", "WS_QUEUE_SIZE": "1"},
            [SECRET_KEY_REFUSED, "fundperf: WS_QUEUE_SIZE: Input should be greater than or equal to 10"],
        ),
    ],
)
def test_refused_settings_are_one_line_each_and_status_2(
    tmp_path: Path, args: list[str], settings: dict[str, str], expected: list[str]
) -> None:
    """The real command, as an operator starts it: no traceback, the setting named, nothing started."""
    database = tmp_path / "never.db"
    env = {k: v for k, v in os.environ.items() if k not in ("ENVIRONMENT", "SECRET_KEY", "REDIS_URL")}
    env |= {"DATABASE_URL": f"sqlite+aiosqlite:///{database}", "PYTHONPATH": str(ROOT), **settings}
    done = subprocess.run(
        [sys.executable, "-m", "src.cli", *args],
        env=env,
        cwd=tmp_path,  # no .env here
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.splitlines() == expected
    assert "Traceback" not in done.stderr and "short-but-secret" not in done.stderr
    assert done.stdout == ""
    assert not database.exists()  # refused before migrating anything
