"""The January compilation in the API (Art. 13): the prefecture's finance drafts, edits and sends it (its
number drawn, addressed to 财政厅、人社厅、省医保局、省税务局; a late one is marked, not refused), each
recipient acknowledges it; `monitoringCompilations` and `monitoringCompilation` read it."""

from typing import Annotated

import strawberry
from strawberry.permission import BasePermission

from src.models.monitoring import MonitoringCompilation as CompilationRow
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
from src.schema.monitoring.compilation_types import (
    MonitoringCompilation,
    MonitoringCompilationFilter,
    MonitoringCompilationResult,
)
from src.schema.pagination import DEFAULT_PAGE_SIZE, Connection, PageRequest, paginate
from src.schema.permissions import IsAuthenticated
from src.schema.transaction import current_actor, write
from src.services.monitoring import compilations
from src.services.monitoring.compilation_reads import (
    CompilationQuery,
    compilations_select,
    visible_compilation,
)
from src.services.monitoring.compilation_recipients import acknowledge_compilation

AUTH: list[type[BasePermission]] = [IsAuthenticated]


@strawberry.input(description="新建汇总报告（市（州）财政部门，草稿）：汇总本地区上一年度的运行监控情况报告")
class MonitoringCompilationCreateInput:
    region_code: str = strawberry.field(description="市（州）区划代码")
    year: int = strawberry.field(description="所汇总的年度（次年1月报送）")
    summary: str = multiline_text(default="", description="总体情况")
    problems: str = multiline_text(default="", description="存在问题")
    measures: str = multiline_text(default="", description="改进措施")


@strawberry.input(description="修改汇总报告（草稿）：给出的部分替换原文，未给出的不变")
class MonitoringCompilationUpdateInput:
    id: strawberry.ID
    row_version: int
    summary: str | None = multiline_text(default=None, description="总体情况")
    problems: str | None = multiline_text(default=None, description="存在问题")
    measures: str | None = multiline_text(default=None, description="改进措施")


@strawberry.type
class MonitoringCompilationSuccess:
    compilation: MonitoringCompilation


MonitoringCompilationCreateResult = Annotated[
    MonitoringCompilationSuccess | ValidationError | NotFoundError | ConflictError,
    strawberry.union("MonitoringCompilationCreateResult"),
]
MonitoringCompilationChangeResult = Annotated[
    MonitoringCompilationSuccess
    | ValidationError
    | NotFoundError
    | ConflictError
    | InvalidTransitionError
    | PreconditionFailedError,
    strawberry.union("MonitoringCompilationChangeResult"),
]
MonitoringCompilationAcknowledgeResult = Annotated[
    MonitoringCompilationSuccess | NotFoundError | InvalidTransitionError,
    strawberry.union("MonitoringCompilationAcknowledgeResult"),
]


def _success(row: CompilationRow) -> MonitoringCompilationSuccess:
    return MonitoringCompilationSuccess(compilation=MonitoringCompilation.from_row(row))


@strawberry.type
class MonitoringCompilationMutations:
    @strawberry.mutation(permission_classes=AUTH, description="新建汇总报告草稿（市（州）财政部门）")
    async def monitoring_compilation_create(
        self, info: Info, input: MonitoringCompilationCreateInput
    ) -> MonitoringCompilationCreateResult:
        text = compilations.CompilationText(
            summary=input.summary, problems=input.problems, measures=input.measures
        )
        async with write(info) as (session, actor):
            row = await compilations.create_compilation(
                session=session, actor=actor, region_code=input.region_code, year=input.year, text=text
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="修改汇总报告草稿（市（州）财政部门）")
    async def monitoring_compilation_update(
        self, info: Info, input: MonitoringCompilationUpdateInput
    ) -> MonitoringCompilationChangeResult:
        compilation_id = parse_id(input.id, "MonitoringCompilation")
        text = compilations.CompilationText(
            summary=input.summary, problems=input.problems, measures=input.measures
        )
        async with write(info) as (session, actor):
            row = await compilations.update_compilation(
                session=session, actor=actor, compilation_id=compilation_id, row_version=input.row_version,
                text=text,
            )  # fmt: skip
            return _success(row)

    @strawberry.mutation(
        permission_classes=AUTH,
        description="报送汇总报告（市（州）财政部门）：取得发文字号，报财政厅、人社厅、省医保局、省税务局；逾期标注，不拒收",
    )
    async def monitoring_compilation_send(
        self, info: Info, id: strawberry.ID, row_version: int
    ) -> MonitoringCompilationChangeResult:
        compilation_id = parse_id(id, "MonitoringCompilation")
        async with write(info) as (session, actor):
            row = await compilations.send_compilation(
                session=session, actor=actor, compilation_id=compilation_id, row_version=row_version
            )
            return _success(row)

    @strawberry.mutation(permission_classes=AUTH, description="签收汇总报告（主送的省级单位，每单位一次）")
    async def monitoring_compilation_acknowledge(
        self, info: Info, id: strawberry.ID
    ) -> MonitoringCompilationAcknowledgeResult:
        compilation_id = parse_id(id, "MonitoringCompilation")
        async with write(info) as (session, actor):
            row = await acknowledge_compilation(session=session, actor=actor, compilation_id=compilation_id)
            return _success(row)


@strawberry.type
class MonitoringCompilationQueries:
    @strawberry.field(permission_classes=AUTH, description="运行监控情况汇总报告列表，按 ID 排序")
    async def monitoring_compilations(
        self,
        info: Info,
        filter: MonitoringCompilationFilter | None = None,
        first: int = DEFAULT_PAGE_SIZE,
        after: str | None = None,
    ) -> Connection[MonitoringCompilation]:
        f = filter or MonitoringCompilationFilter()
        query = CompilationQuery(
            year=f.year, region_code=f.region_code, include_descendants=f.include_descendants,
            statuses=tuple(f.status or ()),
        )  # fmt: skip
        stmt = compilations_select(query, current_actor(info))
        return await paginate(
            info, stmt, CompilationRow.id, MonitoringCompilation.from_row, PageRequest(first, after)
        )

    @strawberry.field(permission_classes=AUTH, description="按 ID 查询运行监控情况汇总报告")
    async def monitoring_compilation(self, info: Info, id: strawberry.ID) -> MonitoringCompilationResult:
        compilation_id = parse_id(id, "MonitoringCompilation")
        async with info.context.sessionmaker() as session:
            row, _ = await visible_compilation(
                session=session, actor=current_actor(info), compilation_id=compilation_id
            )
        return MonitoringCompilation.from_row(row)
