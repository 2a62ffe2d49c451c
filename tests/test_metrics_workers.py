"""`fundperf serve --workers 2`: each worker counts in the shared directory, and a scrape, whichever worker
answers it, sums both."""

import os
from pathlib import Path

import httpx
import pytest

from src.metrics.multiprocess import MULTIPROC_DIR, prepare_multiprocess_dir
from tests.app.test_metrics import TOKEN, operations, parse
from tests.support.process import serve_process
from tests.test_cli import _worker_pids

PING = "query Ping { me { username } }"
MOST_REQUESTS = 400


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads worker processes from Linux /proc")
def test_a_scrape_sums_the_counts_of_every_worker(tmp_path: Path, redis_url: str) -> None:
    shared = tmp_path / "prometheus"
    shared.mkdir()
    (shared / "counter_1.db").write_bytes(b"a file of an earlier run")  # would be summed in: removed
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'workers.db'}",
        "REDIS_URL": redis_url,
        "STORAGE_DIR": str(tmp_path / "storage"),
        "METRICS_TOKEN": TOKEN,
        MULTIPROC_DIR: str(shared),
    }
    with serve_process("--no-demo", "--workers", "2", env=env, ready_timeout=120) as (base, server):
        sent = 0
        # A fresh connection each time (httpx.post): the workers take turns at accepting them.
        while len(list(shared.glob("counter_*.db"))) < 2 and sent < MOST_REQUESTS:
            assert httpx.post(f"{base}/graphql", json={"query": PING}, timeout=30).json() == {
                "data": {"me": None}
            }
            sent += 1
        counting = {int(path.stem.rpartition("_")[2]) for path in shared.glob("counter_*.db")}
        assert len(counting) == 2 and counting <= set(_worker_pids(server.pid)), counting
        for _ in range(4):  # whichever worker answers, the sum is the same
            response = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
            assert operations(parse(response.text), "http", "query", "Ping", "ok") == sent
            assert httpx.get(f"{base}/metrics", timeout=30).status_code == 401


def test_serve_makes_a_fresh_directory_when_none_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(MULTIPROC_DIR, raising=False)
    made = prepare_multiprocess_dir()
    try:
        assert made.is_dir() and not any(made.iterdir())
        assert os.environ[MULTIPROC_DIR] == str(made)
    finally:
        made.rmdir()
