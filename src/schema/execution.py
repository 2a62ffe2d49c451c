"""Limits on executing an operation: a time limit, and turns with the rest of the server.

- An operation still executing after OPERATION_TIMEOUT_SECONDS is cancelled and answered with a top-level
  error OPERATION_TIMEOUT. The limit covers execution (resolvers, loaders, their SQL), not parsing and
  validation, which the token and cost limits keep short. Cancelling rolls back an open transaction: a
  mutation cut off before its commit changes nothing; one cut off after it keeps its change (the client
  re-reads, as after a lost answer).
- One event loop serves every request of a process. Resolvers that waited for the database resume all at
  once, and what graphql-core then builds from their rows runs without yielding: one heavy (allowed) page
  would hold the loop for seconds (measured: 4 s for 100 goals × 200 indicators), and /healthz, /readyz
  and every other request with it. So async resolvers take turns (TakeTurns; loaders converting many rows
  too, src/schema/loaders.py): once the loop has run for TIME_SLICE_SECONDS, one resuming waits for a turn,
  and turns are handed out once a loop iteration, with I/O polled in between (/healthz then answers within
  a few tenths of a second). DataLoader batches wait for the resolvers taking turns (TURN_TAKING_LOOP), so
  the statements stay as many as without turns. While turns are short nobody waits.
"""

import asyncio
import time
import weakref
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, cast

from graphql import GraphQLError, GraphQLResolveInfo
from strawberry.execution.is_awaitable import optimized_is_awaitable
from strawberry.extensions import SchemaExtension

OPERATION_TIMEOUT = "OPERATION_TIMEOUT"
TIME_SLICE_SECONDS = 0.02
MAX_TURNS_PER_ITERATION = 1024


def operation_timeout(seconds: float) -> GraphQLError:
    return GraphQLError(
        f"The operation took longer than {seconds:g} s and was cancelled: ask for less at a time.",
        extensions={"code": OPERATION_TIMEOUT, "timeoutSeconds": seconds},
    )


class OperationTimeout(SchemaExtension):
    """Cancels an operation's execution after `seconds` (see the module's docstring)."""

    def __init__(self, *, seconds: float) -> None:
        self.seconds = seconds

    async def on_execute(self) -> AsyncIterator[None]:
        # The timeout cancels the task executing the operation; its CancelledError comes back here (the
        # hook runs in that task) and leaves as a GraphQL error, which strawberry answers as the result.
        try:
            async with asyncio.timeout(self.seconds):
                yield
        except TimeoutError:
            raise operation_timeout(self.seconds) from None


