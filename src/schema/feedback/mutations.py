"""The feedback's mutations (Art. 19): created on an accepted self-evaluation and written by 财政厅, sent as
a numbered joint letter, acknowledged by the region's finance, administration and agency."""

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.feedback import EvaluationFeedback as EvaluationFeedbackRow
from src.schema.context import Info
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.feedback.types import EvaluationFeedback
from src.schema.ids import parse_id
from src.schema.inputs import multiline_text
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.services.feedback import acknowledgements, feedbacks, sending

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="建立评价结果反馈（财政厅）：针对一份已审核通过的绩效自评")
class EvaluationFeedbackCreateInput:
    self_evaluation_id: strawberry.ID


@strawberry.input(description="修改评价结果反馈（财政厅；草稿）：给出的部分替换原值")
class EvaluationFeedbackUpdateInput:
    id: strawberry.ID
    row_version: int
    achievements: str | None = multiline_text(default=None, description="二、主要成效")
    problems: str | None = multiline_text(default=None, description="三、存在问题")
    recommendations: str | None = multiline_text(default=None, description="建议措施")
    rectification: str | None = multiline_text(default=None, description="四、整改要求")
    application: str | None = multiline_text(default=None, description="五、结果应用")


@strawberry.type
class EvaluationFeedbackSuccess:
    evaluation_feedback: EvaluationFeedback


EvaluationFeedbackCreateResult = Annotated[
    EvaluationFeedbackSuccess | ValidationError | NotFoundError | ConflictError | PreconditionFailedError,
    strawberry.union("EvaluationFeedbackCreateResult"),
]
EvaluationFeedbackChangeResult = Annotated[
    EvaluationFeedbackSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("EvaluationFeedbackChangeResult"),
]
EvaluationFeedbackAcknowledgeResult = Annotated[
    EvaluationFeedbackSuccess | NotFoundError | InvalidTransitionError,
    strawberry.union("EvaluationFeedbackAcknowledgeResult"),
]


def _success(row: EvaluationFeedbackRow) -> EvaluationFeedbackSuccess:
    return EvaluationFeedbackSuccess(evaluation_feedback=EvaluationFeedback.from_row(row))


@strawberry.type
class FeedbackMutations:
    @strawberry.mutation(
        permission_classes=AUTH, description="建立评价结果反馈（财政厅，第十九条）：草稿仅省级可见"
    )
    async def evaluation_feedback_create(
        self, info: Info, input: EvaluationFeedbackCreateInput
    ) -> EvaluationFeedbackCreateResult:
        self_evaluation_id = parse_id(input.self_evaluation_id, "SelfEvaluation")
        async with write(info) as (session, actor):
            row = await feedbacks.create_feedback(
                session=session, actor=actor, self_evaluation_id=self_evaluation_id
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="修改评价结果反馈（财政厅；草稿）")
    async def evaluation_feedback_update(
        self, info: Info, input: EvaluationFeedbackUpdateInput
    ) -> EvaluationFeedbackChangeResult:
        feedback_id = parse_id(input.id, "EvaluationFeedback")
        texts = {
            "achievements": input.achievements, "problems": input.problems,
            "recommendations": input.recommendations, "rectification": input.rectification,
            "application": input.application,
        }  # fmt: skip
        async with write(info) as (session, actor):
            row = await feedbacks.update_feedback(
                session=session, actor=actor, feedback_id=feedback_id, row_version=input.row_version,
                texts=texts,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="送出评价结果反馈函（财政厅会同人社厅或省医保局、省税务局，第十九条）：编发文字号，"
        "抄录自评得分和等级，按本地区规则确定整改情况报送期限",
    )
    async def evaluation_feedback_send(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> EvaluationFeedbackChangeResult:
        feedback_id = parse_id(id, "EvaluationFeedback")
        async with write(info) as (session, actor):
            row = await sending.send_feedback(
                session=session, actor=actor, feedback_id=feedback_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="签收评价结果反馈（统筹地区财政部门、社会保险行政部门、经办机构各一次）",
    )
    async def evaluation_feedback_acknowledge(
        self, info: Info, id: strawberry.ID
    ) -> EvaluationFeedbackAcknowledgeResult:
        feedback_id = parse_id(id, "EvaluationFeedback")
        async with write(info) as (session, actor):
            row = await acknowledgements.acknowledge_feedback(
                session=session, actor=actor, feedback_id=feedback_id
            )
            return _success(row)
