"""One GraphQL POST straight to an ASGI app, in this process: no socket, no HTTP client, so the CPU a bench
counts is the app's own (bench.small_requests, bench.auth_path)."""

import asyncio
import json
from typing import Any


async def post_graphql(
    app: Any, token: str | None, query: str, variables: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The app's JSON answer to POST /graphql with `query`, as `token`'s bearer (anonymous without)."""
    body = json.dumps({"query": query, "variables": variables or {}}).encode()
    headers = [
        (b"host", b"bench"),
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
    ]
    if token is not None:
        headers.append((b"authorization", f"Bearer {token}".encode()))
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/graphql",
        "raw_path": b"/graphql",
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 80),
    }
    sent: list[bytes] = []
    done = False

    async def receive() -> dict[str, Any]:
        nonlocal done
        if done:
            await asyncio.Event().wait()  # the client never disconnects
        done = True
        return {"type": "http.request", "body": body, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.body":
            sent.append(message.get("body", b""))

    await app(scope, receive, send)
    answer: dict[str, Any] = json.loads(b"".join(sent))
    return answer
