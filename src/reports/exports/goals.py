"""The year's goals export (GOALS_XLSX, 年度绩效目标汇总表): what its job runs and what versions it."""

import asyncio
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.event import Event
from src.reports.exports.goals_rows import indicator_partitions, readable_funds
from src.services.actors import Actor
from src.subjects.documents import ExportScope

REPORT_JOB_EVENTS = "ReportJob"  # a job's own progress is no change of what it exports


async def write_goals_xlsx(*, session: AsyncSession, actor: Actor, scope: ExportScope, path: Path) -> int:
    """Writes the workbook of the year's goals `actor` may read at `path`; the number of indicator rows.
    The rows come a partition at a time and each is written off the event loop."""
    # openpyxl is imported when a workbook is written, not with the app (as the monitoring entry sheet).
    from src.reports.exports.goals_xlsx import GoalsWorkbook

    funds = await readable_funds(session=session, actor=actor, scope=scope)
    book = await asyncio.to_thread(GoalsWorkbook, path, funds)
    written = 0
    partitions = indicator_partitions(
        session=session, actor=actor, scope=scope, fund_ids=[f.id for f in funds]
    )
    async for partition in partitions:
        await asyncio.to_thread(book.append, partition)
        written += len(partition)
    await asyncio.to_thread(book.close)
    return written


async def goals_version(session: AsyncSession, scope: ExportScope) -> Any:
    """The data's version: the latest event (every committed write is one), report jobs' own left out."""
    stmt = select(sa.func.max(Event.id)).where(col(Event.subject_type) != REPORT_JOB_EVENTS)
    return (await session.exec(stmt)).one()
