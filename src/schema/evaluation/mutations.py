"""The self-evaluation's mutations (Art. 17, 18): opened by the pooling region's finance, filled in by its
agency, concurred with by its tax department, submitted (the provincial agency, or the prefecture's
finance), accepted by 财政厅 and the fund's administration or returned with a reason."""

import uuid
from decimal import Decimal
from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.enums import QualitativeGrade
from src.models.evaluation import SelfEvaluation as SelfEvaluationRow
from src.schema.context import Info
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.evaluation.loaders import LINES_PER_EVALUATION
from src.schema.evaluation.types import SelfEvaluation
from src.schema.ids import parse_id
from src.schema.inputs import multiline_text
from src.schema.list_sizes import max_items
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed
from src.services.evaluation import self_evaluation_edits as edits
from src.services.evaluation import self_evaluation_workflow as flow
from src.services.evaluation import self_evaluations

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="开展绩效自评（统筹地区财政部门）：统筹地区 × 险种 × 年度，年度结束后")
class SelfEvaluationOpenInput:
    region_code: str
    fund_type_code: str
    year: int


@strawberry.input(description="一项指标的修改：按指标谱系；未给出的不变")
class SelfEvaluationLineInput:
    indicator_lineage_id: strawberry.ID
    actual_value: Decimal | None = strawberry.field(
        default=None, description="实际完成值（与监控数据不同须说明理由）"
    )
    actual_grade: QualitativeGrade | None = None
    actual_reason: str | None = multiline_text(default=None, description="完成值修改理由")
    chosen_score: Decimal | None = strawberry.field(
        default=None, description="定性指标得分（须在完成档次区间内）"
    )
    cause: str | None = multiline_text(default=None, description="原因分析（第十八条）")
    measures: str | None = multiline_text(default=None, description="改进措施（第十八条）")


@strawberry.input(
    description="修改绩效自评（经办机构；草稿或已退回）：给出的部分替换原值；税务部门的同意随之失效"
)
class SelfEvaluationUpdateInput:
    id: strawberry.ID
    row_version: int
    conclusion: str | None = multiline_text(default=None, description="评价结论")
    problems: str | None = multiline_text(default=None, description="存在问题")
    measures: str | None = multiline_text(default=None, description="改进措施")
    initial_budget: Decimal | None = strawberry.field(default=None, description="基金支出年初预算（元）")
    adjusted_budget: Decimal | None = strawberry.field(default=None, description="基金支出调整后预算数（元）")
    executed: Decimal | None = strawberry.field(default=None, description="基金支出全年执行数（元）")
    budget_edit_reason: str | None = multiline_text(default=None, description="预算数或执行数修改理由")
    execution_reason: str | None = multiline_text(default=None, description="预算执行率未达规定比例的原因")
    lines: list[SelfEvaluationLineInput] = strawberry.field(
        default_factory=list, metadata=max_items(LINES_PER_EVALUATION)
    )


@strawberry.input(description="税务部门同意绩效自评当前内容（商税务部门，可附意见）")
class SelfEvaluationTaxConcurInput:
    id: strawberry.ID
    row_version: int
    opinion: str = multiline_text(default="", description="会商意见")


@strawberry.input(description="退回绩效自评：须说明理由")
class SelfEvaluationReturnInput:
    id: strawberry.ID
    row_version: int
    reason: str = multiline_text(description="退回理由")


@strawberry.type
class SelfEvaluationSuccess:
    self_evaluation: SelfEvaluation


SelfEvaluationOpenResult = Annotated[
    SelfEvaluationSuccess | ValidationError | NotFoundError | ConflictError | PreconditionFailedError,
    strawberry.union("SelfEvaluationOpenResult"),
]
SelfEvaluationChangeResult = Annotated[
    SelfEvaluationSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("SelfEvaluationChangeResult"),
]


def _success(row: SelfEvaluationRow) -> SelfEvaluationSuccess:
    return SelfEvaluationSuccess(self_evaluation=SelfEvaluation.from_row(row))


