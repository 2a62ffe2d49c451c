import strawberry

from src.schema.auth.types import ApiToken, CurrentUser
from src.schema.context import Info
from src.schema.list_sizes import max_items
from src.schema.transaction import current_actor
from src.services.identity import api_tokens


@strawberry.type
class AuthQueries:
    @strawberry.field(description="当前登录的用户；未登录时为 null（唯一不要求登录的查询）")
    def me(self, info: Info) -> CurrentUser | None:
        actor = info.context.actor
        return CurrentUser.from_actor(actor) if actor else None

    @strawberry.field(
        description="API 令牌，新建的在前（仅系统管理员）",
        metadata=max_items(1000),  # administrators only: a few per downstream system
    )
    async def api_tokens(self, info: Info, include_revoked: bool = True) -> list[ApiToken]:
        actor = current_actor(info)
        async with info.context.sessionmaker() as session:
            views = await api_tokens.list_api_tokens(
                session=session, actor=actor, include_revoked=include_revoked
            )
        return [ApiToken.from_view(v) for v in views]
