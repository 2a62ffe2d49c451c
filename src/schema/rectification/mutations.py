"""The rectification items' mutations (Art. 20): raised and edited by a finance body, written and reported
by their owner, verified (closed) or returned by the finance that raised them; an owner removes an evidence
file here (files are uploaded by POST /uploads/rectification-evidence, src/app/evidence.py)."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.rectification import RectificationCategory
from src.models.rectification import RectificationItem as RectificationItemRow
from src.reports.storage import storage_from_settings
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
from src.schema.rectification.types import RectificationItem
from src.schema.transaction import write
from src.services.rectification import evidence, items, workflow

AUTH: list[type[BasePermission]] = [IsAuthenticated]


def _id(value: strawberry.ID | None, entity: str) -> int | None:
    return parse_id(value, entity) if value is not None else None


@strawberry.input(description="提出整改事项（财政厅对任一地区，或地区财政部门对本地区）：至少注明一种来源")
class RectificationItemCreateInput:
    region_code: str = strawberry.field(description="整改事项所在地区（统筹地区、市州或区县）的代码")
    fund_code: str
    year: int = strawberry.field(description="发现问题的预算年度")
    category: RectificationCategory
    problem: str = multiline_text(description="发现的问题")
    owner_organization_id: strawberry.ID = strawberry.field(
        description="整改责任单位：该地区的财政部门、该险种的行政部门或经办机构"
    )
    feedback_id: strawberry.ID | None = None
    self_evaluation_id: strawberry.ID | None = None
    provincial_evaluation_id: strawberry.ID | None = None
    source_text: str = strawberry.field(default="", description="来源说明（一行）")
    due_on: date | None = strawberry.field(
        default=None, description="整改期限；不填则为今日起按本地区规则 RECTIFICATION_DAYS 的日数"
    )


@strawberry.input(
    description="修改整改事项（整改中或已退回）：问题、类别、责任单位、期限、来源由提出的财政部门修改；"
    "整改措施、原因分析、整改进展由责任单位填写。给出的字段替换原值"
)
class RectificationItemUpdateInput:
    id: strawberry.ID
    row_version: int
    problem: str | None = multiline_text(default=None)
    category: RectificationCategory | None = None
    owner_organization_id: strawberry.ID | None = None
    due_on: date | None = None
    source_text: str | None = None
    measures: str | None = multiline_text(default=None, description="整改措施")
    cause: str | None = multiline_text(default=None, description="原因分析")
    progress: str | None = multiline_text(default=None, description="整改进展")


@strawberry.input(description="退回整改事项（提出的财政部门）")
class RectificationItemReturnInput:
    id: strawberry.ID
    row_version: int
    reason: str = multiline_text(description="退回理由")


@strawberry.type
class RectificationItemSuccess:
    rectification_item: RectificationItem


RectificationItemCreateResult = Annotated[
    RectificationItemSuccess | ValidationError | NotFoundError,
    strawberry.union("RectificationItemCreateResult"),
]
RectificationItemChangeResult = Annotated[
    RectificationItemSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("RectificationItemChangeResult"),
]
RectificationEvidenceDeleteResult = Annotated[
    RectificationItemSuccess | NotFoundError | InvalidTransitionError,
    strawberry.union("RectificationEvidenceDeleteResult"),
]


def _success(row: RectificationItemRow) -> RectificationItemSuccess:
    return RectificationItemSuccess(rectification_item=RectificationItem.from_row(row))


@strawberry.type
class RectificationMutations:
    @strawberry.mutation(permission_classes=AUTH, description="提出整改事项（第二十条）")
    async def rectification_item_create(
        self, info: Info, input: RectificationItemCreateInput
    ) -> RectificationItemCreateResult:
        data = items.ItemInput(
            region_code=input.region_code, fund_code=input.fund_code, year=input.year,
            category=input.category, problem=input.problem,
            owner_organization_id=parse_id(input.owner_organization_id, "Organization"),
            feedback_id=_id(input.feedback_id, "EvaluationFeedback"),
            self_evaluation_id=_id(input.self_evaluation_id, "SelfEvaluation"),
            provincial_evaluation_id=_id(input.provincial_evaluation_id, "ProvincialEvaluation"),
            source_text=input.source_text, due_on=input.due_on,
        )  # fmt: skip
        async with write(info) as (session, actor):
            return _success(await items.create_item(session=session, actor=actor, data=data))

    @strawberry.mutation(permission_classes=AUTH, description="修改整改事项（整改中或已退回）")
    async def rectification_item_update(
        self, info: Info, input: RectificationItemUpdateInput
    ) -> RectificationItemChangeResult:
        item_id = parse_id(input.id, "RectificationItem")
        changes = {
            "problem": input.problem, "category": input.category,
            "owner_organization_id": _id(input.owner_organization_id, "Organization"),
            "due_on": input.due_on, "source_text": input.source_text, "measures": input.measures,
            "cause": input.cause, "progress": input.progress,
        }  # fmt: skip
        async with write(info) as (session, actor):
            row = await items.update_item(
                session=session, actor=actor, item_id=item_id, row_version=input.row_version, changes=changes
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="报告整改完成（责任单位）：须有整改措施、至少一份佐证材料；偏离、执行偏差、监督不畅类须有原因分析",
    )
    async def rectification_item_report(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> RectificationItemChangeResult:
        item_id = parse_id(id, "RectificationItem")
        async with write(info) as (session, actor):
            row = await workflow.report_item(
                session=session, actor=actor, item_id=item_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="核实整改到位、销号（提出的财政部门）")
    async def rectification_item_verify(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> RectificationItemChangeResult:
        item_id = parse_id(id, "RectificationItem")
        async with write(info) as (session, actor):
            row = await workflow.verify_item(
                session=session, actor=actor, item_id=item_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH, description="退回整改事项（提出的财政部门），责任单位重新报告"
    )
    async def rectification_item_return(
        self, info: Info, input: RectificationItemReturnInput
    ) -> RectificationItemChangeResult:
        item_id = parse_id(input.id, "RectificationItem")
        async with write(info) as (session, actor):
            row = await workflow.return_item(
                session=session, actor=actor, item_id=item_id, row_version=input.row_version,
                reason=input.reason,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="删除整改佐证材料（责任单位；整改中或已退回）")
    async def rectification_evidence_delete(
        self, info: Info, id: strawberry.ID
    ) -> RectificationEvidenceDeleteResult:
        evidence_id = parse_id(id, "RectificationEvidence")
        async with write(info) as (session, actor):
            row, key = await evidence.delete_evidence(session=session, actor=actor, evidence_id=evidence_id)
            result = _success(row)
        # The bytes go once the row's removal is committed: a failed commit leaves both.
        await storage_from_settings(info.context.settings).delete(key)
        return result
