"""The assessment as GraphQL shows it (Art. 22): a round, its concurrences and notice number, and the
prefectures' results the caller may read (the province all of them; a prefecture its own once published),
each with its facts: raw counts and 0–100 sub-scores (null: not applicable)."""

from datetime import datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlmodel import col, select

from src.models.assessment import AssessmentOutcome, AssessmentStatus
from src.models.assessment import PrefectureAssessment as PrefectureAssessmentRow
from src.models.enums import label_zh
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.list_sizes import max_items
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.schema.transaction import current_actor
from src.services.assessment.scope import visible_prefectures_clause

strawberry.enum(AssessmentStatus, description="考核状态：草稿、已通报")
strawberry.enum(AssessmentOutcome, description="考核结果：表扬、一般、工作推进不力")
PREFECTURES = 64  # a province's prefectures (Sichuan: 21)
WEIGHTS = 6


@strawberry.type(description="考核依据的可计量事实：原始计数及0–100分项得分（空：无可考核事项，不计分）")
class AssessmentFacts(FromRow):
    deadlines_due: int = strawberry.field(description="应按期完成的工作事项（已到期或已完成）")
    deadlines_on_time: int = strawberry.field(description="按时完成的事项")
    deadlines_score: Decimal | None
    evaluations_owed: int = strawberry.field(description="应开展的绩效自评")
    evaluations_submitted: int = strawberry.field(description="已上报的绩效自评（含审核通过）")
    evaluations_accepted: int = strawberry.field(description="审核通过的绩效自评")
    evaluations_average: Decimal | None = strawberry.field(description="审核通过的自评平均得分")
    evaluations_score: Decimal | None
    rectification_items: int = strawberry.field(description="到期或已销号的整改事项")
    rectification_closed: int
    rectification_on_time: int
    rectification_score: Decimal | None
    warnings_due: int = strawberry.field(description="应处置的预警（已到处置时限或已处置）")
    warnings_in_time: int = strawberry.field(description="按时处置的预警")
    warnings_score: Decimal | None


@strawberry.type(description="一个市（州）的考核结果")
class PrefectureAssessment(FromRow):
    id: strawberry.ID
    year: int
    rank: int = strawberry.field(description="排名：同分同名次")
    total: Decimal = strawberry.field(description="总分（0–100）")
    outcome: AssessmentOutcome
    region_id: strawberry.Private[int]
    row: strawberry.Private[PrefectureAssessmentRow]

    region: Region = related(Region, region_by_id, "region_id", description="市（州）")

    @classmethod
    def of(cls, row: PrefectureAssessmentRow) -> "PrefectureAssessment":
        return cls(
            id=strawberry.ID(str(row.id)), year=row.year, rank=row.rank, total=row.total,
            outcome=row.outcome, region_id=row.region_id, row=row,
        )  # fmt: skip

    @strawberry.field
    def outcome_label(self) -> str:
        return label_zh(self.outcome)

    @strawberry.field
    def facts(self) -> AssessmentFacts:
        return AssessmentFacts.from_row(self.row)


@strawberry.type(description="考核所用的规则值（权重与分档，省级实施细则）")
class AssessmentWeight:
    key: str
    value: Decimal


@strawberry.type(description="市（州）社会保险基金预算绩效管理工作考核（第二十二条）")
class AssessmentRound(FromRow):
    id: strawberry.ID
    year: int = strawberry.field(description="考核的预算年度")
    status: AssessmentStatus
    content_revision: int = strawberry.field(description="计算次数；重新计算使各部门的同意失效")
    computed_at: datetime | None
    document_number: str | None = strawberry.field(description="通报的发文字号（通报时编号）")
    published_at: datetime | None
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    hrss_concurred_revision: strawberry.Private[int | None]
    medical_security_concurred_revision: strawberry.Private[int | None]
    tax_concurred_revision: strawberry.Private[int | None]
    weights: strawberry.Private[dict[str, str] | None]

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="人力资源社会保障厅已同意本次计算结果")
    def hrss_concurred(self) -> bool:
        return self.content_revision > 0 and self.hrss_concurred_revision == self.content_revision

    @strawberry.field(description="省医保局已同意本次计算结果")
    def medical_security_concurred(self) -> bool:
        return self.content_revision > 0 and self.medical_security_concurred_revision == self.content_revision

    @strawberry.field(description="省税务局已同意本次计算结果")
    def tax_concurred(self) -> bool:
        return self.content_revision > 0 and self.tax_concurred_revision == self.content_revision

    @strawberry.field(description="本次计算所用的权重与分档", metadata=max_items(WEIGHTS))
    def used_rules(self) -> list[AssessmentWeight]:
        return [AssessmentWeight(key=k, value=Decimal(v)) for k, v in (self.weights or {}).items()]

    @strawberry.field(
        description="各市（州）考核结果（按排名）：省级可见全部；市（州）通报后可见本地区",
        metadata=max_items(PREFECTURES),
    )
    async def prefectures(self, info: Info) -> list[PrefectureAssessment]:
        stmt = (
            select(PrefectureAssessmentRow)
            .where(
                PrefectureAssessmentRow.round_id == self.db_id,
                visible_prefectures_clause(current_actor(info)),
            )
            .order_by(col(PrefectureAssessmentRow.rank), col(PrefectureAssessmentRow.region_id))
        )
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(stmt)).all()
        return [PrefectureAssessment.of(r) for r in rows]


AssessmentRoundResult = Annotated[AssessmentRound | NotFoundError, strawberry.union("AssessmentRoundResult")]
