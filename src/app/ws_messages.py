"""The shape a graphql-transport-ws message must have before strawberry handles it.

strawberry reads a message's fields without checking their types: a message that is a list, an id that is an
object, a payload that is a string or a query that is a number failed inside it with a TypeError (a traceback,
and the connection dropped without a close code). The protocol closes the connection with 4400 on an invalid
message; `malformed` says why one is.
"""

from typing import Any

WITH_ID = frozenset({"subscribe", "complete"})


def malformed(message: object) -> str | None:
    """Why `message` (parsed JSON) is not a graphql-transport-ws message strawberry can handle; None if it is.
    Unknown types and connection_init payloads are strawberry's to refuse."""
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return "The message must be a JSON object with a string type"
    if message["type"] in WITH_ID and not isinstance(message.get("id"), str):
        return "The message id must be a string"
    if message["type"] == "subscribe":
        return _malformed_payload(message.get("payload"))
    return None


def _malformed_payload(payload: Any) -> str | None:
    if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
        return "The subscribe payload must be an object with a string query"
    if not isinstance(payload.get("operationName"), str | None):
        return "The subscribe operationName must be a string or null"
    for key in ("variables", "extensions"):
        if not isinstance(payload.get(key), dict | None):
            return f"The subscribe {key} must be an object or null"
    return None
