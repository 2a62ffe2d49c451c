from functools import partial

import strawberry

from src.db import session_scope
from src.schema.auth.types import (
    ApiToken,
    ApiTokenCreated,
    ApiTokenCreateInput,
    ApiTokenCreateResult,
    ApiTokenRevokeResult,
    LoginResult,
    LoginSuccess,
    TokenRefreshResult,
)
from src.schema.context import Info
from src.schema.conversion import to_model
from src.schema.ids import parse_id
from src.schema.inputs import refuse_input_as
from src.schema.transaction import write
from src.services.identity import api_tokens, sessions


@strawberry.type
class AuthMutations:
    @strawberry.mutation(
        description="用户名和密码登录（服务账号不能登录，只能使用 API 令牌）",
        # A username or password no account can have (control characters, far too long) gets the same
        # answer as a wrong one.
        metadata=refuse_input_as(sessions.InvalidCredentials),
    )
    async def login(self, info: Info, username: str, password: str) -> LoginResult:
        context = info.context
        assert context.rate_limiter is not None, "create_app gives every context the app's rate limiter"
        async with session_scope(context.unit_sessionmaker) as session:
            issued = await sessions.login(
                session=session,
                username=username,
                password=password,
                address=context.client_address,
                limiter=context.rate_limiter,
                settings=context.settings,
            )
        return LoginSuccess.from_issued(issued)

    @strawberry.mutation(
        description="用刷新令牌换取新的访问令牌和刷新令牌（旧的刷新令牌随即失效）",
        metadata=refuse_input_as(partial(sessions.InvalidCredentials, sessions.SESSION_EXPIRED)),
    )
    async def token_refresh(self, info: Info, refresh_token: str) -> TokenRefreshResult:
        async with session_scope(info.context.unit_sessionmaker) as session:
            issued = await sessions.refresh(
                session=session, refresh_token=refresh_token, settings=info.context.settings
            )
        return LoginSuccess.from_issued(issued)

    @strawberry.mutation(description="退出登录：该刷新令牌所属的会话全部失效；令牌未知时返回 false")
    async def logout(self, info: Info, refresh_token: str) -> bool:
        async with session_scope(info.context.unit_sessionmaker) as session:
            return await sessions.logout(session=session, refresh_token=refresh_token)

    @strawberry.mutation(description="为服务账号创建 API 令牌（仅系统管理员）；明文只返回这一次")
    async def api_token_create(self, info: Info, input: ApiTokenCreateInput) -> ApiTokenCreateResult:
        spec = to_model(api_tokens.ApiTokenSpec, input)
        async with write(info) as (session, actor):
            created = await api_tokens.create_api_token(session=session, actor=actor, spec=spec)
            return ApiTokenCreated(token=created.plaintext, api_token=ApiToken.from_view(created.view))

    @strawberry.mutation(description="吊销 API 令牌（仅系统管理员）；已吊销的保持不变")
    async def api_token_revoke(self, info: Info, id: strawberry.ID) -> ApiTokenRevokeResult:
        token_id = parse_id(id, "ApiToken")
        async with write(info) as (session, actor):
            view = await api_tokens.revoke_api_token(session=session, actor=actor, token_id=token_id)
            return ApiToken.from_view(view)