def _edit(input: SelfEvaluationUpdateInput) -> edits.SelfEvaluationEdit:
    lines = []
    for index, line in enumerate(input.lines):
        try:
            lineage = uuid.UUID(str(line.indicator_lineage_id))
        except ValueError:
            field = f"input.lines.{index}.indicatorLineageId"
            raise ValidationFailed(
                [FieldProblem(field, "不是有效的指标谱系标识", ErrorCode.INVALID)]
            ) from None
        lines.append(
            edits.LineEdit(
                indicator_lineage_id=lineage,
                actual_value=line.actual_value,
                actual_grade=line.actual_grade,
                actual_reason=line.actual_reason,
                chosen_score=line.chosen_score,
                cause=line.cause,
                measures=line.measures,
            )
        )
    return edits.SelfEvaluationEdit(
        conclusion=input.conclusion, problems=input.problems, measures=input.measures,
        initial_budget=input.initial_budget, adjusted_budget=input.adjusted_budget, executed=input.executed,
        budget_edit_reason=input.budget_edit_reason, execution_reason=input.execution_reason,
        lines=tuple(lines),
    )  # fmt: skip


@strawberry.type
class SelfEvaluationMutations:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="开展绩效自评（统筹地区财政部门）：依12月31日有效的年度目标，按监控数据预填",
    )
    async def self_evaluation_open(
        self, info: Info, input: SelfEvaluationOpenInput
    ) -> SelfEvaluationOpenResult:
        request = self_evaluations.OpenRequest(
            fund_type_code=input.fund_type_code, region_code=input.region_code, year=input.year
        )
        async with write(info) as (session, actor):
            return _success(
                await self_evaluations.open_self_evaluation(session=session, actor=actor, request=request)
            )

    @strawberry.mutation(permission_classes=AUTH, description="填写绩效自评（经办机构；草稿或已退回）")
    async def self_evaluation_update(
        self, info: Info, input: SelfEvaluationUpdateInput
    ) -> SelfEvaluationChangeResult:
        evaluation_id = parse_id(input.id, "SelfEvaluation")
        async with write(info) as (session, actor):
            row = await edits.update_self_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=input.row_version,
                edit=_edit(input),
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="税务部门同意绩效自评当前内容（同级税务部门；此后修改则须重新同意）",
    )
    async def self_evaluation_tax_concur(
        self, info: Info, input: SelfEvaluationTaxConcurInput
    ) -> SelfEvaluationChangeResult:
        evaluation_id = parse_id(input.id, "SelfEvaluation")
        async with write(info) as (session, actor):
            row = await flow.concur_self_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=input.row_version,
                opinion=input.opinion,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="上报绩效自评（省级统筹：省级经办机构；市（州）统筹：财政部门牵头报）：未完成或偏离较大的"
        "指标须有原因分析和改进措施（第十八条），须税务部门同意当前内容；逾期的标注逾期",
    )
    async def self_evaluation_submit(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> SelfEvaluationChangeResult:
        evaluation_id = parse_id(id, "SelfEvaluation")
        async with write(info) as (session, actor):
            row = await flow.submit_self_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="审核通过绩效自评（财政厅或人社厅、省医保局；两者均通过后为已审核通过）",
    )
    async def self_evaluation_accept(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> SelfEvaluationChangeResult:
        evaluation_id = parse_id(id, "SelfEvaluation")
        async with write(info) as (session, actor):
            row = await flow.accept_self_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="退回绩效自评（财政厅或主管行政部门）：须说明理由"
    )
    async def self_evaluation_return(
        self, info: Info, input: SelfEvaluationReturnInput
    ) -> SelfEvaluationChangeResult:
        evaluation_id = parse_id(input.id, "SelfEvaluation")
        async with write(info) as (session, actor):
            row = await flow.return_self_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=input.row_version,
                reason=input.reason,
            )  # fmt: skip
            return _success(row)
