"""Delivering events to webhooks: each due hook in turn of its lease, its events in id order.

For each hook: take its lease; look at its user afresh (an inactive user gets nothing); read the events
after its cursor that its filter lets through and its user may read (events_after, as catch-up does); POST
them one by one. A delivered event moves the cursor and clears the failure count. A failed attempt (an
answer other than 2xx, a timeout, no connection) waits WEBHOOK_BACKOFF_SECONDS * 2**(attempt-1) before
the next one at the same event (so does a target refused: the host now resolves into an internal network,
targets.py; nothing is sent); after WEBHOOK_MAX_ATTEMPTS the event is given up on (the cursor moves past
it) and counted; WEBHOOK_DISABLE_AFTER_FAILURES such events in a row disable the hook, with the reason.
Every attempt is recorded (WebhookDelivery). A receiver's failure is logged at INFO in one line.
"""

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from datetime import timedelta
from types import TracebackType
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.filters import EventFilter
from src.events.message import EventMessage
from src.events.reads import data_version, events_after
from src.events.webhooks.leases import (
    HookState,
    Lease,
    acquire,
    due_webhooks,
    prior_attempts,
    record,
    release,
)
from src.events.webhooks.sender import Outcome, post_event
from src.events.webhooks.targets import Resolver, TargetRules
from src.models import Region
from src.models.base import utcnow
from src.models.webhook import Webhook, WebhookDelivery
from src.services.actors import load_actor
from src.settings import Settings

logger = logging.getLogger(__name__)

BATCH = 100  # events read for a hook at once
CONCURRENT_HOOKS = 8  # hooks delivered to at the same time by one dispatcher
# A lease outlasts one attempt (the POST's timeout) by this much: the time to read and record around it.
LEASE_MARGIN_SECONDS = 30.0


@dataclass(frozen=True)
class Plan:
    """What one lease of a hook will deliver."""

    state: HookState
    consecutive_failures: int
    events: list[EventMessage]
    first_attempt: int  # the attempt the first event is at (earlier ones failed)
    # The latest event id when the events were read, and whether every event up to it is in `events`:
    # then the cursor may move past the rest (they do not match or the user may not read them).
    latest: int
    complete: bool


