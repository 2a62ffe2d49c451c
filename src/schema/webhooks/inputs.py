import strawberry

# The filter of catch-up reads and subscriptions: a webhook takes the same one.
from src.schema.events.types import StatusEventFilter


@strawberry.input(description="登记 Webhook（仅系统管理员）")
class WebhookCreateInput:
    name: str = strawberry.field(description="名称，如“决算系统”（至多 100 个字符）")
    url: str = strawberry.field(
        description="接收地址，http:// 或 https://（至多 2000 个字符）；不能指向内网、回环或链路本地地址"
    )
    secret: str = strawberry.field(description="签名密钥（16–200 个字符）：只保存、用于签名，不再返回")
    username: str = strawberry.field(description="按此用户的权限筛选事件（通常为服务账号）")
    filter: StatusEventFilter | None = strawberry.field(
        default=None, description="接收哪些事件（与事件订阅的筛选条件相同）；为空表示全部"
    )


@strawberry.input(description="修改 Webhook（仅系统管理员）；不填的项保持不变")
class WebhookUpdateInput:
    id: strawberry.ID
    row_version: int
    enabled: bool | None = strawberry.field(
        default=None, description="重新启用时清零连续失败次数和停用原因，立即开始投递"
    )
    url: str | None = strawberry.field(default=None, description="新的接收地址（规则同登记时）")
    name: str | None = None
    secret: str | None = None


@strawberry.input(description="删除 Webhook 及其投递记录（仅系统管理员）")
class WebhookDeleteInput:
    id: strawberry.ID
