"""statusChanged on the shared path (src/events/shared.py): the same arguments, catch-up, signals and
errors as the resolver in subscriptions.py, but each live event arrives executed and serialized once for
every subscriber of the same document and variables; this only sends it under the operation's id."""

import math
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from graphql import GraphQLError, GraphQLSchema
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.filters import resolve_filter
from src.events.hub import Hub, Rendered, SubscriberTooSlow
from src.events.message import EventMessage
from src.events.shared import Plan, RawPayload, render
from src.models import FundType, Region
from src.schema.context import Context
from src.schema.events.queries import event_id
from src.schema.events.subscriptions import too_slow
from src.schema.events.types import StatusEvent
from src.schema.funds.loaders import fund_type_by_id
from src.schema.inputs import subscription_refusal
from src.schema.loaders import Loaders, build_loaders, fetch_rows, prime
from src.schema.regions.loaders import region_by_id
from src.schema.request_session import RequestSession
from src.services.errors import DomainError, Unauthenticated, ValidationFailed
from src.settings import Settings

Send = Callable[[dict[str, Any]], Awaitable[None]]


class ReferenceNames:
    """The regions and fund types that events name, by id, for rendering: read once and kept for
    EVENT_REFERENCE_CACHE_SECONDS (they change only when reference data is imported), so rendering an event
    for its subscribers reads nothing. Whatever it selects of them, the same row answers every reader."""

    def __init__(self, sessionmaker: async_sessionmaker[AsyncSession], seconds: float) -> None:
        self.sessionmaker = sessionmaker
        self.seconds = seconds
        self.regions: dict[int, Region] = {}
        self.fund_types: dict[int, FundType] = {}
        self.since = -math.inf

    async def prime(self, loaders: Loaders, event: EventMessage) -> None:
        if time.monotonic() - self.since >= self.seconds:
            self.regions, self.fund_types, self.since = {}, {}, time.monotonic()
        region_id, fund_type_id = event.region_id, event.fund_type_id
        want_region = region_id not in self.regions
        want_fund = fund_type_id is not None and fund_type_id not in self.fund_types
        if want_region or want_fund:
            async with self.sessionmaker() as session:
                if want_region:
                    regions = select(Region).where(Region.id == region_id)
                    self.regions.update((r.id or 0, r) for r in await fetch_rows(session, regions, Region))
                if want_fund:
                    funds = select(FundType).where(FundType.id == fund_type_id)
                    self.fund_types.update((f.id or 0, f) for f in await fetch_rows(session, funds, FundType))
        if region_id in self.regions:
            prime(loaders[region_by_id], {region_id: self.regions[region_id]})
        if fund_type_id is not None and fund_type_id in self.fund_types:
            prime(loaders[fund_type_by_id], {fund_type_id: self.fund_types[fund_type_id]})


def renderer(
    schema: GraphQLSchema, sessionmaker: async_sessionmaker[AsyncSession], settings: Settings
) -> Callable[[Plan, EventMessage], Awaitable[RawPayload]]:
    """The hub's render: one execution with loaders fresh for the call (nothing outlives an event but the
    names of regions and funds)."""
    names = ReferenceNames(sessionmaker, settings.EVENT_REFERENCE_CACHE_SECONDS)

    async def render_event(plan: Plan, event: EventMessage) -> RawPayload:
        shared = RequestSession(sessionmaker)  # one connection for the execution, as for a request
        loaders = build_loaders(shared)
        try:
            await names.prime(loaders, event)
            fresh = Context(
                request=None,
                response=None,
                sessionmaker=shared,
                loaders=loaders,
                settings=settings,
                unit_sessionmaker=sessionmaker,
            )
            return await render(schema, plan, StatusEvent.of(event), fresh)
        finally:
            await shared.close()

    return render_event


def _errors(error: GraphQLError | DomainError) -> dict[str, Any]:
    if isinstance(error, DomainError):
        extensions: dict[str, Any] = {"code": error.code.value}
        if isinstance(error, ValidationFailed):
            extensions["fields"] = [
                {"field": p.field, "message": p.message, "code": p.code.value} for p in error.problems
            ]
        return {"data": None, "errors": [{"message": error.message, "extensions": extensions}]}
    return {"data": None, "errors": [error.formatted]}


async def run_shared(
    *,
    hub: Hub,
    context: Context,
    authorization: str,
    plan: Plan,
    op_id: str,
    send: Send,
    send_now: Callable[[Sequence[Rendered]], int] | None = None,
) -> None:
    """Runs until the client completes the operation (the task is cancelled) or it ends with an error.
    `send_now`, when the connection has it, takes live events without this task (hub.Subscriber)."""
    assert context.actor is not None and hub.render is not None
    refusal = subscription_refusal(plan.field, plan.arguments)  # InputGuard's check, as on strawberry's path
    if refusal is not None:
        await send({"id": op_id, "type": "next", "payload": _errors(refusal)})
        return
    arguments = plan.arguments
    raw_filter = arguments.get("filter") or {}
    try:
        async with context.sessionmaker() as session:
            matching = await resolve_filter(
                session=session,
                kinds=[str(k) for k in raw_filter.get("kinds") or ()],
                region_code=raw_filter.get("regionCode"),
                include_descendants=raw_filter.get("includeDescendants", True),
                fund_type_code=raw_filter.get("fundTypeCode"),
                field_prefix="filter",
            )
        after = arguments.get("afterEventId")
        start = event_id(after, "afterEventId")
    except DomainError as error:
        await send({"id": op_id, "type": "next", "payload": _errors(error)})
        return
    subscriber = hub.register(authorization=authorization, event_filter=matching, last_id=start, plan=plan)
    subscriber.send_now = send_now
    try:
        async for item in hub.stream(subscriber, catch_up=after is not None):
            payload = item.payload if isinstance(item, Rendered) else await hub.render(plan, item)
            await send({"id": op_id, "type": "next", "payload": payload})
    except SubscriberTooSlow as error:
        await send({"id": op_id, "type": "next", "payload": _errors(too_slow(error))})
    except Unauthenticated as error:  # the credentials stopped authenticating (expired, revoked, deactivated)
        await send({"id": op_id, "type": "next", "payload": _errors(error)})
    finally:
        hub.unregister(subscriber)
