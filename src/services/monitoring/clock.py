"""What day it is where the entries are made: the monitoring calendar is China's (a month ends at midnight
Beijing time, not UTC). One function, so a test can move the calendar (monkeypatch `china_today`)."""

from datetime import date
from zoneinfo import ZoneInfo

from src.models.base import utcnow

CHINA = ZoneInfo("Asia/Shanghai")


def china_today() -> date:
    return utcnow().astimezone(CHINA).date()


def month_ended(*, year: int, month: int, today: date) -> bool:
    """Whether `month` of `year` is over on `today` (1-N月 is entered once the month N has ended)."""
    return (year, month) < (today.year, today.month)


def last_ended_month(*, year: int, today: date) -> int:
    """The latest month of `year` that has ended on `today` (0: none yet, 12: the whole year)."""
    if year < today.year:
        return 12
    if year > today.year:
        return 0
    return today.month - 1
