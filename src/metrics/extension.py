"""Counts every GraphQL operation the schema runs, over HTTP and WebSocket (instruments.py).

Queries and mutations are counted when they end, with their execution time (parse to result; the request's
authentication before it is not included). A subscription is counted once, at its first result (an event,
or its refusal) or at its end if it has none; its duration is no latency. The metrics come from the app
that serves the request (app.state.metrics): a schema run without one counts nothing.

Nothing here imports prometheus_client: the schema imports this module, and prometheus_client must be
imported only once PROMETHEUS_MULTIPROC_DIR is set (multiprocess.py).
"""

import time
from collections.abc import Iterator
from typing import Any, Protocol

from graphql import GraphQLError, OperationDefinitionNode
from starlette.websockets import WebSocket
from strawberry.extensions import SchemaExtension
from strawberry.types.execution import StreamExecutionResult

from src.events.shared import Plan
from src.metrics.outcomes import OK, outcome

# Set in the request's scope once the schema has run its operation: the middleware counts a request to
# /graphql refused before that (a body too large, not JSON, no query) itself.
SEEN = "fundperf.metrics.seen"


class OperationCounter(Protocol):
    def operation(
        self, *, transport: str, type: str, name: str | None, outcome: str, seconds: float | None
    ) -> None: ...


def metrics_of(context: Any) -> OperationCounter | None:
    scope = getattr(getattr(context, "request", None), "scope", None)
    app = scope.get("app") if isinstance(scope, dict) else None
    metrics: OperationCounter | None = getattr(getattr(app, "state", None), "metrics", None)
    return metrics


def _ran(result: object) -> bool:
    """Whether execution began: some data, or an error raised at a field (it has a path)."""
    errors = getattr(result, "errors", None) or ()
    return getattr(result, "data", None) is not None or any(e.path is not None for e in errors)


class OperationMetrics(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        started = time.perf_counter()
        self._counted = False
        self._executed = False
        self._errors: list[GraphQLError] = []
        scope = getattr(getattr(self.execution_context.context, "request", None), "scope", None)
        if isinstance(scope, dict):
            scope[SEEN] = True
        yield
        if not self._counted:
            self._note(self.execution_context.result)
            seconds = time.perf_counter() - started
            self._count(None if self._type() == "subscription" else seconds)

    def on_stream_result(self, result: StreamExecutionResult) -> Iterator[None]:
        self._note(result)
        if self._type() == "subscription" and not self._counted:
            self._count(None)
        yield

    def _note(self, result: object) -> None:
        self._errors.extend(getattr(result, "errors", None) or ())
        self._executed = self._executed or _ran(result)

    def _type(self) -> str:
        try:
            return str(self.execution_context.operation_type.value)
        except Exception:  # no document, or no operation of that name: refused before it ran
            return "unknown"

    def _count(self, seconds: float | None) -> None:
        from src.schema.extensions import error_code  # the schema's classification (it imports this module)

        self._counted = True
        context = self.execution_context.context
        metrics = metrics_of(context)
        if metrics is None:
            return
        transport = "ws" if isinstance(getattr(context, "request", None), WebSocket) else "http"
        metrics.operation(
            transport=transport,
            type=self._type(),
            name=self.execution_context.operation_name,
            outcome=outcome([error_code(e) for e in self._errors], executed=self._executed),
            seconds=seconds,
        )


def count_shared_subscription(context: Any, plan: Plan) -> None:
    """A subscription started on the shared path (src/events/shared.py), which runs no schema extension:
    it parsed, validated and has an actor, so it counts as ok as it starts."""
    metrics = metrics_of(context)
    if metrics is not None:
        operation = plan.document.definitions[0]
        name = (
            operation.name.value
            if isinstance(operation, OperationDefinitionNode) and operation.name
            else None
        )
        metrics.operation(transport="ws", type="subscription", name=name, outcome=OK, seconds=None)