class WebhookDispatcher:
    def __init__(
        self,
        *,
        sessionmaker: async_sessionmaker[AsyncSession],
        settings: Settings,
        client: httpx.AsyncClient | None = None,
        concurrency: int = CONCURRENT_HOOKS,
        resolver: Resolver | None = None,
    ) -> None:
        self.sessionmaker = sessionmaker
        self.targets = TargetRules.from_settings(settings, resolver)
        self.poll_seconds = settings.WEBHOOK_POLL_SECONDS
        self.timeout = settings.WEBHOOK_TIMEOUT_SECONDS
        self.max_attempts = settings.WEBHOOK_MAX_ATTEMPTS
        self.backoff_seconds = settings.WEBHOOK_BACKOFF_SECONDS
        self.disable_after = settings.WEBHOOK_DISABLE_AFTER_FAILURES
        self.lease_length = timedelta(seconds=self.timeout + LEASE_MARGIN_SECONDS)
        self._client = client
        self._owns_client = client is None
        self._slots = asyncio.Semaphore(concurrency)
        self._wake = asyncio.Event()
        self._stop: asyncio.Event | None = None
        # Whether the last round found an enabled hook. While it found none, a wake (events published) waits
        # for the next poll: no statement per published batch for nobody. A hook enabled meanwhile is found
        # at that poll, and is sent every event after its cursor.
        self.any_enabled = True

    # --- running -----------------------------------------------------------------------------------------

    def wake(self) -> None:
        """Look for due events now (e.g. right after events were published) instead of at the next poll
        (unless the last round found no enabled hook)."""
        self._wake.set()

    async def run(self, stop: asyncio.Event) -> None:
        """Delivers what is due, then again when woken or every WEBHOOK_POLL_SECONDS, until `stop` is set
        (an attempt under way finishes; the next one is left for later)."""
        self._stop = stop
        watcher = asyncio.create_task(self._wake_on(stop), name="webhook-dispatcher-stop")
        try:
            while not stop.is_set():
                self._wake.clear()
                try:
                    attempted = await self.run_once()
                except Exception:  # the database unreachable, a bug: log it, try again later
                    logger.exception("webhook dispatcher: round failed; trying again later")
                    attempted = 0
                if attempted:
                    continue  # more may be due (a full batch, the next hooks)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(self.poll_seconds):
                        await self._woken(stop)
        finally:
            watcher.cancel()

    async def _woken(self, stop: asyncio.Event) -> None:
        while True:
            await self._wake.wait()
            if self.any_enabled or stop.is_set():
                return
            self._wake.clear()

    async def _wake_on(self, stop: asyncio.Event) -> None:
        await stop.wait()
        self.wake()

    async def run_once(self) -> int:
        """Delivers what is due now, hooks side by side; the number of attempts made."""
        async with self.sessionmaker() as session:
            due = await due_webhooks(session, utcnow())
        self.any_enabled = due.any_enabled
        hook_ids = due.ids
        results = await asyncio.gather(*(self._deliver_hook(h) for h in hook_ids), return_exceptions=True)
        attempted = 0
        for hook_id, result in zip(hook_ids, results, strict=True):
            if isinstance(result, int):
                attempted += result
            elif isinstance(result, Exception):
                logger.error("webhook %s: delivery failed unexpectedly", hook_id, exc_info=result)
            else:
                raise result
        return attempted

    async def aclose(self) -> None:
        if self._owns_client and self._client is not None:
            await self._client.aclose()
            self._client = None

    async def __aenter__(self) -> "WebhookDispatcher":
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    def _http(self) -> httpx.AsyncClient:
        if self._client is None:
            # Requests go to the address checked (targets.py), with the host name as TLS server name. So no
            # connection is kept for the next request: one to that address, verified for another name (or
            # none), would be taken for it without a certificate check. And no proxy from the environment
            # (a transport of our own: httpx then mounts none; SSL_CERT_FILE still applies): it would
            # connect instead, and check the certificate against the address.
            transport = httpx.AsyncHTTPTransport(limits=httpx.Limits(max_keepalive_connections=0))
            self._client = httpx.AsyncClient(
                timeout=self.timeout, follow_redirects=False, transport=transport
            )
        return self._client

    def _stopping(self) -> bool:
        return self._stop is not None and self._stop.is_set()

    # --- one hook ----------------------------------------------------------------------------------------

    async def _deliver_hook(self, webhook_id: int) -> int:
        async with self._slots:
            lease = await acquire(self.sessionmaker, webhook_id, utcnow(), self.lease_length)
            if lease is None:
                return 0  # another process has it, or it stopped being due
            try:
                return await self._deliver(lease)
            finally:
                await release(self.sessionmaker, lease)

    async def _plan(self, webhook_id: int) -> Plan | None:
        async with self.sessionmaker() as session:
            hook = await session.get(Webhook, webhook_id)
            if hook is None or not hook.enabled:
                return None
            latest = await data_version(session=session)
            actor = await load_actor(session=session, user_id=hook.user_id)
            if actor is None:
                logger.info(
                    "webhook %s: its user %s is inactive; events up to %s are not delivered",
                    webhook_id,
                    hook.user_id,
                    latest,
                )
                rows = []
            else:
                region = await session.get(Region, hook.region_id) if hook.region_id is not None else None
                event_filter = EventFilter(
                    kinds=frozenset(hook.kinds),
                    region_path=region.path if region is not None else None,
                    include_descendants=hook.include_descendants,
                    fund_type_id=hook.fund_type_id,
                )
                rows = list(
                    await events_after(
                        session=session,
                        actor=actor,
                        after=hook.last_event_id,
                        first=BATCH,
                        event_filter=event_filter,
                    )
                )
            # Events written after `latest` was read wait for the next round (the cursor stays before them).
            complete = len(rows) < BATCH or rows[-1].id is None or rows[-1].id > latest
            events = [EventMessage.of(row) for row in rows if row.id is not None and row.id <= latest]
            first = await prior_attempts(session, webhook_id, events[0].id) + 1 if events else 1
            return Plan(
                state=HookState(hook.enabled, hook.url, hook.secret),
                consecutive_failures=hook.consecutive_failures,
                events=events,
                first_attempt=first,
                latest=latest,
                complete=complete,
            )

    async def _deliver(self, lease: Lease) -> int:
        """Delivers the hook's due events under `lease`; the number of attempts made."""
        plan = await self._plan(lease.webhook_id)
        if plan is None:
            return 0
        state, failures, attempted = plan.state, plan.consecutive_failures, 0
        for index, event in enumerate(plan.events):
            if self._stopping():
                return attempted
            attempt = plan.first_attempt if index == 0 else 1
            outcome = await post_event(
                self._http(),
                url=state.url,
                secret=state.secret,
                event=event,
                time_limit=self.timeout,
                targets=self.targets,
            )
            attempted += 1
            values, stop = self._after(lease.webhook_id, event, attempt, outcome, failures)
            failures = values.get("consecutive_failures", failures)
            delivery = WebhookDelivery(
                webhook_id=lease.webhook_id,
                event_id=event.id,
                attempt=attempt,
                status_code=outcome.status_code,
                error=outcome.error,
                duration_ms=outcome.duration_ms,
                succeeded=outcome.succeeded,
            )
            now_state = await record(
                self.sessionmaker,
                lease,
                delivery=delivery,
                values=values,
                renew_until=utcnow() + self.lease_length,
            )
            if now_state is None:
                logger.info("webhook %s: lost its lease or was deleted; stopping", lease.webhook_id)
                return attempted
            if stop or not now_state.enabled:
                return attempted
            state = now_state
        if plan.complete:
            await record(
                self.sessionmaker,
                lease,
                delivery=None,
                values={"last_event_id": plan.latest},
                renew_until=lease.until,
            )
        return attempted

    def _after(
        self, webhook_id: int, event: EventMessage, attempt: int, outcome: Outcome, failures: int
    ) -> tuple[dict[str, Any], bool]:
        """What an attempt changes on the hook, and whether the hook's round ends with it."""
        if outcome.succeeded:
            return {"last_event_id": event.id, "consecutive_failures": 0, "retry_at": None}, False
        where = f"webhook {webhook_id} event {event.id}: attempt {attempt}/{self.max_attempts} failed"
        if attempt < self.max_attempts:
            delay = self.backoff_seconds * 2 ** (attempt - 1)
            logger.info("%s (%s); next attempt in %g s", where, outcome.describe(), delay)
            return {"retry_at": utcnow() + timedelta(seconds=delay)}, True
        failures += 1
        values: dict[str, Any] = {
            "last_event_id": event.id,
            "consecutive_failures": failures,
            "retry_at": None,
        }
        if failures < self.disable_after:
            logger.info("%s (%s); given up on this event", where, outcome.describe())
            return values, False
        reason = (
            f"连续 {failures} 个事件各尝试 {self.max_attempts} 次均投递失败，已自动停用"
            f"（最后一次：{outcome.describe()}）"
        )
        logger.info("%s (%s); given up on this event and disabled the hook", where, outcome.describe())
        values |= {
            "enabled": False,
            "disabled_reason": reason,
            "row_version": Webhook.row_version + 1,
            "updated_at": utcnow(),
        }
        return values, True
