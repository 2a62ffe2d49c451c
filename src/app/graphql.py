"""The GraphQL endpoint: strawberry's ASGI app with our context (actor, loaders, settings) per request."""

import json
import logging

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError, MissingQueryError
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.schema.exceptions import CannotGetOperationTypeError, InvalidOperationTypeError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types import ExecutionResult
from strawberry.types.graphql import OperationType
from strawberry.types.unset import UNSET, UnsetType

from src.app.request_json import RefusedJSON, loads
from src.app.response_cache import known_actor, response_cache_for
from src.app.websocket import ReauthenticatingHandler
from src.events.shared import Planner, RawPayload, next_message_head
from src.schema import build_schema
from src.schema.context import Context
from src.schema.loaders import build_loaders
from src.schema.request_session import RequestSession, Sessionmaker
from src.services.actors import Actor
from src.services.identity.actor_cache import cached_actor
from src.services.identity.authentication import connection_authorization
from src.settings import Settings

logger = logging.getLogger(__name__)
NO_ACK_PAYLOAD: UnsetType = UNSET  # connection_ack without a payload
GRAPHQL_RESPONSE_JSON = "application/graphql-response+json"
NOT_AN_OBJECT = 'The request body must be a JSON object: {"query": "...", "variables": {...}}'
REQUEST_SESSION = "fundperf.request_session"  # the HTTP request's shared session, in its ASGI scope
SUBSCRIPTIONS_OVER_WEBSOCKET = (
    "Subscriptions are not served over HTTP: "
    "open a WebSocket to /graphql with the graphql-transport-ws protocol"
)


def wants_graphql_response(request: Request) -> bool:
    """GraphQL over HTTP: a client that accepts application/graphql-response+json gets status codes."""
    return GRAPHQL_RESPONSE_JSON in request.headers.get("accept", "")


def is_request_error(result: ExecutionResult) -> bool:
    """The document did not parse or validate, or its variables did not coerce: nothing was executed."""
    errors = result.errors or []
    executed = any((e.extensions or {}).get("code") == "OPERATION_TIMEOUT" for e in errors)
    return result.data is None and bool(errors) and not executed and all(e.path is None for e in errors)


