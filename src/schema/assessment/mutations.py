"""The assessment's mutations (Art. 22): 财政厅 opens, computes and publishes a round; 人社厅, 省医保局 and
省税务局 concur with its current computation."""

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.assessment import AssessmentRound as AssessmentRoundRow
from src.schema.assessment.types import AssessmentRound
from src.schema.context import Info
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.ids import parse_id
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.services.assessment import rounds

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="开展市（州）考核（财政厅）：考核的预算年度")
class AssessmentRoundOpenInput:
    year: int


@strawberry.type
class AssessmentRoundSuccess:
    assessment_round: AssessmentRound


AssessmentRoundOpenResult = Annotated[
    AssessmentRoundSuccess | ValidationError | ConflictError, strawberry.union("AssessmentRoundOpenResult")
]
AssessmentRoundChangeResult = Annotated[
    AssessmentRoundSuccess | NotFoundError | ConflictError | InvalidTransitionError | PreconditionFailedError,
    strawberry.union("AssessmentRoundChangeResult"),
]


def _success(row: AssessmentRoundRow) -> AssessmentRoundSuccess:
    return AssessmentRoundSuccess(assessment_round=AssessmentRound.from_row(row))


@strawberry.type
class AssessmentMutations:
    @strawberry.mutation(permission_classes=AUTH, description="开展市（州）考核（财政厅，第二十二条）：草稿")
    async def assessment_round_open(
        self, info: Info, input: AssessmentRoundOpenInput
    ) -> AssessmentRoundOpenResult:
        async with write(info) as (session, actor):
            return _success(await rounds.open_round(session=session, actor=actor, year=input.year))

    @strawberry.mutation(
        permission_classes=AUTH,
        description="计算（重新计算）考核结果（财政厅；草稿）：各部门已给出的同意随之失效",
    )
    async def assessment_round_compute(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> AssessmentRoundChangeResult:
        round_id = parse_id(id, "AssessmentRound")
        async with write(info) as (session, actor):
            row = await rounds.compute_round(
                session=session, actor=actor, round_id=round_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="同意本次考核计算结果（人力资源社会保障厅、省医保局、省税务局，按照部门职责）",
    )
    async def assessment_round_concur(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> AssessmentRoundChangeResult:
        round_id = parse_id(id, "AssessmentRound")
        async with write(info) as (session, actor):
            row = await rounds.concur_round(
                session=session, actor=actor, round_id=round_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="通报考核结果（财政厅会同人社厅、省医保局、省税务局）：冻结结果，编发文字号",
    )
    async def assessment_round_publish(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> AssessmentRoundChangeResult:
        round_id = parse_id(id, "AssessmentRound")
        async with write(info) as (session, actor):
            row = await rounds.publish_round(
                session=session, actor=actor, round_id=round_id, row_version=row_version
            )
            return _success(row)
