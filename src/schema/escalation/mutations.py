"""The 两书一函 mutations (Art. 22): 财政厅 opens a prefecture's case, sends its letters in order (the next
only after the previous went unanswered or unresolved for the waiting period), judges the answers and
closes it; the prefecture's finance answers."""

from datetime import date, datetime
from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.enums import ActorType
from src.models.escalation import EscalationCase as EscalationCaseRow
from src.schema.context import Info
from src.schema.errors import (
    ConflictError,
    InvalidTransitionError,
    NotFoundError,
    PreconditionFailedError,
    ValidationError,
)
from src.schema.escalation.types import EscalationCase
from src.schema.ids import parse_id
from src.schema.inputs import multiline_text
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import write
from src.services.escalation import cases, judging, letters
from src.services.escalation.content import Interview, Issue

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="立案（财政厅）：对工作推进不力的市（州）启动“两书一函”")
class EscalationOpenInput:
    region_code: str = strawberry.field(description="市（州）行政区划代码")
    year: int = strawberry.field(description="所督办的预算年度")
    reason: str = multiline_text(description="督办事由")
    assessment_id: strawberry.ID | None = strawberry.field(
        default=None, description="所依据的市（州）考核结果的 ID（手工立案可不填）"
    )
    joint_issuers: list[ActorType] | None = strawberry.field(
        default=None, description="联合发文单位（HRSS、MEDICAL_SECURITY、TAX，按部门职责；默认三者）"
    )


@strawberry.input(description="整改通知书问题清单的一行")
class EscalationIssueInput:
    problem: str = multiline_text(description="问题")
    requirement: str = multiline_text(description="整改要求")
    deadline: date = strawberry.field(description="整改时限")
    responsible: str = strawberry.field(description="责任单位")


@strawberry.input(description="工作约谈函的约谈安排")
class EscalationInterviewInput:
    matter: str = multiline_text(description="约谈事由")
    time: datetime = strawberry.field(description="约谈时间（带时区）")
    place: str = strawberry.field(description="约谈地点")
    interviewees: str = strawberry.field(description="约谈对象")
    materials: str = multiline_text(description="需准备材料")


@strawberry.input(description="发出下一函（财政厅）：依次为提醒督促书、整改通知书、工作约谈函")
class EscalationLetterSendInput:
    id: strawberry.ID
    row_version: int
    reason: str = multiline_text(description="事由")
    facts: str = multiline_text(description="存在问题")
    requirement: str = multiline_text(description="工作要求")
    issues: list[EscalationIssueInput] | None = strawberry.field(
        default=None, description="问题清单（仅整改通知书，必填）"
    )
    interview: EscalationInterviewInput | None = strawberry.field(
        default=None, description="约谈安排（仅工作约谈函，必填）"
    )


@strawberry.input(description="答复当前函件（市（州）财政部门）")
class EscalationLetterAnswerInput:
    id: strawberry.ID
    row_version: int
    answer: str = multiline_text(description="整改落实情况")


@strawberry.input(description="认定答复未解决问题（财政厅）")
class EscalationMarkUnresolvedInput:
    id: strawberry.ID
    row_version: int
    note: str = multiline_text(description="未解决的理由")


@strawberry.input(description="办结（财政厅）：答复满意后")
class EscalationCloseInput:
    id: strawberry.ID
    row_version: int
    resolution: str = multiline_text(description="办结意见")


@strawberry.type
class EscalationSuccess:
    escalation: EscalationCase


EscalationOpenResult = Annotated[
    EscalationSuccess | ValidationError | NotFoundError | ConflictError | PreconditionFailedError,
    strawberry.union("EscalationOpenResult"),
]
EscalationChangeResult = Annotated[
    EscalationSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("EscalationChangeResult"),
]


def _success(row: EscalationCaseRow) -> EscalationSuccess:
    return EscalationSuccess(escalation=EscalationCase.from_row(row))


@strawberry.type
class EscalationMutations:
    @strawberry.mutation(
        permission_classes=AUTH,
        description="“两书一函”立案（财政厅，第二十二条）：发函前仅省级可见",
    )
    async def escalation_open(self, info: Info, input: EscalationOpenInput) -> EscalationOpenResult:
        assessment = parse_id(input.assessment_id, "PrefectureAssessment") if input.assessment_id else None
        async with write(info) as (session, actor):
            row = await cases.open_case(
                session=session, actor=actor, region_code=input.region_code, year=input.year,
                reason=input.reason, assessment_id=assessment,
                joint_issuers=input.joint_issuers if input.joint_issuers is not None else cases.JOINT_ISSUERS,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="发出下一函（财政厅）：编发文字号，按省级规则确定答复期限；上一函未答复或答复未解决且"
        "等待期满后方可升级",
    )
    async def escalation_letter_send(
        self, info: Info, input: EscalationLetterSendInput
    ) -> EscalationChangeResult:
        case_id = parse_id(input.id, "EscalationCase")
        issues = (
            [Issue(i.problem, i.requirement, i.deadline, i.responsible) for i in input.issues]
            if input.issues is not None
            else None
        )
        found = input.interview
        interview = (
            Interview(found.matter, found.time, found.place, found.interviewees, found.materials)
            if found is not None
            else None
        )
        async with write(info) as (session, actor):
            row, _ = await letters.send_letter(
                session=session, actor=actor, case_id=case_id, row_version=input.row_version,
                reason=input.reason, facts=input.facts, requirement=input.requirement, issues=issues,
                interview=interview,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="答复当前函件（市（州）财政部门）")
    async def escalation_letter_answer(
        self, info: Info, input: EscalationLetterAnswerInput
    ) -> EscalationChangeResult:
        case_id = parse_id(input.id, "EscalationCase")
        async with write(info) as (session, actor):
            row = await letters.answer_letter(
                session=session, actor=actor, case_id=case_id, row_version=input.row_version,
                answer=input.answer,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="认定答复未解决问题（财政厅）")
    async def escalation_mark_unresolved(
        self, info: Info, input: EscalationMarkUnresolvedInput
    ) -> EscalationChangeResult:
        case_id = parse_id(input.id, "EscalationCase")
        async with write(info) as (session, actor):
            row = await judging.mark_unresolved(
                session=session, actor=actor, case_id=case_id, row_version=input.row_version, note=input.note
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="办结（财政厅）：答复满意后，写明办结意见")
    async def escalation_close(self, info: Info, input: EscalationCloseInput) -> EscalationChangeResult:
        case_id = parse_id(input.id, "EscalationCase")
        async with write(info) as (session, actor):
            row = await judging.close_case(
                session=session, actor=actor, case_id=case_id, row_version=input.row_version,
                resolution=input.resolution,
            )  # fmt: skip
            return _success(row)
