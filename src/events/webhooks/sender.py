"""One POST of one event to a receiver, and what came of it. A receiver's failure (an answer other than
2xx, no answer in time, no connection) is an outcome, never an exception; so is a target refused (its host
resolves into an internal network, or not at all): then nothing is sent."""

import asyncio
import contextlib
import time
from dataclasses import dataclass

import httpx

from src.events.message import EventMessage
from src.events.webhooks.payload import delivery_headers, event_body
from src.events.webhooks.targets import TargetRefused, TargetRules, check_target
from src.models.webhook import DELIVERY_ERROR_MAX_LENGTH


@dataclass(frozen=True)
class Outcome:
    status_code: int | None  # None: no answer
    error: str | None
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.error is None and self.status_code is not None and 200 <= self.status_code < 300

    def describe(self) -> str:
        return self.error if self.error is not None else f"HTTP {self.status_code}"


def _error(text: str) -> str:
    return text if len(text) <= DELIVERY_ERROR_MAX_LENGTH else text[: DELIVERY_ERROR_MAX_LENGTH - 1] + "…"


async def post_event(
    client: httpx.AsyncClient,
    *,
    url: str,
    secret: str,
    event: EventMessage,
    time_limit: float,
    targets: TargetRules,
) -> Outcome:
    """Checks where the URL leads now (targets.py), POSTs the event, signed, to the address checked, and
    waits at most `time_limit` seconds in all for the answer's status (its body is not read)."""
    body = event_body(event)
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(time_limit):
            target = await check_target(url, targets)
            headers = delivery_headers(secret=secret, timestamp=int(time.time()), event=event, body=body)
            request = client.build_request(
                "POST",
                target.request_url(),
                content=body,
                headers=headers | target.headers(),
                extensions=target.extensions(),
            )
            async with contextlib.aclosing(await client.send(request, stream=True)) as response:
                status = response.status_code
    except TargetRefused as refused:
        error = _error(f"未发送：{refused.message}")
    except (TimeoutError, httpx.TimeoutException):
        error = f"超时：{time_limit:g} 秒内未收到响应"
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        error = _error(f"请求失败：{type(exc).__name__}: {exc}".rstrip(": "))
    return Outcome(status, error, round((time.monotonic() - started) * 1000))
