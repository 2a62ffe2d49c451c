"""Deadlines: what each body must do by when, whether it did, and the announcement of what is overdue.

Shared machinery that names no domain. Each domain registers a `DeadlineSource` (items.py) from its
registration module (src/domains/<domain>.py: `registry.add_deadlines(SOURCE)`); the `deadlines` query
(listing.py, src/schema/deadlines/) and the periodic noticing (notices.py, periodic.py) list every
registered source's items. A source gets a `DeadlineContext` (context.py: the year, the area's regions,
their rules, the pooled funds) and returns `DeadlineItem`s; dates are days in China (Asia/Shanghai).
"""

from src.services.deadlines.context import DeadlineContext, PooledFund
from src.services.deadlines.items import (
    CHINA,
    DeadlineItem,
    DeadlineSource,
    DeadlineStatus,
    china_date,
    china_today,
    status_of,
)

__all__ = [
    "CHINA",
    "DeadlineContext",
    "DeadlineItem",
    "DeadlineSource",
    "DeadlineStatus",
    "PooledFund",
    "china_date",
    "china_today",
    "status_of",
]
