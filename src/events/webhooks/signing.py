"""Signing deliveries as Stripe and GitHub do: HMAC-SHA256 of the timestamp and the body, with the hook's
secret, in one header. A receiver recomputes it from the raw body and refuses old timestamps (replays):

    Fundperf-Signature: t=1764288000,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd

v1 is the hex HMAC-SHA256 of f"{t}.{body}" (body: the exact UTF-8 bytes sent); `verify` is the receiver's
side.
"""

import hashlib
import hmac
import time

SIGNATURE_HEADER = "Fundperf-Signature"
EVENT_ID_HEADER = "Fundperf-Event-Id"
EVENT_KIND_HEADER = "Fundperf-Event-Kind"
SCHEME = "v1"
DEFAULT_TOLERANCE_SECONDS = 300


def _digest(secret: str, timestamp: int, body: bytes | str) -> str:
    raw = body.encode() if isinstance(body, str) else body
    message = f"{timestamp}.".encode() + raw
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign(secret: str, timestamp: int, body: bytes | str) -> str:
    """The Fundperf-Signature header value for `body` sent at `timestamp` (Unix seconds)."""
    return f"t={timestamp},{SCHEME}={_digest(secret, timestamp, body)}"


def verify(
    secret: str,
    header: str,
    body: bytes | str,
    *,
    tolerance_seconds: float = DEFAULT_TOLERANCE_SECONDS,
    now: float | None = None,
) -> bool:
    """Whether `header` signs `body` with `secret`, at a timestamp within `tolerance_seconds` of `now`.
    Several v1 values may be given (while a secret is being changed); one matching is enough."""
    timestamp: int | None = None
    signatures: list[str] = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit():
            timestamp = int(value)
        elif key == SCHEME and value:
            signatures.append(value)
    if timestamp is None or not signatures:
        return False
    current = time.time() if now is None else now
    if abs(current - timestamp) > tolerance_seconds:
        return False
    expected = _digest(secret, timestamp, body)
    return any(hmac.compare_digest(expected, candidate) for candidate in signatures)
