"""The response cache of POST /graphql: a repeated read answered with the bytes it was answered with.

The key is what decides the answer (key.py): the normalized document, operation name, variables and
extensions, the caller's visibility scope, and `dataVersion` read before the operation would run (one
statement, on the cache's own connection: version.py). Only operations whose every field follows
dataVersion are considered (classify.py); only a 200 without errors is kept. Every answer of /graphql says
what the cache did in `X-Response-Cache`: hit, miss (answered by the executor, and kept if it could be) or
bypass (not a cacheable query).

    cache = response_cache_for(schema, settings, engine)   # None when RESPONSE_CACHE is off
    response = await cache.respond(request, answer, authenticate)
"""

from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from graphql import GraphQLSchema
from sqlalchemy.ext.asyncio import AsyncEngine
from starlette.requests import HTTPConnection, Request
from starlette.responses import Response

from src.app.request_json import loads
from src.app.response_cache.classify import Classified, classify
from src.app.response_cache.key import cache_key, database_fingerprint, schema_fingerprint
from src.app.response_cache.redis_store import RedisStore
from src.app.response_cache.store import MemoryStore
from src.app.response_cache.version import DataVersion
from src.services.actors import Actor
from src.settings import Settings

HEADER = "X-Response-Cache"
# request.state: the actor the cache authenticated, so the context does not authenticate it again.
ACTOR_STATE = "response_cache_actor"
# Classifications kept per process, by document text; longer documents are classified each time.
CLASSIFIED_ENTRIES = 512
CLASSIFIED_MAX_CHARS = 16_384

Answer = Callable[[Request], Awaitable[Response]]
Authenticate = Callable[[str | None], Awaitable[Actor | None]]


def known_actor(request: HTTPConnection) -> tuple[bool, Actor | None]:
    """(True, the actor) when the cache already authenticated this request's caller."""
    if hasattr(request.state, ACTOR_STATE):
        return True, getattr(request.state, ACTOR_STATE)
    return False, None


def keepable(response: Response, max_bytes: int) -> bool:
    """A 200 whose body names no errors (a string that happens to contain the word only costs a miss); never
    a streamed response (it has no body)."""
    body = getattr(response, "body", None)
    return (
        isinstance(body, bytes)
        and response.status_code == 200
        and len(body) <= max_bytes
        and b'"errors"' not in body
        and "set-cookie" not in response.headers
    )


class ResponseCache:
    def __init__(self, *, schema: GraphQLSchema, settings: Settings, engine: AsyncEngine) -> None:
        self.schema = schema
        self.versions = DataVersion(engine)
        self.max_tokens = settings.GRAPHQL_MAX_TOKENS
        self.max_json_depth = settings.MAX_JSON_DEPTH
        self.max_entry_bytes = min(settings.RESPONSE_CACHE_MAX_ENTRY_BYTES, settings.RESPONSE_CACHE_MAX_BYTES)
        self.memory = MemoryStore(
            max_entries=settings.RESPONSE_CACHE_MAX_ENTRIES, max_bytes=settings.RESPONSE_CACHE_MAX_BYTES
        )
        self.redis = (
            RedisStore(
                settings.REDIS_URL,
                ttl_seconds=settings.RESPONSE_CACHE_TTL_SECONDS,
                max_entries=settings.RESPONSE_CACHE_REDIS_MAX_ENTRIES,
                max_bytes=settings.RESPONSE_CACHE_REDIS_MAX_BYTES,
            )
            if settings.REDIS_URL
            else None
        )
        self.fingerprint = f"{schema_fingerprint(schema)}:{database_fingerprint(engine.url)}"
        self._classified: OrderedDict[tuple[str, str | None], Classified] = OrderedDict()

    def classified(self, query: str, operation_name: str | None) -> Classified:
        memo = (query, operation_name)
        found = self._classified.get(memo)
        if found is not None:
            self._classified.move_to_end(memo)
            return found
        result = classify(self.schema, query, operation_name, max_tokens=self.max_tokens)
        if len(query) <= CLASSIFIED_MAX_CHARS:
            self._classified[memo] = result
            if len(self._classified) > CLASSIFIED_ENTRIES:
                self._classified.popitem(last=False)
        return result

    async def key(self, request: Request, authenticate: Authenticate) -> str | None:
        """The request's key, or None when it bypasses the cache."""
        if request.method != "POST" or "json" not in request.headers.get("content-type", ""):
            return None
        try:
            body: Any = loads(await request.body(), self.max_json_depth)
        except ValueError:
            return None  # the endpoint answers it with its own 400
        if not isinstance(body, dict) or not isinstance(query := body.get("query"), str):
            return None
        operation_name = body.get("operationName")
        if operation_name is not None and not isinstance(operation_name, str):
            return None
        classified = self.classified(query, operation_name)
        if classified.bypass is not None:
            return None
        # dataVersion before authenticating: authentication may check the request's connection out of the
        # pool, and a request holding one while it waits for the version read (one at a time, on a connection
        # of its own that may have to come from the same pool) could leave that read none: under fifty
        # concurrent requests every one of them waited until the pool's timeout.
        version = await self.versions.read()
        actor = await authenticate(request.headers.get("authorization"))
        setattr(request.state, ACTOR_STATE, actor)
        return cache_key(
            fingerprint=self.fingerprint,
            document=classified.normalized,
            operation_name=operation_name,
            variables=body.get("variables"),
            extensions=body.get("extensions"),
            actor=actor,
            version=version,
            accept=request.headers.get("accept", ""),
        )

    async def get(self, key: str) -> bytes | None:
        stored = self.memory.get(key)
        if stored is None and self.redis is not None:
            stored = await self.redis.get(key)
            if stored is not None:
                self.memory.put(key, stored)
        return stored

    async def put(self, key: str, response: Response) -> None:
        media_type = response.headers.get("content-type", "application/json")
        stored = media_type.encode() + b"\n" + bytes(response.body)
        self.memory.put(key, stored)
        if self.redis is not None:
            await self.redis.put(key, stored)

    async def respond(self, request: Request, answer: Answer, authenticate: Authenticate) -> Response:
        key = await self.key(request, authenticate)
        if key is None:
            response = await answer(request)
            response.headers[HEADER] = "bypass"
            return response
        stored = await self.get(key)
        if stored is not None:
            media_type, _, body = stored.partition(b"\n")
            return Response(body, headers={"content-type": media_type.decode(), HEADER: "hit"})
        response = await answer(request)
        if keepable(response, self.max_entry_bytes):
            await self.put(key, response)
        response.headers[HEADER] = "miss"
        return response

    async def aclose(self) -> None:
        await self.versions.aclose()
        if self.redis is not None:
            await self.redis.aclose()


def response_cache_for(
    schema: GraphQLSchema, settings: Settings, engine: AsyncEngine
) -> ResponseCache | None:
    return ResponseCache(schema=schema, settings=settings, engine=engine) if settings.RESPONSE_CACHE else None
