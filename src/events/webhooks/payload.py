"""What a delivery sends: the event as JSON (UTF-8, Chinese unescaped) and the headers that go with it."""

import json
from typing import Any

from src.events.message import EventMessage
from src.events.webhooks.signing import EVENT_ID_HEADER, EVENT_KIND_HEADER, SIGNATURE_HEADER, sign
from src.subjects.registry import registry

USER_AGENT = "fundperf-webhooks/1"


def event_body(event: EventMessage) -> bytes:
    values: dict[str, Any] = {
        "id": event.id,
        "kind": event.kind,
        "kindLabel": registry().event_kinds()[event.kind],
        "subjectType": event.subject_type,
        "subjectId": event.subject_id,
        "regionPath": event.region_path,
        "fundTypeId": event.fund_type_id,
        "occurredAt": event.occurred_at.isoformat(),
        "payload": event.payload,
    }
    return json.dumps(values, ensure_ascii=False, separators=(",", ":")).encode()


def delivery_headers(*, secret: str, timestamp: int, event: EventMessage, body: bytes) -> dict[str, str]:
    return {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        SIGNATURE_HEADER: sign(secret, timestamp, body),
        EVENT_ID_HEADER: str(event.id),
        EVENT_KIND_HEADER: event.kind,
    }
