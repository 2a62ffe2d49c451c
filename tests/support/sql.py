"""Counting the SQL statements an engine sends (and the time the driver spends on them).

with count_statements(engine) as counter:
    ...
counter.count, counter.statements, counter.seconds
"""

import contextlib
import time
from collections.abc import Iterator
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine


class StatementCounter:
    """The statements sent through an engine while listening to it, with their summed driver time."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self.seconds = 0.0
        self._started: dict[int, float] = {}  # id(cursor) → perf_counter() when its statement was sent

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        """Forget what was counted so far (listening goes on)."""
        self.statements.clear()
        self.seconds = 0.0
        self._started.clear()

    def _before(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        self.statements.append(statement)
        self._started[id(cursor)] = time.perf_counter()

    def _after(self, conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        started = self._started.pop(id(cursor), None)
        if started is not None:
            self.seconds += time.perf_counter() - started

    @contextlib.contextmanager
    def listening(self, engine: AsyncEngine) -> Iterator["StatementCounter"]:
        """Count `engine`'s statements while the block runs (added to what was counted before)."""
        target = engine.sync_engine
        event.listen(target, "before_cursor_execute", self._before)
        event.listen(target, "after_cursor_execute", self._after)
        try:
            yield self
        finally:
            event.remove(target, "before_cursor_execute", self._before)
            event.remove(target, "after_cursor_execute", self._after)
            self._started.clear()


@contextlib.contextmanager
def count_statements(engine: AsyncEngine) -> Iterator[StatementCounter]:
    """A fresh counter of `engine`'s statements while the block runs."""
    with StatementCounter().listening(engine) as counter:
        yield counter


class CheckoutCounter:
    """How many times connections were checked out of an engine's pool while listening (each session that
    sends a statement checks one out; src/schema/request_session.py shares one per request)."""

    def __init__(self) -> None:
        self.count = 0

    def reset(self) -> None:
        self.count = 0

    def _checkout(self, *args: Any) -> None:
        self.count += 1

    @contextlib.contextmanager
    def listening(self, engine: AsyncEngine) -> Iterator["CheckoutCounter"]:
        target = engine.sync_engine
        event.listen(target, "checkout", self._checkout)
        try:
            yield self
        finally:
            event.remove(target, "checkout", self._checkout)
