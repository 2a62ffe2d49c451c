"""One POST of one event to a receiver, and what came of it. A receiver's failure (an answer other than
2xx, no answer in time, no connection) is an outcome, never an exception."""

import asyncio
import time
from dataclasses import dataclass

import httpx

from src.events.message import EventMessage
from src.events.webhooks.payload import delivery_headers, event_body
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
    client: httpx.AsyncClient, *, url: str, secret: str, event: EventMessage, time_limit: float
) -> Outcome:
    """POSTs the event, signed, and waits at most `time_limit` seconds in all for the answer's status (its
    body is not read)."""
    body = event_body(event)
    headers = delivery_headers(secret=secret, timestamp=int(time.time()), event=event, body=body)
    started = time.monotonic()
    status: int | None = None
    error: str | None = None
    try:
        async with asyncio.timeout(time_limit):
            async with client.stream("POST", url, content=body, headers=headers) as response:
                status = response.status_code
    except (TimeoutError, httpx.TimeoutException):
        error = f"超时：{time_limit:g} 秒内未收到响应"
    except (httpx.HTTPError, httpx.InvalidURL, OSError) as exc:
        error = _error(f"请求失败：{type(exc).__name__}: {exc}".rstrip(": "))
    return Outcome(status, error, round((time.monotonic() - started) * 1000))
