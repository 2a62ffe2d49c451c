"""What is due when: one item per thing a body must do by a date, its status on a day in China, and the
source interface each domain registers (src/domains/, `registry.add_deadlines`).

Dates are China's (Asia/Shanghai): a deadline is a day there, and what was done at 23:30 on it in Beijing
(15:30 UTC) was done on time. An item is DONE when done by its date, LATE when done after it, OVERDUE when
not done and its date has passed, PENDING when not done and its date is today or later.
"""

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

from src.models.base import utcnow
from src.models.enums import ActorType, Administration, add_labels
from src.services.rules.region_defaults import RegionFacts
from src.subjects.scope import RecordScope

if TYPE_CHECKING:
    from src.services.deadlines.context import DeadlineContext

CHINA = ZoneInfo("Asia/Shanghai")
# The years a listing may ask for: every date of them and of the next exists.
FIRST_YEAR, LAST_YEAR = 2000, 2100
BOTH_ADMINISTRATIONS = frozenset(Administration)


def china_date(at: datetime) -> date:
    """The day in China of the moment `at` (an aware datetime)."""
    return at.astimezone(CHINA).date()


def china_today(now: datetime | None = None) -> date:
    return china_date(now or utcnow())


class DeadlineStatus(StrEnum):
    DONE = "DONE"  # done by its date
    LATE = "LATE"  # done, after its date
    OVERDUE = "OVERDUE"  # not done, its date passed
    PENDING = "PENDING"  # not done, its date today or later


add_labels(
    [
        (DeadlineStatus.DONE, "按时完成"),
        (DeadlineStatus.LATE, "逾期完成"),
        (DeadlineStatus.OVERDUE, "逾期未完成"),
        (DeadlineStatus.PENDING, "未到期"),
    ]
)


def status_of(*, due_on: date, done_at: datetime | None, today: date) -> DeadlineStatus:
    if done_at is not None:
        return DeadlineStatus.DONE if china_date(done_at) <= due_on else DeadlineStatus.LATE
    return DeadlineStatus.OVERDUE if today > due_on else DeadlineStatus.PENDING


@dataclass(frozen=True)
class DeadlineItem:
    """One thing a body (`actor_type` [× `administration`] of `region`) must do by `due_on`."""

    kind: str  # one of its source's kinds
    region: RegionFacts  # the body's region: where the item is seen from (policy.visibility)
    actor_type: ActorType
    administration: Administration | None  # the body's (its fund's); None: addressed to both
    fund_type_id: int | None
    year: int  # the year the work is about
    period: int | None  # the month closing its period (1-N月), if it has one
    due_on: date
    done_at: datetime | None
    label: str  # what is due, in Chinese: 成都市职工基本医疗保险基金2026年1-3月监控数据填报
    # What tells apart several items of one kind, region, fund and year (a record's id); None: one at most.
    instance: int | None = None

    @property
    def key(self) -> str:
        """Unique among every source's items, stable across runs (DeadlineNotice.key)."""
        period = "" if self.period is None else f":{self.period:02d}"
        instance = "" if self.instance is None else f"#{self.instance}"
        return f"{self.kind}:{self.region.id}:{self.fund_type_id or '-'}:{self.year}{period}{instance}"

    def status(self, today: date) -> DeadlineStatus:
        return status_of(due_on=self.due_on, done_at=self.done_at, today=today)

    def scope(self) -> RecordScope:
        """As the DeadlineNotice announcing it sits (the subject's registered scope): at its region,
        addressed to its fund's administration, or to both without one."""
        administrations = (
            frozenset({self.administration}) if self.administration is not None else BOTH_ADMINISTRATIONS
        )
        return RecordScope(
            region_id=self.region.id,
            region_path=self.region.path,
            fund_type_id=self.fund_type_id,
            administrations=administrations,
        )


@dataclass(frozen=True)
class DeadlineSource:
    """A domain's deadlines. `items` lists, for the context's year and area, every item of its `kinds`
    (code → Chinese label), done or not, whoever asks: the listing keeps what the asker may see. It reads in
    a number of statements that does not grow with the regions (the context holds the regions, their rules
    and the pooled funds), and never writes."""

    name: str
    kinds: Mapping[str, str]
    items: Callable[["DeadlineContext"], Awaitable[list[DeadlineItem]]]
