"""The 两书一函 escalation as GraphQL shows it (Art. 22):
a prefecture's case, its status and level, its joint issuers and its letters in order
(1 提醒督促书, 2 整改通知书 with its 问题清单, 3 约谈函 with its 约谈安排),
each with its number, sending, answer-by date and the prefecture's answer."""

from datetime import date, datetime
from typing import Annotated, Any

import strawberry

from src.models.enums import label_zh
from src.models.escalation import LEVEL_KINDS, LEVEL_TITLES, EscalationDocumentKind, EscalationStatus
from src.models.escalation import EscalationLetter as EscalationLetterRow
from src.schema.context import Info
from src.schema.conversion import FromRow, related
from src.schema.errors import NotFoundError
from src.schema.list_sizes import max_items
from src.schema.organizations.loaders import organization_by_id
from src.schema.organizations.types import Organization
from src.schema.regions.loaders import region_by_id
from src.schema.regions.types import Region
from src.services.escalation.cases import letters_of
from src.services.escalation.content import MAX_ISSUES

strawberry.enum(
    EscalationStatus,
    description="“两书一函”督办状态：已立案、已发函待答复、已答复、答复未解决、已办结",
)
strawberry.enum(EscalationDocumentKind, description="“两书一函”：提醒督促书、整改通知书、工作约谈函")
LETTERS = 3
CO_ISSUERS = 3


@strawberry.type(description="整改通知书问题清单的一行")
class EscalationIssue:
    problem: str = strawberry.field(description="问题")
    requirement: str = strawberry.field(description="整改要求")
    deadline: date = strawberry.field(description="整改时限")
    responsible: str = strawberry.field(description="责任单位")


@strawberry.type(description="工作约谈函的约谈安排")
class EscalationInterview:
    matter: str = strawberry.field(description="约谈事由")
    time: datetime = strawberry.field(description="约谈时间")
    place: str = strawberry.field(description="约谈地点")
    interviewees: str = strawberry.field(description="约谈对象")
    materials: str = strawberry.field(description="需准备材料")


def _issues(content: dict[str, Any]) -> list[EscalationIssue]:
    return [
        EscalationIssue(
            problem=r["problem"],
            requirement=r["requirement"],
            deadline=date.fromisoformat(r["deadline"]),
            responsible=r["responsible"],
        )
        for r in content.get("issues") or []
    ]


def _interview(content: dict[str, Any]) -> EscalationInterview | None:
    found = content.get("interview")
    if not found:
        return None
    return EscalationInterview(
        matter=found["matter"], time=datetime.fromisoformat(found["time"]), place=found["place"],
        interviewees=found["interviewees"], materials=found["materials"],
    )  # fmt: skip


@strawberry.type(description="“两书一函”中的一函：发文、答复与认定")
class EscalationLetter:
    id: strawberry.ID
    level: int = strawberry.field(description="1 提醒督促书、2 整改通知书、3 工作约谈函")
    kind: EscalationDocumentKind = strawberry.field(description="该函的文书种类（reportRequest 用）")
    title: str
    reason: str = strawberry.field(description="事由")
    facts: str = strawberry.field(description="存在问题")
    requirement: str = strawberry.field(description="工作要求")
    issues: list[EscalationIssue] = strawberry.field(
        description="问题清单（整改通知书）", metadata=max_items(MAX_ISSUES)
    )
    interview: EscalationInterview | None = strawberry.field(description="约谈安排（工作约谈函）")
    document_number: str = strawberry.field(description="发文字号（发出时编号）")
    sent_at: datetime
    sent_on: date
    answer_by: date = strawberry.field(description="答复期限：发文之日起按省级规则的日数（默认30日）")
    answer: str = strawberry.field(description="市（州）的答复；未答复为空")
    answered_at: datetime | None
    unresolved_at: datetime | None = strawberry.field(description="财政厅认定答复未解决问题的时间")
    unresolved_note: str

    @classmethod
    def of(cls, row: EscalationLetterRow) -> "EscalationLetter":
        return cls(
            id=strawberry.ID(str(row.id)), level=row.level, kind=LEVEL_KINDS[row.level],
            title=LEVEL_TITLES[row.level], reason=row.reason, facts=row.facts, requirement=row.requirement,
            issues=_issues(row.content), interview=_interview(row.content),
            document_number=row.document_number, sent_at=row.sent_at, sent_on=row.sent_on,
            answer_by=row.answer_by, answer=row.answer, answered_at=row.answered_at,
            unresolved_at=row.unresolved_at, unresolved_note=row.unresolved_note,
        )  # fmt: skip


@strawberry.type(
    description="“两书一函”督办事项（第二十二条）：财政厅会同人社厅、省医保局、省税务局对工作推进不力的市（州）"
    "依次提醒督促、要求整改和工作约谈"
)
class EscalationCase(FromRow):
    __row_ids__ = ("assessment_id",)

    id: strawberry.ID
    year: int = strawberry.field(description="所督办的预算年度")
    status: EscalationStatus
    level: int = strawberry.field(description="已发出的最后一函：0 未发函，1—3")
    reason: str = strawberry.field(description="督办事由")
    assessment_id: strawberry.ID | None = strawberry.field(description="所依据的市（州）考核结果的 ID")
    resolution: str = strawberry.field(description="办结意见")
    closed_at: datetime | None
    row_version: int
    created_at: datetime
    updated_at: datetime
    db_id: strawberry.Private[int]
    region_id: strawberry.Private[int]
    co_issuer_ids: strawberry.Private[list[int] | None]

    region: Region = related(Region, region_by_id, "region_id", description="被督办的市（州）")

    @strawberry.field
    def status_label(self) -> str:
        return label_zh(self.status)

    @strawberry.field(description="联合发文单位（财政厅之外）", metadata=max_items(CO_ISSUERS))
    async def co_issuers(self, info: Info) -> list[Organization]:
        found = await info.context.loaders[organization_by_id].load_many(self.co_issuer_ids or [])
        return [Organization.from_row(o) for o in found if o is not None]

    @strawberry.field(description="已发出的函件，按顺序", metadata=max_items(LETTERS))
    async def letters(self, info: Info) -> list[EscalationLetter]:
        async with info.context.sessionmaker() as session:
            rows = await letters_of(session, self.db_id)
        return [EscalationLetter.of(r) for r in rows]


EscalationCaseResult = Annotated[EscalationCase | NotFoundError, strawberry.union("EscalationCaseResult")]
