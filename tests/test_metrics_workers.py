"""`fundperf serve --workers 2`: each worker counts in the shared directory, and a scrape, whichever worker
answers it, sums both."""

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from src.cli import ROOT
from src.metrics.multiprocess import MULTIPROC_DIR
from tests.app.test_metrics import TOKEN, operations, parse
from tests.support.process import serve_process
from tests.support.workers import worker_pids

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
        assert len(counting) == 2 and counting <= set(worker_pids(server.pid)), counting
        for _ in range(4):  # whichever worker answers, the sum is the same
            response = httpx.get(f"{base}/metrics", headers={"Authorization": f"Bearer {TOKEN}"}, timeout=30)
            assert operations(parse(response.text), "http", "query", "Ping", "ok") == sent
            assert httpx.get(f"{base}/metrics", timeout=30).status_code == 401


def test_serve_makes_a_fresh_directory_when_none_is_named_and_removes_it_at_exit(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k != MULTIPROC_DIR}
    env |= {"PYTHONPATH": str(ROOT), "TMPDIR": str(tmp_path)}
    script = "from src.metrics.multiprocess import *; import os; d = prepare_multiprocess_dir(); " + (
        "assert d.is_dir() and os.environ[MULTIPROC_DIR] == str(d); print(d)"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    made = Path(done.stdout.strip())
    assert made.parent == tmp_path and not made.exists()


# A process as a worker is one: PROMETHEUS_MULTIPROC_DIR set before prometheus_client is imported.
COUNT = """
import sys
from src.metrics.instruments import Metrics
metrics = Metrics()
assert metrics.shared is not None
for _ in range(int(sys.argv[1])):
    metrics.operation(transport="http", type="query", name="Ping", outcome="ok", seconds=0.001)
sys.stdout.write(metrics.exposition().decode())
"""


def test_processes_counting_into_one_directory_are_summed(tmp_path: Path) -> None:
    """The same sums without uvicorn's supervisor: two processes, one after the other; the second's
    exposition holds both (and the first's counts outlive it)."""
    env = {**os.environ, MULTIPROC_DIR: str(tmp_path), "PYTHONPATH": str(ROOT)}
    texts = [
        subprocess.run(
            [sys.executable, "-c", COUNT, str(n)],
            env=env,
            capture_output=True,
            text=True,
            check=True,
            timeout=300,
        ).stdout
        for n in (3, 4)
    ]
    assert operations(parse(texts[0]), "http", "query", "Ping", "ok") == 3
    assert operations(parse(texts[1]), "http", "query", "Ping", "ok") == 7
    assert len(list(tmp_path.glob("counter_*.db"))) == 2
