"""Prometheus' multiprocess mode: every `fundperf serve` worker writes its counts to files in one directory,
and the worker that answers /metrics sums them all.

prometheus_client chooses between in-memory and file-backed values when it is first imported, from
PROMETHEUS_MULTIPROC_DIR: so the directory is prepared (and the variable set) before the app is imported,
and workers inherit it. Nothing here imports prometheus_client at module level for that reason.
"""

import atexit
import os
import shutil
import tempfile
from pathlib import Path

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"


def prepare_multiprocess_dir() -> Path:
    """The directory the workers of this `serve` share, PROMETHEUS_MULTIPROC_DIR set to it.

    A directory the environment names is emptied (files of an earlier run would be summed in); otherwise a
    fresh temporary one is made and removed when this process exits.
    """
    named = os.environ.get(MULTIPROC_DIR)
    if named:
        path = Path(named)
        path.mkdir(parents=True, exist_ok=True)
        for stale in path.glob("*.db"):
            stale.unlink()
        return path
    path = Path(tempfile.mkdtemp(prefix="fundperf-metrics-"))
    os.environ[MULTIPROC_DIR] = str(path)
    atexit.register(shutil.rmtree, path, ignore_errors=True)
    return path


def multiprocess_dir() -> Path | None:
    named = os.environ.get(MULTIPROC_DIR)
    return Path(named) if named else None


def process_exits() -> None:
    """A worker stopping: its live gauges leave the sums (its counters stay: they never go back)."""
    if multiprocess_dir() is None:
        return
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(os.getpid())  # type: ignore[no-untyped-call]
