"""An assignment's period: China calendar dates, both inclusive, as the UTC instants that bound it (00:00
Beijing time of the first day, and of the day after the last), and back."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from src.services.errors import ErrorCode, FieldProblem, ValidationFailed

CHINA = ZoneInfo("Asia/Shanghai")
YEARS = range(2000, 2101)


@dataclass(frozen=True)
class Period:
    starts_at: datetime
    ends_at: datetime  # exclusive


def start_of(day: date) -> datetime:
    return datetime.combine(day, time(), CHINA).astimezone(UTC)


def period_of(starts_on: date, ends_on: date) -> Period:
    """The instants of `starts_on`..`ends_on` (inclusive), refused when the last day is before the first or
    a year is out of range."""
    problems = [
        FieldProblem(f"input.{name}", "日期须在 2000 至 2100 年之间", ErrorCode.OUT_OF_RANGE)
        for name, day in (("startsOn", starts_on), ("endsOn", ends_on))
        if day.year not in YEARS
    ]
    if not problems and ends_on < starts_on:
        problems.append(FieldProblem("input.endsOn", "委托结束日期不能早于开始日期", ErrorCode.OUT_OF_RANGE))
    if problems:
        raise ValidationFailed(problems)
    return Period(starts_at=start_of(starts_on), ends_at=start_of(ends_on + timedelta(days=1)))


def first_day(starts_at: datetime) -> date:
    return starts_at.astimezone(CHINA).date()


def last_day(ends_at: datetime) -> date:
    return (ends_at.astimezone(CHINA) - timedelta(days=1)).date()
