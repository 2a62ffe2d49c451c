"""The evaluation-result feedback as GraphQL shows it (Art. 19): its parts (FORMS §4C), the score and grade
as sent, its number, answer-by date, joint issuers and the region's bodies it is addressed to with their
acknowledgements."""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated

import strawberry
from sqlmodel import col

from src.models.enums import ActorType, label_zh
from src.models.evaluation import GRADE_LABELS
from src.models.feedback import FeedbackStatus
from src.models.rectification import RectificationItem as RectificationItemRow
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.feedback.loaders import recipients_by_feedback
from src.schema.funds.loaders import fund_type_by_id
from src.schema.funds.types import FundType
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization
from src.schema.rectification.types import RectificationItem
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.schema.transaction import current_actor
from src.services.rectification.items import ItemFilter, items_select

strawberry.enum(FeedbackStatus, description="评价结果反馈状态：草稿、已反馈、已签收（地区三方均已签收）")
RECIPIENTS = 3  # the region's finance, administration and agency
CO_ISSUERS = 2  # the administration's provincial body and 省税务局
ITEMS_PER_FEEDBACK = 100  # a letter's 整改要求 are a handful of problems


@strawberry.type(description="评价结果反馈函的主送单位及其签收")
class EvaluationFeedbackRecipient(FromRow):
    actor_type: ActorType
    acknowledged_at: datetime | None = strawberry.field(description="签收时间；未签收为空")
    organization_id: strawberry.Private[int]

    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True
    )


@strawberry.type(description="评价结果反馈（第十九条）：财政厅会同人社厅或省医保局、省税务局反馈统筹地区")
class EvaluationFeedback(FromRow):
    __row_ids__ = ("self_evaluation_id",)

    id: strawberry.ID
    year: int = strawberry.field(description="评价的预算年度")
    status: FeedbackStatus
    achievements: str = strawberry.field(description="二、主要成效")
    problems: str = strawberry.field(description="三、存在问题")
    recommendations: str = strawberry.field(description="建议措施")
    rectification: str = strawberry.field(description="四、整改要求")
    application: str = strawberry.field(description="五、结果应用")
    score: Decimal | None = strawberry.field(description="自评得分（反馈时抄录）")
    grade: str | None = strawberry.field(description="评价等级代码（反馈时抄录）")
    document_number: str | None = strawberry.field(description="发文字号（反馈时编号）")
    sent_at: datetime | None
    answer_by: date | None = strawberry.field(
        description="整改情况报送期限：反馈之日起按本地区规则的日数（默认30日）"
    )
    acknowledged_at: datetime | None = strawberry.field(description="三方均签收的时间")
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    fund_type_id: strawberry.Private[int]
    self_evaluation_id: strawberry.ID = strawberry.field(description="所反馈的绩效自评的 ID")
    co_issuer_ids: strawberry.Private[list[int] | None]

    region: Region = related(Region, region_by_id, "region_id", description="反馈的统筹地区")
    fund_type: FundType = related(FundType, fund_type_by_id, "fund_type_id")

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="评价等级（优、良、中、差）")
    def grade_label(self) -> str | None:
        return GRADE_LABELS.get(self.grade) if self.grade else None

    @strawberry.field(
        description="联合发文单位（财政厅之外）：人社厅或省医保局、省税务局", metadata=max_items(CO_ISSUERS)
    )
    async def co_issuers(self, info: Info) -> list[Organization]:
        found = await info.context.loaders[organization_by_id].load_many(self.co_issuer_ids or [])
        return [Organization.from_row(o) for o in found if o is not None]

    @strawberry.field(description="主送单位及签收情况（反馈后）", metadata=max_items(RECIPIENTS))
    async def recipients(self, info: Info) -> list[EvaluationFeedbackRecipient]:
        rows = await info.context.loaders[recipients_by_feedback].load(self.db_id)
        return [EvaluationFeedbackRecipient.from_row(r) for r in rows]

    @strawberry.field(
        description="据此反馈提出的整改事项（第二十条；本人可见的，按 ID 排序）",
        metadata=max_items(ITEMS_PER_FEEDBACK),
    )
    async def rectification_items(self, info: Info) -> list[RectificationItem]:
        where = ItemFilter(feedback_id=self.db_id)
        stmt = items_select(current_actor(info), where).order_by(col(RectificationItemRow.id))
        async with info.context.sessionmaker() as session:
            rows = (await session.exec(stmt.limit(ITEMS_PER_FEEDBACK))).all()
        return [RectificationItem.from_row(r) for r in rows]


EvaluationFeedbackResult = Annotated[
    EvaluationFeedback | NotFoundError, strawberry.union("EvaluationFeedbackResult")
]
