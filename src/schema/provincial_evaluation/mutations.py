"""The provincial evaluation's mutations (Art. 17, 18): opened by 财政厅, written by the provincial agency of
the fund's administration, concurred with by 省税务局, sent to 财政厅 by the agency, approved or returned by
财政厅; and 财政厅's summary: created, written and sent upward (numbered)."""

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.provincial_evaluation import ProvincialEvaluation as ProvincialEvaluationRow
from src.models.provincial_evaluation import ProvincialEvaluationSummary as SummaryRow
from src.schema.context import Info
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
from src.schema.provincial_evaluation.types import ProvincialEvaluation, ProvincialEvaluationSummary
from src.schema.transaction import write
from src.services.evaluation.provincial import evaluations, summaries
from src.services.evaluation.provincial import workflow as flow

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="开展省级绩效评价（财政厅牵头）：险种 × 年度，年度结束后")
class ProvincialEvaluationOpenInput:
    region_code: str = strawberry.field(description="省（财政厅所在的省级行政区划）")
    fund_type_code: str
    year: int


@strawberry.input(
    description="修改省级绩效评价报告（省级经办机构；草稿或已退回）：给出的部分替换原值；省税务局的同意随之失效"
)
class ProvincialEvaluationUpdateInput:
    id: strawberry.ID
    row_version: int
    overview: str | None = multiline_text(default=None, description="一、基本情况")
    work: str | None = multiline_text(default=None, description="二、绩效评价工作开展情况")
    conclusion: str | None = multiline_text(default=None, description="三、综合评价情况及评价结论")
    analysis: str | None = multiline_text(default=None, description="四、绩效评价指标分析")
    problems: str | None = multiline_text(
        default=None, description="五、主要经验及做法、存在的问题及原因分析"
    )
    suggestions: str | None = multiline_text(default=None, description="六、有关建议")
    other: str | None = multiline_text(default=None, description="七、其他需要说明的问题")


@strawberry.input(description="省税务局同意省级绩效评价报告当前内容（可附意见）")
class ProvincialEvaluationTaxConcurInput:
    id: strawberry.ID
    row_version: int
    opinion: str = multiline_text(default="", description="会商意见")


@strawberry.input(description="退回省级绩效评价报告（财政厅）：须说明理由")
class ProvincialEvaluationReturnInput:
    id: strawberry.ID
    row_version: int
    reason: str = multiline_text(description="退回理由")


@strawberry.input(description="建立省级绩效评价汇总报告（财政厅）：省 × 年度，年度结束后")
class ProvincialEvaluationSummaryCreateInput:
    region_code: str = strawberry.field(description="省（财政厅所在的省级行政区划）")
    year: int


@strawberry.input(description="修改汇总报告（财政厅；草稿）：给出的部分替换原值")
class ProvincialEvaluationSummaryUpdateInput:
    id: strawberry.ID
    row_version: int
    overview: str | None = multiline_text(default=None, description="总体情况")
    problems: str | None = multiline_text(default=None, description="存在的问题")
    next_steps: str | None = multiline_text(default=None, description="下一步工作")


@strawberry.type
class ProvincialEvaluationSuccess:
    provincial_evaluation: ProvincialEvaluation


@strawberry.type
class ProvincialEvaluationSummarySuccess:
    provincial_evaluation_summary: ProvincialEvaluationSummary


ProvincialEvaluationOpenResult = Annotated[
    ProvincialEvaluationSuccess | ValidationError | NotFoundError | ConflictError | PreconditionFailedError,
    strawberry.union("ProvincialEvaluationOpenResult"),
]
ProvincialEvaluationChangeResult = Annotated[
    ProvincialEvaluationSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("ProvincialEvaluationChangeResult"),
]
ProvincialEvaluationSummaryCreateResult = Annotated[
    ProvincialEvaluationSummarySuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | PreconditionFailedError,
    strawberry.union("ProvincialEvaluationSummaryCreateResult"),
]
ProvincialEvaluationSummaryChangeResult = Annotated[
    ProvincialEvaluationSummarySuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("ProvincialEvaluationSummaryChangeResult"),
]


def _success(row: ProvincialEvaluationRow) -> ProvincialEvaluationSuccess:
    return ProvincialEvaluationSuccess(provincial_evaluation=ProvincialEvaluation.from_row(row))


def _summary(row: SummaryRow) -> ProvincialEvaluationSummarySuccess:
    return ProvincialEvaluationSummarySuccess(
        provincial_evaluation_summary=ProvincialEvaluationSummary.from_row(row)
    )


