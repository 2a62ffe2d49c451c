"""The producer: real mutations at a set rate, in bursts, each matched afterwards with its event."""

import asyncio
import json
import math
import time
from collections import defaultdict
from dataclasses import dataclass, field

import httpx

from bench.subscriptions.database import OutboxRow

RESULT = (
    "__typename ... on GoalSuccess { goal { rowVersion contentRevision } } ... on UserError { code message }"
)
MUTATION = "mutation($input: {type}Input!) {{ result: {field}(input: $input) {{ {result} }} }}"
MUTATIONS = {
    "CONCUR": MUTATION.format(type="GoalTaxConcur", field="goalTaxConcur", result=RESULT),
    "OBJECT": MUTATION.format(type="GoalTaxObject", field="goalTaxObject", result=RESULT),
}
RETRIES = 5  # of a mutation answered DATABASE_BUSY

# --- the producer ----------------------------------------------------------------------------------------


@dataclass
class GoalState:
    id: int
    row_version: int = 1
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)


@dataclass
class Sent:
    goal_id: int
    verdict: str
    measured: bool
    fired: float = 0.0  # when the schedule sent it
    start: float = 0.0
    end: float = 0.0
    waited: float = 0.0  # for the goal's previous mutation (the pool came round too soon)
    error: str | None = None
    event_id: int | None = None
    retries: int = 0  # attempts answered DATABASE_BUSY


async def mutate(http: httpx.AsyncClient, goal: GoalState, sent: Sent) -> None:
    """One tax opinion on the goal; DATABASE_BUSY (SQLite: another writer won the race) is retried, as a
    client is told to. `start` is the start of the attempt that succeeded: its commit is between the two."""
    queued = time.monotonic()
    async with goal.lock:
        sent.waited = time.monotonic() - queued
        value = {"id": str(goal.id), "rowVersion": goal.row_version}
        value |= {"opinion": "基准测试"} if sent.verdict == "CONCUR" else {"reason": "基准测试：不同意"}
        request = {"query": MUTATIONS[sent.verdict], "variables": {"input": value}}
        for attempt in range(RETRIES + 1):
            sent.start = time.monotonic()
            try:
                body = (await http.post("/graphql", json=request)).json()
            except (httpx.HTTPError, ValueError) as exc:
                sent.end, sent.error = time.monotonic(), repr(exc)
                return
            sent.end = time.monotonic()
            result = (body.get("data") or {}).get("result") or {}
            if result.get("__typename") == "GoalSuccess":
                goal.row_version, sent.error = result["goal"]["rowVersion"], None
                return
            sent.error = json.dumps(body, ensure_ascii=False)[:300]
            if result.get("code") != "DATABASE_BUSY" or attempt == RETRIES:
                return
            sent.retries += 1
            await asyncio.sleep(0.005 * 2**attempt)


class Producer:
    def __init__(
        self, https: list[httpx.AsyncClient], goals: dict[int, int], burst: int, rate: float
    ) -> None:
        self.https = https  # the mutations go to these servers in turn
        self.goals = [GoalState(goal_id, version) for goal_id, version in goals.items()]
        self.burst = burst
        self.rate = rate
        self.sent: list[Sent] = []

    async def run(self, events: int, *, measured: bool) -> list[Sent]:
        """`events` mutations, `burst` at a time every burst/rate seconds, on an absolute schedule."""
        interval = self.burst / self.rate
        begin = time.monotonic() + 0.01
        tasks, batch = [], []
        for slot in range(math.ceil(events / self.burst)):
            await asyncio.sleep(max(0.0, begin + slot * interval - time.monotonic()))
            for _ in range(min(self.burst, events - slot * self.burst)):
                n = len(self.sent)
                sent = Sent(self.goals[n % len(self.goals)].id, ("CONCUR", "OBJECT")[n % 2], measured)
                sent.fired = time.monotonic()
                self.sent.append(sent)
                batch.append(sent)
                http, goal = self.https[n % len(self.https)], self.goals[n % len(self.goals)]
                tasks.append(asyncio.create_task(mutate(http, goal, sent)))
        await asyncio.gather(*tasks)
        return batch


def match_events(sent: list[Sent], outbox: list[OutboxRow]) -> list[str]:
    """Gives each successful mutation its event id: per goal, its mutations (one at a time, in order) are
    its events in id order. The problems found (there should be none)."""
    by_goal: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for event_id, subject_id, verdict, _ in outbox:
        by_goal[subject_id].append((event_id, verdict))
    problems = []
    done: dict[int, int] = defaultdict(int)
    for s in sorted((s for s in sent if s.error is None), key=lambda s: s.start):
        events = by_goal.get(s.goal_id, [])
        k = done[s.goal_id]
        done[s.goal_id] += 1
        if k >= len(events):
            problems.append(f"goal {s.goal_id}: mutation {k} has no event in the outbox")
            continue
        event_id, verdict = events[k]
        if verdict != s.verdict:
            problems.append(f"goal {s.goal_id}: event {event_id} is {verdict}, the mutation was {s.verdict}")
        s.event_id = event_id
    for goal_id, events in by_goal.items():
        if len(events) > done[goal_id]:
            problems.append(f"goal {goal_id}: {len(events) - done[goal_id]} events without a mutation")
    return problems
