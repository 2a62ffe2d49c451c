from typing import Annotated

import strawberry

from src.schema.context import Info
from src.schema.deadlines.types import DeadlineList, DeadlinesResult
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.deadlines.items import DeadlineStatus
from src.services.deadlines.listing import list_deadlines


@strawberry.type
class DeadlineQueries:
    @strawberry.field(
        permission_classes=[IsAuthenticated],
        description=(
            "某年度一个地区及其下级地区各单位须于何日前完成哪些工作（截止日按现行实施细则，不晚于本办法规定），"
            "是否按时完成、逾期完成、逾期未完成或未到期；只列出本人可见的事项。年度的各监控期间"
            "（12月的于次年1月到期），以及该年度内到期的上年度事项（1月汇总上年运行监控情况报告）"
        ),
    )
    async def deadlines(
        self,
        info: Info,
        year: int,
        region_code: str,
        status: Annotated[
            list[DeadlineStatus] | None,
            strawberry.argument(description="只列出这些状态的事项；不给或为空则全部列出"),
        ] = None,
    ) -> DeadlinesResult:
        actor = current_actor(info)
        async with info.context.sessionmaker() as session:
            listing = await list_deadlines(
                session=session,
                actor=actor,
                year=year,
                region_code=region_code,
                statuses=set(status) if status else None,
            )
        return DeadlineList.of(listing)
