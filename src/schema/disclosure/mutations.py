"""The disclosure's mutations (Art. 21): the region's finance creates it, chooses its items and writes its
preface while a draft; another user of the finance approves it (the public content is fixed); it records
the report to the 人大 and publishes it (its document is rendered for the public route)."""

from datetime import date
from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.disclosure import Disclosure as DisclosureRow
from src.models.disclosure import DisclosureItemKind
from src.schema.context import Info
from src.schema.disclosure.types import Disclosure
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
from src.schema.reports.mutations import job_runner
from src.schema.transaction import write
from src.services.disclosure import disclosures, workflow
from src.services.disclosure.items import Choice

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="建立绩效信息公开（本级财政部门）：一个地区一个年度一份")
class DisclosureCreateInput:
    region_code: str
    year: int


@strawberry.input(description="选定的一项：重要绩效目标或绩效评价结果，及公开说明")
class DisclosureItemInput:
    kind: DisclosureItemKind
    record_id: strawberry.ID
    note: str = ""


@strawberry.input(description="设定绩效信息公开的内容（草稿）：给出的各项按顺序替换原有各项")
class DisclosureItemsSetInput:
    id: strawberry.ID
    row_version: int
    items: list[DisclosureItemInput]


@strawberry.input(description="修改绩效信息公开（草稿）：给出的部分替换原值")
class DisclosureUpdateInput:
    id: strawberry.ID
    row_version: int
    preface: str | None = multiline_text(default=None, description="公开说明（正文开头）")


@strawberry.type
class DisclosureSuccess:
    disclosure: Disclosure


DisclosureCreateResult = Annotated[
    DisclosureSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("DisclosureCreateResult"),
]
DisclosureChangeResult = Annotated[
    DisclosureSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("DisclosureChangeResult"),
]


def _success(row: DisclosureRow) -> DisclosureSuccess:
    return DisclosureSuccess(disclosure=Disclosure.from_row(row))


@strawberry.type
class DisclosureMutations:
    @strawberry.mutation(permission_classes=AUTH, description="建立绩效信息公开（本级财政部门，第二十一条）")
    async def disclosure_create(self, info: Info, input: DisclosureCreateInput) -> DisclosureCreateResult:
        async with write(info) as (session, actor):
            row = await disclosures.create_disclosure(
                session=session, actor=actor, region_code=input.region_code, year=input.year
            )
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="设定公开内容（草稿）：本地区本年度已下达的绩效目标、已审核通过的绩效自评，省级另可选已审定的省级绩效评价",
    )
    async def disclosure_items_set(
        self, info: Info, input: DisclosureItemsSetInput
    ) -> DisclosureChangeResult:
        disclosure_id = parse_id(input.id, "Disclosure")
        choices = [Choice(i.kind, parse_id(i.record_id, "record"), i.note) for i in input.items]
        async with write(info) as (session, actor):
            row = await disclosures.set_items(
                session=session, actor=actor, disclosure_id=disclosure_id, row_version=input.row_version,
                choices=choices,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="修改绩效信息公开的说明（草稿）")
    async def disclosure_update(self, info: Info, input: DisclosureUpdateInput) -> DisclosureChangeResult:
        disclosure_id = parse_id(input.id, "Disclosure")
        async with write(info) as (session, actor):
            row = await disclosures.update_disclosure(
                session=session, actor=actor, disclosure_id=disclosure_id, row_version=input.row_version,
                preface=input.preface,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="审定绩效信息公开（本级财政部门，最后编辑人以外的人员）：公开内容于此固定",
    )
    async def disclosure_approve(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> DisclosureChangeResult:
        disclosure_id = parse_id(id, "Disclosure")
        async with write(info) as (session, actor):
            row = await workflow.approve(
                session=session, actor=actor, disclosure_id=disclosure_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="登记向同级人大报送绩效信息（报送日期）")
    async def disclosure_report(
        self, info: Info, id: strawberry.ID, row_version: int, reported_on: date
    ) -> DisclosureChangeResult:
        disclosure_id = parse_id(id, "Disclosure")
        async with write(info) as (session, actor):
            row = await workflow.report(
                session=session, actor=actor, disclosure_id=disclosure_id, row_version=row_version,
                reported_on=reported_on,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="向社会公开：公开接口自此提供审定的内容，并生成公开文件供下载",
    )
    async def disclosure_publish(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> DisclosureChangeResult:
        disclosure_id = parse_id(id, "Disclosure")
        async with write(info) as (session, actor):
            row, job = await workflow.publish(
                session=session, actor=actor, disclosure_id=disclosure_id, row_version=row_version
            )
            to_run = [job.id] if job.id is not None else []
            result = _success(row)
        await job_runner(info).submit(to_run)
        return result