class _Turns:
    """The turns of one event loop.

    A turn is a time slice (TIME_SLICE_SECONDS) that begins when turns are handed out: once a loop
    iteration, so the loop polls for I/O (and reads a request that arrived) between any two. Tasks wait in
    a queue, oldest first; each hand-out grants as many of them as fitted in the last turn (doubling while
    turns are short, so many small resolvers do not wait an iteration each). A granted task that finds the
    turn already used up by those before it goes back to the front of the queue.
    """

    __slots__ = (
        "barriers",
        "bounced",
        "grant",
        "granted",
        "handed",
        "handed_out",
        "handing_out",
        "leader",
        "queue",
        "started",
    )

    def __init__(self) -> None:
        self.started = self.handed_out = time.perf_counter()
        self.queue: deque[asyncio.Future[None]] = deque()
        self.bounced: list[asyncio.Future[None]] = []  # granted, found the turn used up: next in line
        self.barriers: set[asyncio.Future[None]] = set()  # granted only after all before them have run
        self.granted = 0  # granted and not resumed yet
        self.grant = 1  # how many a hand-out grants
        self.handed = 0  # how many the last hand-out granted
        self.leader: asyncio.Future[None] | None = None  # the first granted by the last hand-out
        self.handing_out = False

    def pending(self) -> bool:
        """Whether tasks wait for a turn or are about to take one."""
        return bool(self.queue or self.bounced or self.granted)

    def over(self) -> bool:
        return time.perf_counter() - self.started > TIME_SLICE_SECONDS

    def enqueue(
        self, loop: asyncio.AbstractEventLoop, *, first: bool = False, barrier: bool = False
    ) -> "asyncio.Future[None]":
        future = loop.create_future()
        (self.bounced if first else self.queue).append(future)
        if barrier:
            self.barriers.add(future)
        if not self.handing_out:
            self.handing_out = True
            self.handed_out = time.perf_counter()
            loop.call_soon(self._hand_out, loop)
        return future

    def resumed(self, future: "asyncio.Future[None]") -> None:
        if future.done() and not future.cancelled():
            self.granted -= 1

    def _hand_out(self, loop: asyncio.AbstractEventLoop) -> None:
        now = time.perf_counter()
        if self.bounced:  # the last turn held fewer than granted: grant what it held
            self.grant = max(1, self.handed - len(self.bounced))
            self.queue.extendleft(reversed(self.bounced))
            self.bounced.clear()
        elif now - self.handed_out < TIME_SLICE_SECONDS / 2:
            self.grant = min(2 * self.grant, MAX_TURNS_PER_ITERATION)
        self.started = self.handed_out = now
        self.leader = None
        handed = 0
        while self.queue and handed < self.grant:
            future = self.queue[0]
            if handed and future in self.barriers:
                break  # it goes first in the next hand-out, once those granted now have run
            self.queue.popleft()
            self.barriers.discard(future)
            if not future.done():  # a waiter cancelled meanwhile (its operation timed out) is skipped
                future.set_result(None)
                handed += 1
                self.leader = self.leader or future
        self.granted += handed
        self.handed = handed
        if self.queue:
            loop.call_soon(self._hand_out, loop)  # the next iteration, after the loop has polled for I/O
        else:
            self.handing_out = False


_turns: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Turns]" = weakref.WeakKeyDictionary()


def _turns_of(loop: asyncio.AbstractEventLoop) -> _Turns:
    turns = _turns.get(loop)
    if turns is None:
        turns = _turns[loop] = _Turns()
    return turns


async def take_turns() -> None:
    """Returns at once while the current turn lasts and nobody waits; else waits for a turn of its own,
    behind the tasks already waiting."""
    loop = asyncio.get_running_loop()
    turns = _turns_of(loop)
    if not (turns.pending() or turns.over()):
        return
    first = False
    while True:
        future = turns.enqueue(loop, first=first)
        try:
            await future
        finally:
            turns.resumed(future)
        if future is turns.leader or not turns.over():  # the first of a hand-out always goes on
            return
        first = True


class TurnTakingLoop:
    """The event loop as a DataLoader sees it (`DataLoader(..., loop=TURN_TAKING_LOOP)`): a batch is sent
    after the resolvers waiting for turns have had theirs. They add their keys to the batch on their turns,
    so a level of the query still takes one statement per loader, however many turns it is spread over."""

    def create_future(self) -> "asyncio.Future[Any]":
        return asyncio.get_running_loop().create_future()

    def call_soon(self, callback: Callable[[], object]) -> None:
        asyncio.get_running_loop().call_soon(self._after_waiting_resolvers, callback)

    @staticmethod
    def _after_waiting_resolvers(callback: Callable[[], object]) -> None:
        # On the next iteration, as the DataLoader would: by then every resolver that resumed with the one
        # that made the batch has either run or is waiting for its turn.
        loop = asyncio.get_running_loop()
        turns = _turns_of(loop)
        if not turns.pending():
            callback()
            return

        def send(future: "asyncio.Future[None]") -> None:
            turns.resumed(future)
            if not future.cancelled():
                callback()

        turns.enqueue(loop, barrier=True).add_done_callback(send)


TURN_TAKING_LOOP = cast(asyncio.AbstractEventLoop, TurnTakingLoop())


async def _resumed(result: Awaitable[Any]) -> Any:
    value = await result
    await take_turns()
    return value


class TakeTurns(SchemaExtension):
    """Async resolvers take turns with the rest of the server (see the module's docstring)."""

    def resolve(
        self, _next: Callable[..., Any], root: Any, info: GraphQLResolveInfo[Any], *args: Any, **kwargs: Any
    ) -> Any:
        result = _next(root, info, *args, **kwargs)
        return _resumed(result) if optimized_is_awaitable(result) else result
