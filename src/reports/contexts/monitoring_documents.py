"""What the monitoring documents need besides their contexts: the version of the data each is made of (so
the same request for unchanged data gets the same job, src/reports/jobs/requesting.py), and the reports a
batch covers."""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func, tuple_
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Goal
from src.models.monitoring import (
    BudgetExecution,
    IndicatorActual,
    MonitoringCompilation,
    MonitoringReport,
    MonitoringReportStatus,
    MonitoringWarning,
)
from src.services.actors import Actor
from src.services.monitoring.compilation_reads import compiled_reports
from src.services.monitoring.reports import ReportQuery, reports_select
from src.services.monitoring.scope import REPORT_DRAFTS
from src.subjects.documents import BatchScope

Key = tuple[int, int, int, int]  # pooling region, fund, year, month


async def _grouped(
    session: AsyncSession, columns: Sequence[Any], changed: Any, keys: Sequence[tuple[int, ...]]
) -> dict[tuple[int, ...], list[Any]]:
    """Per key of `columns` among `keys`: how many rows, and when they last changed."""
    stmt = (
        sa.select(*columns, func.count(), func.max(changed))
        .where(tuple_(*columns).in_(list(keys)))
        .group_by(*columns)
    )
    width = len(columns)
    return {
        tuple(row[:width]): [row[width], str(row[width + 1])]
        for row in (await (await session.connection()).execute(stmt)).all()
    }


async def _data_versions(session: AsyncSession, keys: Sequence[Key]) -> dict[Key, list[Any]]:
    """Per period: how many entries, execution lines and warnings there are and when they last changed,
    and the goals of its year (an adjustment in force changes the indicators compared). Four statements."""
    versions: dict[Key, list[Any]] = {key: [] for key in keys}
    if not keys:
        return versions
    years = sorted({key[:3] for key in keys})
    actual, execution, warning = IndicatorActual, BudgetExecution, MonitoringWarning
    parts = [
        await _grouped(
            session,
            [col(actual.pooling_region_id), col(actual.fund_type_id), col(actual.year), col(actual.month)],
            col(actual.updated_at),
            keys,
        ),
        await _grouped(
            session,
            [
                col(execution.pooling_region_id),
                col(execution.fund_type_id),
                col(execution.year),
                col(execution.month),
            ],
            col(execution.updated_at),
            keys,
        ),
    ]
    yearly = [
        await _grouped(
            session,
            [col(warning.region_id), col(warning.fund_type_id), col(warning.year)],
            col(warning.updated_at),
            years,
        ),
        await _grouped(
            session,
            [col(Goal.region_id), col(Goal.fund_type_id), col(Goal.start_year)],
            col(Goal.updated_at),
            years,
        ),
    ]
    for key in keys:
        versions[key] = [part.get(key) for part in parts] + [part.get(key[:3]) for part in yearly]
    return versions


async def report_versions(session: AsyncSession, reports: Sequence[MonitoringReport]) -> dict[int, list[Any]]:
    """The report (every edit and step claims it) and the monitoring data of its period."""
    keys = [(r.region_id, r.fund_type_id, r.year, r.month) for r in reports]
    data = await _data_versions(session, keys)
    return {
        r.id or 0: [r.id, r.row_version, r.updated_at.isoformat(), data[key]]
        for r, key in zip(reports, keys, strict=True)
    }


async def compilation_versions(
    session: AsyncSession, compilations: Sequence[MonitoringCompilation]
) -> dict[int, list[Any]]:
    """The compilation and the reports it compiles, with their data."""
    out: dict[int, list[Any]] = {}
    for compilation in compilations:
        compiled = await compiled_reports(session, compilation)
        out[compilation.id or 0] = [
            compilation.id,
            compilation.row_version,
            compilation.updated_at.isoformat(),
            sorted((await report_versions(session, compiled)).items()),
        ]
    return out


async def report_batch(
    session: AsyncSession, actor: Actor, scope: BatchScope, limit: int
) -> Sequence[MonitoringReport]:
    """The reports of the batch's fund and year in its region and below that `actor` may read, drafts only
    if the scope includes them; by id, at most `limit`."""
    statuses = tuple(s for s in MonitoringReportStatus if scope.include_drafts or s not in REPORT_DRAFTS)
    query = ReportQuery(
        year=scope.year,
        fund_type_code=scope.fund_type_code,
        region_code=scope.region_code,
        include_descendants=True,
        statuses=statuses,
    )
    stmt = reports_select(query, actor).order_by(col(MonitoringReport.id)).limit(limit)
    return (await session.exec(stmt)).all()