@strawberry.type
class ProvincialEvaluationMutations:
    @strawberry.mutation(permission_classes=AUTH, description="开展省级绩效评价（财政厅牵头，第十七条）")
    async def provincial_evaluation_open(
        self, info: Info, input: ProvincialEvaluationOpenInput
    ) -> ProvincialEvaluationOpenResult:
        async with write(info) as (session, actor):
            return _success(
                await evaluations.open_provincial_evaluation(
                    session=session,
                    actor=actor,
                    region_code=input.region_code,
                    fund_type_code=input.fund_type_code,
                    year=input.year,
                )
            )

    @strawberry.mutation(
        permission_classes=AUTH, description="撰写省级绩效评价报告（省级经办机构；草稿或已退回）"
    )
    async def provincial_evaluation_update(
        self, info: Info, input: ProvincialEvaluationUpdateInput
    ) -> ProvincialEvaluationChangeResult:
        evaluation_id = parse_id(input.id, "ProvincialEvaluation")
        edit = evaluations.ProvincialEvaluationEdit(
            overview=input.overview, work=input.work, conclusion=input.conclusion, analysis=input.analysis,
            problems=input.problems, suggestions=input.suggestions, other=input.other,
        )  # fmt: skip
        async with write(info) as (session, actor):
            row = await evaluations.update_provincial_evaluation(
                session=session,
                actor=actor,
                evaluation_id=evaluation_id,
                row_version=input.row_version,
                edit=edit,
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="省税务局同意省级绩效评价报告当前内容（此后修改则须重新同意）"
    )
    async def provincial_evaluation_tax_concur(
        self, info: Info, input: ProvincialEvaluationTaxConcurInput
    ) -> ProvincialEvaluationChangeResult:
        evaluation_id = parse_id(input.id, "ProvincialEvaluation")
        async with write(info) as (session, actor):
            row = await flow.concur_provincial_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=input.row_version,
                opinion=input.opinion,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="省级绩效评价报告送财政厅（省级经办机构）：须填写报告各部分、省税务局同意当前内容；"
        "送出时的全省自评汇总随之保存；晚于7月10日（本省规则）的标注逾期",
    )
    async def provincial_evaluation_submit(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> ProvincialEvaluationChangeResult:
        evaluation_id = parse_id(id, "ProvincialEvaluation")
        async with write(info) as (session, actor):
            row = await flow.submit_provincial_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="审核通过省级绩效评价报告（财政厅）")
    async def provincial_evaluation_approve(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> ProvincialEvaluationChangeResult:
        evaluation_id = parse_id(id, "ProvincialEvaluation")
        async with write(info) as (session, actor):
            row = await flow.approve_provincial_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="退回省级绩效评价报告（财政厅）：须说明理由")
    async def provincial_evaluation_return(
        self, info: Info, input: ProvincialEvaluationReturnInput
    ) -> ProvincialEvaluationChangeResult:
        evaluation_id = parse_id(input.id, "ProvincialEvaluation")
        async with write(info) as (session, actor):
            row = await flow.return_provincial_evaluation(
                session=session, actor=actor, evaluation_id=evaluation_id, row_version=input.row_version,
                reason=input.reason,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="汇总省级绩效评价（财政厅）：建立某年度的汇总报告"
    )
    async def provincial_evaluation_summary_create(
        self, info: Info, input: ProvincialEvaluationSummaryCreateInput
    ) -> ProvincialEvaluationSummaryCreateResult:
        async with write(info) as (session, actor):
            row = await summaries.create_summary(
                session=session, actor=actor, region_code=input.region_code, year=input.year
            )
            return _summary(row)

    @strawberry.mutation(permission_classes=AUTH, description="修改汇总报告（财政厅；草稿）")
    async def provincial_evaluation_summary_update(
        self, info: Info, input: ProvincialEvaluationSummaryUpdateInput
    ) -> ProvincialEvaluationSummaryChangeResult:
        summary_id = parse_id(input.id, "ProvincialEvaluationSummary")
        async with write(info) as (session, actor):
            row = await summaries.update_summary(
                session=session, actor=actor, summary_id=summary_id, row_version=input.row_version,
                overview=input.overview, problems=input.problems, next_steps=input.next_steps,
            )  # fmt: skip
            return _summary(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="上报汇总报告（财政厅，第十七条：7月底前）：上报时编发文字号；逾期的标注逾期",
    )
    async def provincial_evaluation_summary_send(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> ProvincialEvaluationSummaryChangeResult:
        summary_id = parse_id(id, "ProvincialEvaluationSummary")
        async with write(info) as (session, actor):
            row = await summaries.send_summary(
                session=session, actor=actor, summary_id=summary_id, row_version=row_version
            )
            return _summary(row)
