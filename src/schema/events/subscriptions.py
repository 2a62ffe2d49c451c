"""Subscriptions over graphql-transport-ws: status changes, and one report job's progress.

A subscriber is registered with this process's hub before anything is read, so no event falls between the
catch-up read (afterEventId) and the live stream; ids already delivered are skipped, so none comes twice.
Each event is delivered with fresh loaders: the WebSocket's context lives as long as the connection.
"""

from collections.abc import AsyncGenerator, AsyncIterator
from contextlib import asynccontextmanager

import strawberry
from graphql import GraphQLError

from src.events.filters import EventFilter
from src.events.hub import Hub, Signal, Subscriber, SubscriberTooSlow
from src.events.message import EventMessage
from src.models.report import ReportEventKind, ReportJobStatus
from src.reports.jobs import visible_report_job
from src.reports.jobs.scope import SUBJECT_NAME as JOB_SUBJECT
from src.schema.context import Info
from src.schema.events.queries import event_filter, event_id
from src.schema.events.types import StatusEvent, StatusEventFilter
from src.schema.ids import parse_id
from src.schema.loaders import build_loaders
from src.schema.permissions import IsAuthenticated
from src.schema.reports.types import ReportJob
from src.schema.request_session import RequestSession
from src.schema.transaction import current_actor
from src.services.errors import Unauthenticated
from src.services.identity.authentication import connection_authorization

TOO_SLOW = "SUBSCRIBER_TOO_SLOW"
FINISHED = {ReportJobStatus.SUCCEEDED, ReportJobStatus.FAILED}


def _hub(info: Info) -> Hub:
    hub = info.context.hub
    if hub is None:  # a context made without the app's (an event's rendering) runs no subscription
        raise RuntimeError("this context has no subscribers' hub")
    return hub


def _authorization(info: Info) -> str:
    authorization = connection_authorization(info.context.connection_params)
    if not authorization:  # subscriptions are for logged-in connections (over HTTP there is none)
        raise Unauthenticated()
    return authorization


def too_slow(error: SubscriberTooSlow) -> GraphQLError:
    return GraphQLError(
        "事件积压过多，订阅已中止；请用 afterEventId 重新订阅以补读",
        extensions={"code": TOO_SLOW, "lastEventId": str(error.last_id)},
    )


@asynccontextmanager
async def event_loaders(info: Info) -> AsyncIterator[None]:
    """Fresh loaders for one event, on one session of its own: the event is executed while the generator
    waits at its `yield`, and it resumes (closing the session) only when the next event is wanted."""
    shared = RequestSession(info.context.unit_sessionmaker)
    info.context.loaders = build_loaders(shared)
    try:
        yield
    finally:
        await shared.close()


async def _changed(subscriber: Subscriber) -> None:
    """Waits until the subscriber's subject changed (or may have: the bus was away, or it fell behind)."""
    item = await subscriber.queue.get()
    if item is Signal.UNAUTHENTICATED:
        raise Unauthenticated()
    if item is Signal.TOO_SLOW:  # the job is read again anyway: start afresh
        subscriber.dropped = False


@strawberry.type
class EventSubscriptions:
    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="状态变更推送（仅您可查看的）；afterEventId：先补发该序号之后的事件，再实时推送，不重不漏",
    )
    async def status_changed(
        self, info: Info, filter: StatusEventFilter | None = None, after_event_id: strawberry.ID | None = None
    ) -> AsyncGenerator[StatusEvent, None]:
        authorization = _authorization(info)
        async with info.context.sessionmaker() as session:
            matching = await event_filter(session, filter, "filter")
        start = event_id(after_event_id, "afterEventId")
        hub = _hub(info)
        subscriber = hub.register(authorization=authorization, event_filter=matching, last_id=start)
        try:
            async for message in hub.stream(subscriber, catch_up=after_event_id is not None):
                assert isinstance(message, EventMessage)  # it has no plan: nothing comes rendered
                async with event_loaders(info):
                    yield StatusEvent.of(message)
        except SubscriberTooSlow as error:
            raise too_slow(error) from None
        finally:
            hub.unregister(subscriber)

    @strawberry.subscription(
        permission_classes=[IsAuthenticated],
        description="报告任务的进度与完成：先推送当前状态，之后每次变化推送一次，完成或失败后结束",
    )
    async def report_job(self, info: Info, id: strawberry.ID) -> AsyncGenerator[ReportJob, None]:
        job_id = parse_id(id, "ReportJob")
        authorization = _authorization(info)
        hub = _hub(info)
        only_this = EventFilter(
            kinds=frozenset({ReportEventKind.REPORT_JOB_CHANGED}),
            subject_type=JOB_SUBJECT,
            subject_id=job_id,
        )
        subscriber = hub.register(authorization=authorization, event_filter=only_this)
        try:
            while True:
                async with info.context.sessionmaker() as session:
                    row = await visible_report_job(session=session, actor=current_actor(info), job_id=job_id)
                async with event_loaders(info):
                    yield ReportJob.from_row(row)
                if row.status in FINISHED:
                    return
                await _changed(subscriber)
        finally:
            hub.unregister(subscriber)
