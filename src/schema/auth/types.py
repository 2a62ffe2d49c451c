"""GraphQL types of authentication: the current user, login results, API tokens."""

from datetime import datetime
from operator import attrgetter
from typing import Annotated

import strawberry

from src.models.auth import ApiTokenScope
from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import related
from src.schema.enums import ActorType, Administration
from src.schema.errors import NotFoundError, UserError, ValidationError, to_member
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization, User
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.actors import Actor
from src.services.identity import sessions
from src.services.identity.api_tokens import ApiTokenView


@strawberry.type(description="当前登录的用户，以其所属单位的身份行事")
class CurrentUser:
    id: strawberry.ID
    username: str
    full_name: str
    is_admin: bool = strawberry.field(description="系统管理员（可管理 API 令牌）")
    is_service_account: bool = strawberry.field(description="服务账号（下游系统，只能用 API 令牌）")
    organization_name: str
    actor_type: ActorType
    administration: Administration | None
    region_code: str
    organization_id: strawberry.Private[int]
    region_id: strawberry.Private[int]

    @classmethod
    def from_actor(cls, actor: Actor) -> "CurrentUser":
        return cls(
            id=strawberry.ID(str(actor.user_id)),
            username=actor.username,
            full_name=actor.full_name,
            is_admin=actor.is_admin,
            is_service_account=actor.is_service_account,
            organization_name=actor.organization_name,
            actor_type=actor.actor_type,
            administration=actor.administration,
            region_code=actor.region_code,
            organization_id=actor.organization_id,
            region_id=actor.region_id,
        )

    @strawberry.field
    def actor_type_label(self) -> str:
        return label_zh(self.actor_type)

    @strawberry.field
    async def region_name(self, info: Info) -> str:
        row = await info.context.loaders[region_by_id].load(self.region_id)
        assert row is not None
        return row.name

    organization: Organization = related(Organization, organization_by_id, "organization_id")


@strawberry.type(description="登录成功：访问令牌（放在 Authorization: Bearer 中）与刷新令牌")
class LoginSuccess:
    access_token: str = strawberry.field(description="访问令牌（JWT），有效期见 expiresIn")
    refresh_token: str = strawberry.field(description="刷新令牌：只能使用一次，换取新的访问令牌和刷新令牌")
    expires_in: int = strawberry.field(description="访问令牌的有效期（秒）")
    token_type: str = strawberry.field(description="令牌类型，固定为 Bearer")
    user: CurrentUser

    @classmethod
    def from_issued(cls, issued: sessions.IssuedTokens) -> "LoginSuccess":
        return cls(
            access_token=issued.access_token,
            refresh_token=issued.refresh_token,
            expires_in=issued.expires_in,
            token_type="Bearer",
            user=CurrentUser.from_actor(issued.actor),
        )


@strawberry.type(description="用户名或密码错误，或登录已失效")
class InvalidCredentials(UserError):
    pass


@strawberry.type(description="登录失败次数过多，暂时不再受理")
class TooManyAttempts(UserError):
    retry_after_seconds: int


LoginResult = Annotated[LoginSuccess | InvalidCredentials | TooManyAttempts, strawberry.union("LoginResult")]
TokenRefreshResult = Annotated[LoginSuccess | InvalidCredentials, strawberry.union("TokenRefreshResult")]


strawberry.enum(ApiTokenScope, description="API 令牌的权限：READ 只读（不能执行任何修改），READ_WRITE 读写")


@strawberry.type(description="API 令牌：下游系统以服务账号身份调用接口；只保存哈希，明文只在创建时返回一次")
class ApiToken:
    id: strawberry.ID
    name: str
    prefix: str = strawberry.field(description="令牌开头几位，用于辨认")
    user: User = strawberry.field(description="令牌代表的服务账号")
    scope: ApiTokenScope
    created_at: datetime
    revoked_at: datetime | None
    expires_at: datetime | None = strawberry.field(description="到期时间；为空表示吊销前一直有效")
    last_used_at: datetime | None = strawberry.field(description="最近使用时间（约每分钟更新一次）")
    region_id: strawberry.Private[int | None]

    region: Region | None = related(
        Region, region_by_id, "region_id", optional=True, description="令牌限定的区划（含下级）；为空表示不限"
    )

    @classmethod
    def from_view(cls, view: ApiTokenView) -> "ApiToken":
        token = view.token
        return cls(
            id=strawberry.ID(str(token.id)),
            name=token.name,
            prefix=token.prefix,
            user=User.from_row(view.user),
            scope=token.scope,
            created_at=token.created_at,
            revoked_at=token.revoked_at,
            expires_at=token.expires_at,
            last_used_at=token.last_used_at,
            region_id=token.region_id,
        )


@strawberry.type(description="API 令牌已创建")
class ApiTokenCreated:
    token: str = strawberry.field(description="令牌明文：只在此返回一次，请立即妥善保存")
    api_token: ApiToken


@strawberry.input(description="创建 API 令牌")
class ApiTokenCreateInput:
    name: str = strawberry.field(description="用途说明，如“下游决算系统”")
    username: str = strawberry.field(description="服务账号的用户名")
    scope: ApiTokenScope = strawberry.field(
        default=ApiTokenScope.READ, description="权限，默认只读；需要执行修改的下游系统用 READ_WRITE"
    )
    region_code: str | None = strawberry.field(
        default=None,
        description="限定的区划代码（须在服务账号所属单位的辖区内）：只能查看和处理该区划及其下级",
    )
    expires_at: datetime | None = strawberry.field(
        default=None, description="到期时间（须晚于当前时间）；到期后令牌失效。为空表示吊销前一直有效"
    )


ApiTokenCreateResult = Annotated[ApiTokenCreated | ValidationError, strawberry.union("ApiTokenCreateResult")]
ApiTokenRevokeResult = Annotated[ApiToken | NotFoundError, strawberry.union("ApiTokenRevokeResult")]

AUTH_EXCEPTION_HANDLERS = (
    to_member(sessions.InvalidCredentials, InvalidCredentials),
    to_member(
        sessions.TooManyAttempts, TooManyAttempts, retry_after_seconds=attrgetter("retry_after_seconds")
    ),
)
