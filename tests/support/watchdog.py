"""A deadline for every test, so a hung test fails on its own instead of hanging the suite until CI gives up.

A CI run once stopped at its 5,400 s limit inside one test and printed nothing about where it waited. Here
a test (setup, call and teardown) that runs past TEST_DEADLINE_SECONDS gets every thread's and every asyncio
task's stack printed (in the test's report), then its task is cancelled: it fails with CancelledError and the
suite goes on. If it still has not ended GRACE_SECONDS later (stuck outside the event loop: a blocking
call), the process exits with status 3 after a second dump: a red run with the evidence, in minutes.

No test comes near the deadline: the slowest (the Redis outage of tests/test_redis_outage.py) takes about a
minute; timings are not asserted here, only a hang is caught.
"""

import asyncio
import faulthandler
import io
import os
import sys
import threading
from collections.abc import Generator

import pytest

TEST_DEADLINE_SECONDS = float(os.environ.get("TEST_DEADLINE_SECONDS", "300"))
GRACE_SECONDS = 30.0
EXIT_STATUS = 3


class Watchdog:
    def __init__(self) -> None:
        self.loop: asyncio.AbstractEventLoop | None = None  # the tests' event loop (session scope)

    def dump(self, test: str, why: str) -> None:
        out = io.StringIO()
        out.write(f"\n=== watchdog: {test} {why}; asyncio tasks:\n")
        loop = self.loop
        if loop is not None and not loop.is_closed():
            for task in list(asyncio.all_tasks(loop)):
                task.print_stack(file=out)
        sys.stderr.write(out.getvalue())
        sys.stderr.write("=== threads:\n")
        sys.stderr.flush()
        faulthandler.dump_traceback(file=sys.stderr, all_threads=True)

    def cancel(self, function_name: str) -> bool:
        """Cancels the task running the test function; False if there is none (a fixture or a blocking
        call holds the test)."""
        loop = self.loop
        if loop is None or loop.is_closed():
            return False
        tasks = [
            t for t in list(asyncio.all_tasks(loop)) if getattr(t.get_coro(), "__name__", "") == function_name
        ]
        for task in tasks:
            loop.call_soon_threadsafe(task.cancel)
        return bool(tasks)

    def expired(self, item: pytest.Item, finished: threading.Event) -> None:
        self.dump(item.nodeid, f"still running after {TEST_DEADLINE_SECONDS:.0f} s")
        name = getattr(item, "originalname", item.name)
        if self.cancel(name) and finished.wait(GRACE_SECONDS):
            return
        # Output captured for the report would be lost with the process: the last dump goes to the terminal.
        capture = item.config.pluginmanager.getplugin("capturemanager")
        if capture is not None:
            capture.suspend_global_capture(in_=False)
        self.dump(item.nodeid, f"did not end {GRACE_SECONDS:.0f} s after it was cancelled; exiting")
        os._exit(EXIT_STATUS)


WATCHDOG = Watchdog()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, object, object]:
    finished = threading.Event()
    timer = threading.Timer(TEST_DEADLINE_SECONDS, WATCHDOG.expired, args=(item, finished))
    timer.daemon = True
    timer.start()
    try:
        return (yield)
    finally:
        finished.set()
        timer.cancel()


@pytest.fixture(scope="session", autouse=True)
async def _watched_loop() -> None:
    """Tells the watchdog which loop the tests run on."""
    WATCHDOG.loop = asyncio.get_running_loop()
