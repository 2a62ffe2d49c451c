"""Reading assignments: a record's (`assignments`: all of them for its region's finance, the caller's own
organization's for anyone else who reads the record) and a third party's own (`myAssignments`)."""

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.schema.assignments.types import Assignment
from src.schema.context import Info
from src.schema.errors import NotFoundError, ValidationError
from src.schema.ids import parse_id
from src.schema.list_sizes import max_items
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor
from src.services.assignments.reads import MAX_LISTED, assignments_of_subject, my_assignments

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.type(description="一项记录的委托，按开始时间倒序")
class AssignmentList:
    items: list[Assignment] = strawberry.field(metadata=max_items(MAX_LISTED))


AssignmentsResult = Annotated[
    AssignmentList | NotFoundError | ValidationError, strawberry.union("AssignmentsResult")
]


@strawberry.type
class AssignmentQueries:
    @strawberry.field(
        permission_classes=AUTH,
        description=f"一项记录的委托（须可查看该记录）：本地区财政部门看全部，其他人看本机构的；"
        f"至多 {MAX_LISTED} 条",
    )
    async def assignments(
        self, info: Info, subject_type: str, subject_id: strawberry.ID
    ) -> AssignmentsResult:
        row_id = parse_id(subject_id, "subject")
        async with info.context.sessionmaker() as session:
            rows = await assignments_of_subject(
                session=session, actor=current_actor(info), subject_type=subject_type, subject_id=row_id
            )
        return AssignmentList(items=[Assignment.from_row(r) for r in rows])

    @strawberry.field(
        permission_classes=AUTH,
        description=f"本机构受托的评价（第三方机构），按开始时间倒序，至多 {MAX_LISTED} 条；"
        "默认只列当前有效的",
        metadata=max_items(MAX_LISTED),
    )
    async def my_assignments(self, info: Info, active_only: bool = True) -> list[Assignment]:
        async with info.context.sessionmaker() as session:
            rows = await my_assignments(session=session, actor=current_actor(info), active_only=active_only)
        return [Assignment.from_row(r) for r in rows]
