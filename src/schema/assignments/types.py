"""An assignment as GraphQL shows it (Art. 17 委托第三方具体实施): the record entrusted (its subject type and
id), the third-party organization, the period (China calendar dates, both inclusive; and the instants that
bound it), whether it is active, and when and why it was ended early."""

from datetime import date, datetime

import strawberry

from src.models.base import utcnow
from src.schema.conversion import FromRow, related
from src.schema.organizations.loaders import organization_by_id, user_by_id
from src.schema.organizations.types import Organization, User
from src.services.assignments.period import first_day, last_day


@strawberry.type(
    description="委托第三方实施（第十七条）：财政部门将一项评价委托给第三方机构，期限内该机构可查看并填写"
)
class Assignment(FromRow):
    __row_ids__ = ("subject_id",)

    id: strawberry.ID
    subject_type: str = strawberry.field(description="受托记录的类型（如 SelfEvaluation）")
    subject_id: strawberry.ID = strawberry.field(description="受托记录的 ID")
    starts_at: datetime = strawberry.field(description="委托开始时刻（开始日北京时间零时）")
    ends_at: datetime = strawberry.field(description="委托结束时刻（结束日次日北京时间零时，不含）")
    note: str = strawberry.field(description="委托说明")
    ended_at: datetime | None = strawberry.field(description="提前结束的时间")
    end_reason: str | None = strawberry.field(description="提前结束的理由")
    created_at: datetime
    organization_id: strawberry.Private[int]
    created_by_id: strawberry.Private[int]

    organization: Organization | None = related(
        Organization, organization_by_id, "organization_id", optional=True, description="受托的第三方机构"
    )
    created_by: User | None = related(User, user_by_id, "created_by_id", optional=True)

    @strawberry.field(description="委托开始日期（含）")
    def starts_on(self) -> date:
        return first_day(self.starts_at)

    @strawberry.field(description="委托结束日期（含）")
    def ends_on(self) -> date:
        return last_day(self.ends_at)

    @strawberry.field(description="当前有效：已开始、未到期、未提前结束")
    def active(self) -> bool:
        now = utcnow()
        return self.ended_at is None and self.starts_at <= now < self.ends_at
