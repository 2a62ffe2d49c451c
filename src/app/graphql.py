"""The GraphQL endpoint: strawberry's ASGI app with our context (actor, loaders, settings) per request."""

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.exceptions import ConnectionRejectionError
from strawberry.subscriptions import GRAPHQL_TRANSPORT_WS_PROTOCOL
from strawberry.types.unset import UNSET, UnsetType

from src.schema import build_schema
from src.schema.context import Context
from src.schema.loaders import build_loaders
from src.services.actors import Actor
from src.services.identity.authentication import authenticate, connection_authorization
from src.settings import Settings

NO_ACK_PAYLOAD: UnsetType = UNSET  # connection_ack without a payload


class GraphQLApp(GraphQL[Context, None]):
    def __init__(self, app: Starlette, settings: Settings) -> None:
        super().__init__(
            build_schema(settings),
            graphql_ide="graphiql" if settings.GRAPHIQL else None,
            allow_queries_via_get=False,  # no mutations through GET, and caches stay honest
            subscription_protocols=(GRAPHQL_TRANSPORT_WS_PROTOCOL,),
        )
        self.app = app
        self.settings = settings

    async def _actor(self, authorization: str | None) -> Actor | None:
        async with self.app.state.sessionmaker() as session:
            return await authenticate(
                session=session, authorization=authorization, secret_key=self.settings.SECRET_KEY
            )

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        return Context(
            request=request,
            response=response,
            sessionmaker=self.app.state.sessionmaker,
            loaders=build_loaders(self.app.state.sessionmaker),
            settings=self.settings,
            actor=await self._actor(request.headers.get("authorization")),
            client_address=request.client.host if request.client else None,
            rate_limiter=self.app.state.rate_limiter,
        )

    async def on_ws_connect(self, context: Context) -> UnsetType | dict[str, object] | None:
        # Browsers cannot set headers on a WebSocket: credentials come in connection_init's payload, and
        # the context (one per connection) acts as that actor for every operation on it.
        authorization = connection_authorization(context.connection_params)
        if authorization is None:
            return NO_ACK_PAYLOAD
        actor = await self._actor(authorization)
        if actor is None:
            raise ConnectionRejectionError()  # strawberry closes with 4403 Forbidden
        context.actor = actor
        return NO_ACK_PAYLOAD
