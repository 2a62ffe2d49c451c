"""The deadline per test (tests/support/watchdog.py): a hung test fails with its stack, the next one runs."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

PROBE = """
import asyncio

async def test_waits_for_ever() -> None:
    await asyncio.Event().wait()

def test_runs_after_it() -> None:
    assert True
"""


def test_a_hung_test_fails_with_its_stack_and_the_suite_goes_on(tmp_path: Path) -> None:
    (tmp_path / "test_probe.py").write_text(PROBE)
    (tmp_path / "pytest.ini").write_text(
        "[pytest]\nasyncio_mode = auto\n"
        "asyncio_default_fixture_loop_scope = session\nasyncio_default_test_loop_scope = session\n"
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            str(tmp_path),
            "-p",
            "tests.support.watchdog",
            "-q",
            "-p",
            "no:cacheprovider",
        ],
        cwd=ROOT,
        env={**os.environ, "TEST_DEADLINE_SECONDS": "1", "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    assert "1 failed, 1 passed" in result.stdout, result.stdout
    # The stacks are in the failed test's report, with the line it waited on.
    assert "watchdog: " in result.stdout and "await asyncio.Event().wait()" in result.stdout, result.stdout
