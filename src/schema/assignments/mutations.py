"""Assigning a record to a third party (Art. 17 委托第三方具体实施) and ending that early: the finance body of
the record's region."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.assignment import Assignment as AssignmentRow
from src.schema.assignments.types import Assignment
from src.schema.context import Info
from src.schema.errors import ConflictError, NotFoundError, ValidationError
from src.schema.ids import parse_id
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.services.assignments.assignments import AssignmentRequest, create_assignment, end_assignment

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="委托第三方实施一项评价（本地区财政部门）：期限按北京时间日期，首尾两日都含")
class AssignmentCreateInput:
    subject_type: str = strawberry.field(description="受托记录的类型（如 SelfEvaluation）")
    subject_id: strawberry.ID
    organization_id: strawberry.ID = strawberry.field(description="第三方机构")
    starts_on: date
    ends_on: date
    note: str = strawberry.field(default="", description="委托说明")


@strawberry.type
class AssignmentSuccess:
    assignment: Assignment


AssignmentResult = Annotated[
    AssignmentSuccess | ValidationError | NotFoundError | ConflictError, strawberry.union("AssignmentResult")
]


def _success(row: AssignmentRow) -> AssignmentSuccess:
    return AssignmentSuccess(assignment=Assignment.from_row(row))


@strawberry.type
class AssignmentMutations:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="委托第三方机构实施一项评价（第十七条；记录所在地区的财政部门）：期间重叠的同一委托为冲突",
    )
    async def assignment_create(self, info: Info, input: AssignmentCreateInput) -> AssignmentResult:
        request = AssignmentRequest(
            subject_type=input.subject_type,
            subject_id=parse_id(input.subject_id, "subject"),
            organization_id=parse_id(input.organization_id, "Organization"),
            starts_on=input.starts_on,
            ends_on=input.ends_on,
            note=input.note,
        )
        async with write(info) as (session, actor):
            return _success(await create_assignment(session=session, actor=actor, request=request))

    @strawberry.mutation(
        permission_classes=AUTH,
        description="提前结束委托（财政部门）：须说明理由；第三方机构随即不能再查看和填写",
    )
    async def assignment_end(self, info: Info, id: strawberry.ID, reason: str) -> AssignmentResult:
        assignment_id = parse_id(id, "Assignment")
        async with write(info) as (session, actor):
            return _success(
                await end_assignment(session=session, actor=actor, assignment_id=assignment_id, reason=reason)
            )
