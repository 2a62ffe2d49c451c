"""Reading result applications: `resultApplications(year, regionCode, fundCode)` (paged, what the caller may
read) and `resultApplication(id)`."""

import strawberry
from strawberry.permission import BasePermission

from src.models.result_application import ResultApplication as ResultApplicationRow
from src.schema.context import Info
from src.schema.ids import parse_id
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.result_application.types import ResultApplication, ResultApplicationResult
from src.schema.transaction import current_actor
from src.services.result_application.applications import applications_select, visible_application

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type
class ResultApplicationQueries:
    @strawberry.field(
        permission_classes=AUTH,
        description="评价结果应用列表（可按评价年度、统筹地区代码、险种代码），按 ID 排序",
    )
    async def result_applications(
        self,
        info: Info,
        year: int | None = None,
        region_code: str | None = None,
        fund_code: str | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[ResultApplication]:
        stmt = applications_select(
            current_actor(info), year=year, region_code=region_code, fund_type_code=fund_code
        )
        return await paginate(
            info, stmt, ResultApplicationRow.id, ResultApplication.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询评价结果应用")
    async def result_application(self, info: Info, id: strawberry.ID) -> ResultApplicationResult:
        application_id = parse_id(id, "ResultApplication")
        async with info.context.sessionmaker() as session:
            row = await visible_application(
                session=session, actor=current_actor(info), application_id=application_id
            )
        return ResultApplication.from_row(row)
