"""A rectification item as GraphQL shows it (Art. 20): its problem and kind with the treatment Art. 20
gives that kind, its source, owner, raiser, due date, measures, cause, progress, status and evidence files
(each downloaded from its `downloadUrl` by whoever reads the item)."""

from datetime import date, datetime
from typing import Annotated

import strawberry

from src.models.enums import label_zh
from src.models.rectification import (
    TREATMENT_OF,
    RectificationCategory,
    RectificationStatus,
    RectificationTreatment,
)
from src.models.rectification import RectificationEvidence as EvidenceRow
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.rectification.evidence import MAX_PER_ITEM, evidence_of

strawberry.enum(
    RectificationCategory,
    description="整改问题类别（第二十条）：绩效目标设置不合理、管理制度不健全；绩效目标实现偏离、预算进度执行偏差、"
    "监督管理运行不畅",
)
strawberry.enum(
    RectificationTreatment,
    description="整改方式（第二十条）：加强绩效目标管理、健全完善管理制度；分析原因、提出整改措施",
)
strawberry.enum(RectificationStatus, description="整改事项状态：整改中、已报整改完成、已退回、已核实销号")
EVIDENCE_PATH = "/files/rectification-evidence/{id}"


@strawberry.type(description="整改佐证材料")
class RectificationEvidence(FromRow):
    id: strawberry.ID
    file_name: str
    size: int = strawberry.field(description="字节数")
    content_type: str
    sha256: str
    uploaded_at: datetime

    @strawberry.field(description="下载地址（凭登录凭据，能查看该整改事项者可下载）")
    def download_url(self) -> str:
        return EVIDENCE_PATH.format(id=self.id)


@strawberry.type(description="整改事项（第二十条）：绩效评价发现问题的分类整改")
class RectificationItem(FromRow):
    __row_ids__ = ("feedback_id", "self_evaluation_id", "provincial_evaluation_id")

    id: strawberry.ID
    year: int = strawberry.field(description="发现问题的预算年度")
    category: RectificationCategory
    problem: str = strawberry.field(description="发现的问题")
    feedback_id: strawberry.ID | None = strawberry.field(description="来源：评价结果反馈（四、整改要求）")
    self_evaluation_id: strawberry.ID | None = strawberry.field(description="来源：绩效自评")
    provincial_evaluation_id: strawberry.ID | None = strawberry.field(description="来源：省级绩效评价")
    source_text: str = strawberry.field(description="来源说明")
    raised_on: date = strawberry.field(description="提出日期")
    due_on: date = strawberry.field(description="整改期限：提出之日起按本地区规则的日数（默认30日）")
    status: RectificationStatus
    measures: str = strawberry.field(description="整改措施")
    cause: str = strawberry.field(description="原因分析")
    progress: str = strawberry.field(description="整改进展")
    return_reason: str = strawberry.field(description="最近一次退回的理由")
    reported_at: datetime | None
    verified_at: datetime | None = strawberry.field(description="核实销号时间")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    owner_organization_id: strawberry.Private[int]
    raised_by_organization_id: strawberry.Private[int]

    region: Region = related(Region, region_by_id, "region_id", description="整改事项所在地区")
    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")
    owner: Organization = related(
        Organization, organization_by_id, "owner_organization_id", description="整改责任单位"
    )
    raised_by: Organization = related(
        Organization, organization_by_id, "raised_by_organization_id", description="提出并核实的财政部门"
    )

    @strawberry.field
    def category_label(self) -> str:
        return label_zh(self.category)

    @strawberry.field(description="第二十条对该类问题的整改方式")
    def treatment(self) -> RectificationTreatment:
        return TREATMENT_OF[self.category]

    @strawberry.field
    def treatment_label(self) -> str:
        return label_zh(TREATMENT_OF[self.category])

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="整改佐证材料", metadata=max_items(MAX_PER_ITEM))
    async def evidence(self, info: Info) -> list[RectificationEvidence]:
        async with info.context.sessionmaker() as session:
            rows: list[EvidenceRow] = await evidence_of(session, [self.db_id])
        return [RectificationEvidence.from_row(r) for r in rows]


RectificationItemResult = Annotated[
    RectificationItem | NotFoundError, strawberry.union("RectificationItemResult")
]
