"""What one server process counts, and its exposition.

Label values are bounded: an operation's name is the client's to choose, so only the first
MAX_OPERATION_NAMES distinct names (per process) get their own series, and a name that is not a plain
GraphQL name of at most 64 characters, or comes later, counts as "other". The query text is never a label.
"""

import re
from datetime import UTC, datetime

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest, values
from prometheus_client.multiprocess import MultiProcessCollector

from src.events.message import EventMessage
from src.metrics.multiprocess import multiprocess_dir

MAX_OPERATION_NAMES = 100
OTHER = "other"
ANONYMOUS = "anonymous"
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]{0,63}")

CACHE_RESULTS = frozenset({"hit", "miss", "bypass"})

# Queries answer in milliseconds to seconds; OPERATION_TIMEOUT_SECONDS (10 s) ends the slowest.
OPERATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
# The relay publishes right after commit (milliseconds), or at its next poll (a second), or after an outage.
RELAY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 15.0, 60.0, 300.0)


class Metrics:
    """The counters of one app. In multiprocess mode their values live in the shared directory's files,
    and an exposition sums every process's; otherwise they live in this app's own registry."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.operations = Counter(
            "fundperf_graphql_operations",
            "GraphQL operations, by transport, type, operation name and outcome",
            ["transport", "type", "operation", "outcome"],
            registry=self.registry,
        )
        self.seconds = Histogram(
            "fundperf_graphql_operation_seconds",
            "Time to execute a query or mutation (parse to result), by transport, type and operation name",
            ["transport", "type", "operation"],
            buckets=OPERATION_BUCKETS,
            registry=self.registry,
        )
        self.response_cache = Counter(
            "fundperf_response_cache",
            "Responses by their X-Response-Cache header (hit, miss, bypass)",
            ["result"],
            registry=self.registry,
        )
        self.relay_lag = Histogram(
            "fundperf_event_relay_lag_seconds",
            "From an event's writing (in its transaction) to its publication by the relay",
            buckets=RELAY_BUCKETS,
            registry=self.registry,
        )
        self._names: set[str] = set()
        # What prometheus_client chose when it was imported (multiprocess.py), not what the environment
        # says now: a process that imported it first counts in memory, and must expose its memory.
        shared = multiprocess_dir()
        self.shared = shared if shared is not None and values.ValueClass is not values.MutexValue else None

    def operation_label(self, name: str | None) -> str:
        if name is None:
            return ANONYMOUS
        if name in self._names:
            return name
        if not _NAME.fullmatch(name) or len(self._names) >= MAX_OPERATION_NAMES:
            return OTHER
        self._names.add(name)
        return name

    def operation(
        self, *, transport: str, type: str, name: str | None, outcome: str, seconds: float | None
    ) -> None:
        label = self.operation_label(name)
        self.operations.labels(transport, type, label, outcome).inc()
        if seconds is not None:
            self.seconds.labels(transport, type, label).observe(seconds)

    def cached_response(self, result: str) -> None:
        if result in CACHE_RESULTS:
            self.response_cache.labels(result).inc()

    def published(self, events: list[EventMessage]) -> None:
        """The relay's hook: how long each event waited between its writing and now."""
        now = datetime.now(UTC)
        for event in events:
            self.relay_lag.observe(max(0.0, (now - event.occurred_at).total_seconds()))

    def exposition(self) -> bytes:
        """The text format of what is counted: every worker's, in multiprocess mode."""
        if self.shared is None:
            return generate_latest(self.registry)
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=str(self.shared))  # type: ignore[no-untyped-call]
        return generate_latest(registry)
