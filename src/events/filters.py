"""What a subscriber, a catch-up read or a webhook asks for: kinds, a region (with or without the regions
below it), a fund, one subject. Codes are resolved to ids and paths once, when the filter is made."""

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, and_, true
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.events.message import EventMessage
from src.models import FundType, Region
from src.models.event import Event
from src.services.errors import ErrorCode, FieldProblem, ValidationFailed


@dataclass(frozen=True)
class EventFilter:
    kinds: frozenset[str] = frozenset()  # registered event kinds; empty: every kind
    region_path: str | None = None
    include_descendants: bool = True
    fund_type_id: int | None = None
    subject_type: str | None = None
    subject_id: int | None = None

    def matches(self, event: EventMessage) -> bool:
        if self.kinds and event.kind not in self.kinds:
            return False
        if self.region_path is not None:
            if self.include_descendants:
                if not event.region_path.startswith(self.region_path):
                    return False
            elif event.region_path != self.region_path:
                return False
        if self.fund_type_id is not None and event.fund_type_id != self.fund_type_id:
            return False
        if self.subject_type is not None and event.subject_type != self.subject_type:
            return False
        return self.subject_id is None or event.subject_id == self.subject_id

    def clause(self) -> ColumnElement[bool]:
        """matches() as SQL."""
        clauses: list[ColumnElement[bool]] = []
        if self.kinds:
            clauses.append(col(Event.kind).in_(sorted(self.kinds)))
        if self.region_path is not None:
            path = col(Event.region_path)
            clauses.append(
                path.startswith(self.region_path, autoescape=True)
                if self.include_descendants
                else path == self.region_path
            )
        if self.fund_type_id is not None:
            clauses.append(col(Event.fund_type_id) == self.fund_type_id)
        if self.subject_type is not None:
            clauses.append(col(Event.subject_type) == self.subject_type)
        if self.subject_id is not None:
            clauses.append(col(Event.subject_id) == self.subject_id)
        return and_(true(), *clauses)


async def resolve_filter(
    *,
    session: AsyncSession,
    kinds: Iterable[str] = (),
    region_code: str | None = None,
    include_descendants: bool = True,
    fund_type_code: str | None = None,
    field_prefix: str = "filter",
) -> EventFilter:
    """The filter for these codes; an unknown region or fund is a validation error naming its field."""
    problems = []
    region_path = fund_type_id = None
    if region_code is not None:
        region_path = (await session.exec(select(Region.path).where(Region.code == region_code))).first()
        if region_path is None:
            problems.append(
                FieldProblem(f"{field_prefix}.regionCode", f"区划不存在：{region_code}", ErrorCode.NOT_FOUND)
            )
    if fund_type_code is not None:
        fund_type_id = (
            await session.exec(select(FundType.id).where(FundType.code == fund_type_code))
        ).first()
        if fund_type_id is None:
            problems.append(
                FieldProblem(
                    f"{field_prefix}.fundTypeCode", f"基金类型不存在：{fund_type_code}", ErrorCode.NOT_FOUND
                )
            )
    if problems:
        raise ValidationFailed(problems)
    return EventFilter(
        kinds=frozenset(kinds),
        region_path=region_path,
        include_descendants=include_descendants,
        fund_type_id=fund_type_id,
    )
