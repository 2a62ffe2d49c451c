"""The result application's mutations (Art. 20): finance creates the record of a region's fund and year,
edits its uses while a draft, records it (已登记), or deletes the draft."""

from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.result_application import MAX_USES, ApplicationKind, UseInput
from src.models.result_application import ResultApplication as ResultApplicationRow
from src.schema.context import Info
from src.schema.conversion import to_model
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.ids import parse_id
from src.schema.inputs import multiline_text
from src.schema.permissions import IsAuthenticated
from src.schema.result_application.types import ResultApplication
from src.schema.transaction import write
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.result_application import applications

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="评价结果的一项应用")
class ResultApplicationUseInput:
    kind: ApplicationKind
    description: str = multiline_text(description="应用情况（最多 2000 字）")
    goal_id: strawberry.ID | None = strawberry.field(
        default=None, description="因此调整的下一年度绩效目标（同一统筹地区、险种；下一年度绩效目标时必填）"
    )
    budget_id: strawberry.ID | None = strawberry.field(
        default=None, description="因此调整的下一年度基金预算（同一统筹地区、险种；下一年度预算时必填）"
    )
    amount: Decimal | None = strawberry.field(default=None, description="资金安排金额（万元，仅资金安排）")


@strawberry.input(description="登记评价结果应用（统筹地区财政部门；省级财政部门可为任一地区登记）")
class ResultApplicationCreateInput:
    region_code: str
    fund_code: str
    year: int = strawberry.field(description="评价的预算年度")
    uses: list[ResultApplicationUseInput] = strawberry.field(default_factory=list)


@strawberry.input(description="修改评价结果应用（草稿）：给出的各项应用替换原有各项")
class ResultApplicationUpdateInput:
    id: strawberry.ID
    row_version: int
    uses: list[ResultApplicationUseInput]


@strawberry.type
class ResultApplicationSuccess:
    result_application: ResultApplication


@strawberry.type
class ResultApplicationDeleteSuccess:
    deleted_id: strawberry.ID


ResultApplicationCreateResult = Annotated[
    ResultApplicationSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("ResultApplicationCreateResult"),
]
ResultApplicationChangeResult = Annotated[
    ResultApplicationSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("ResultApplicationChangeResult"),
]
ResultApplicationDeleteResult = Annotated[
    ResultApplicationDeleteSuccess | NotFoundError | ConflictError | InvalidTransitionError,
    strawberry.union("ResultApplicationDeleteResult"),
]


def _uses(items: list[ResultApplicationUseInput]) -> list[UseInput]:
    if len(items) > MAX_USES:
        raise ValidationFailed(
            [FieldProblem("input.uses", f"最多 {MAX_USES} 项应用", ErrorCode.OUT_OF_RANGE)]
        )
    return [to_model(UseInput, item, prefix=f"input.uses.{n}") for n, item in enumerate(items)]


def _success(row: ResultApplicationRow) -> ResultApplicationSuccess:
    return ResultApplicationSuccess(result_application=ResultApplication.from_row(row))


@strawberry.type
class ResultApplicationMutations:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="登记评价结果应用（第二十条）：草稿，仅登记单位所在地区可见",
    )
    async def result_application_create(
        self, info: Info, input: ResultApplicationCreateInput
    ) -> ResultApplicationCreateResult:
        uses = _uses(input.uses)
        async with write(info) as (session, actor):
            row = await applications.create_application(
                session=session, actor=actor, region_code=input.region_code,
                fund_type_code=input.fund_code, year=input.year, uses=uses,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="修改评价结果应用（草稿）")
    async def result_application_update(
        self, info: Info, input: ResultApplicationUpdateInput
    ) -> ResultApplicationChangeResult:
        application_id = parse_id(input.id, "ResultApplication")
        uses = _uses(input.uses)
        async with write(info) as (session, actor):
            row = await applications.update_application(
                session=session, actor=actor, application_id=application_id,
                row_version=input.row_version, uses=uses,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="确认登记评价结果应用（财政部门）：此后上级地区可见，不再修改",
    )
    async def result_application_record(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> ResultApplicationChangeResult:
        application_id = parse_id(id, "ResultApplication")
        async with write(info) as (session, actor):
            row = await applications.record_application(
                session=session, actor=actor, application_id=application_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="删除评价结果应用（仅草稿）")
    async def result_application_delete(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> ResultApplicationDeleteResult:
        application_id = parse_id(id, "ResultApplication")
        async with write(info) as (session, actor):
            deleted = await applications.delete_application(
                session=session, actor=actor, application_id=application_id, row_version=row_version
            )
            return ResultApplicationDeleteSuccess(deleted_id=strawberry.ID(str(deleted)))