class GraphQLApp(GraphQL[Context, None]):
    # WebSocket: the connection's credentials are authenticated again before each operation (websocket.py).
    graphql_transport_ws_handler_class = ReauthenticatingHandler

    def __init__(self, app: Starlette, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.GRAPHIQL else None,
            allow_queries_via_get=False,  # no mutations through GET, and caches stay honest
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
            max_subscriptions_per_connection=settings.WS_MAX_OPERATIONS,
        )
        self.app = app
        self.settings = settings
        # statusChanged documents that qualify run on the shared path (src/events/shared.py).
        self.planner = Planner(self.schema._schema)  # type: ignore[attr-defined]
        self.response_cache = response_cache_for(self.schema._schema, settings, app.state.engine)  # type: ignore[attr-defined]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        # The request's one session (get_context hands it out, the response cache authenticates on it), given
        # back once the answer is ready, before it is sent.
        request = Request(scope=scope, receive=receive)
        shared = scope[REQUEST_SESSION] = RequestSession(self.app.state.read_sessionmaker)
        try:
            if self.response_cache is None:
                response = await self._answer(request)
            else:
                response = await self.response_cache.respond(
                    request, self._answer, lambda authorization: self._actor(authorization, shared)
                )
        finally:
            await shared.close()
        await response(scope, receive, send)

    async def _answer(self, request: Request) -> Response:
        # strawberry's HTTP branch, plus one INFO line per refused request (it logs none).
        try:
            return await self.run(request)
        except HTTPException as exc:
            reason = " ".join(exc.reason.split())[:200]  # may quote the client (an operation name)
            logger.info("refused: http status=%d: %s", exc.status_code, reason)
            return PlainTextResponse(exc.reason, status_code=exc.status_code)

    def decode_json(self, data: str | bytes) -> object:
        # HTTP bodies and WebSocket messages alike; a refusal is a JSONDecodeError, which strawberry's
        # WebSocket reader answers with 4400 (websocket.py logs it).
        return loads(data, self.settings.MAX_JSON_DEPTH)

    def parse_json(self, data: str | bytes) -> object:
        """An HTTP request's JSON: a 400 that says what is wrong with it."""
        try:
            value = self.decode_json(data)
        except RefusedJSON as exc:
            raise HTTPException(400, exc.msg) from exc
        except json.JSONDecodeError as exc:
            raise HTTPException(400, "Unable to parse request body as JSON") from exc
        if not isinstance(value, dict | list):  # a list is a batch, refused with its own message
            raise HTTPException(400, NOT_AN_OBJECT)
        return value

    def encode_json(self, data: object) -> str:
        # A shared subscription's payload comes serialized once for all its subscribers: spliced in as is.
        if isinstance(data, dict) and isinstance(payload := data.get("payload"), RawPayload):
            return f"{next_message_head(data['id'])}{payload}}}"
        # Chinese stays readable in responses: UTF-8, not \uXXXX escapes.
        return json.dumps(data, ensure_ascii=False, separators=(",", ":"))

    async def execute_single(
        self,
        request: Request,
        request_adapter: AsyncHTTPRequestAdapter,
        sub_response: Response,
        context: Context,
        root_value: None,
        request_data: GraphQLRequestData,
    ) -> ExecutionResult:
        # strawberry's execute_single, without subscriptions: it would run one as a query, whose field then
        # fails (null for a non-null event) as an unexpected error. GraphQL over HTTP may refuse them.
        allowed = OperationType.from_http(request_adapter.method) - {OperationType.SUBSCRIPTION}
        if not self.allow_queries_via_get and request_adapter.method == "GET":
            allowed -= {OperationType.QUERY}
        try:
            result = await self.schema.execute(
                request_data.query,
                root_value=root_value,
                variable_values=request_data.variables,
                context_value=context,
                operation_name=request_data.operation_name,
                allowed_operation_types=allowed,
                operation_extensions=request_data.extensions,
            )
        except CannotGetOperationTypeError as exc:
            raise HTTPException(400, exc.as_http_error_reason()) from exc
        except InvalidOperationTypeError as exc:
            if exc.operation_type is OperationType.SUBSCRIPTION:
                raise HTTPException(400, SUBSCRIPTIONS_OVER_WEBSOCKET) from exc
            raise HTTPException(400, exc.as_http_error_reason(request_adapter.method)) from exc
        except MissingQueryError as exc:
            raise HTTPException(400, "No GraphQL query found in the request") from exc
        if wants_graphql_response(request):
            sub_response.headers["content-type"] = GRAPHQL_RESPONSE_JSON
            if is_request_error(result):
                sub_response.status_code = 400
        return result

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        response = await super().process_result(request, result)
        if wants_graphql_response(request) and is_request_error(result):
            response.pop("data", None)  # the spec: a request error has no data entry
        return response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        media_type = sub_response.headers.get("content-type", "application/json")
        del sub_response.headers["content-type"]
        response = super().create_response(response_data, sub_response)
        response.headers["content-type"] = f"{media_type}; charset=utf-8"
        return response

    async def _actor(self, authorization: str | None, sessionmaker: Sessionmaker) -> Actor | None:
        return await cached_actor(
            cache=self.app.state.actor_cache,
            sessionmaker=sessionmaker,
            authorization=authorization,
            secret_key=self.settings.SECRET_KEY,
        )

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        # A WebSocket's context lasts as long as the connection: its reads open sessions of their own.
        reads: Sessionmaker = request.scope.get(REQUEST_SESSION) or self.app.state.sessionmaker
        known, actor = known_actor(request)  # the response cache authenticated the caller already
        return Context(
            request=request,
            response=response,
            sessionmaker=reads,
            loaders=build_loaders(reads),
            settings=self.settings,
            unit_sessionmaker=self.app.state.sessionmaker,
            actor=actor if known else await self._actor(request.headers.get("authorization"), reads),
            client_address=request.client.host if request.client else None,
            rate_limiter=self.app.state.rate_limiter,
            jobs=self.app.state.jobs,
            hub=self.app.state.events.hub,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        # Browsers cannot set headers on a WebSocket: credentials come in connection_init's payload, and
        # the context (one per connection) acts as that actor, re-checked before each operation.
        authorization = connection_authorization(context.connection_params)
        if authorization is None:
            return NO_ACK_PAYLOAD
        actor = await self._actor(authorization, self.app.state.sessionmaker)
        if actor is None:
            raise ConnectionRejectionError()  # strawberry closes with 4403 Forbidden
        context.actor = actor
        return NO_ACK_PAYLOAD
