"""Monitoring's deadlines (Art. 13), registered as a deadline source (src/domains/monitoring.py):

- MONITORING_ENTRIES (及时性): per pooling region × fund with an annual goal in force for the year, the
  entries of each period (the months closing a period under MONITORING_PERIODS, 1-N月), due
  MONITORING_ENTRY_DUE_DAYS after the period's end, by the region's agency of the fund's administration.
  Done when every indicator (by lineage) of the goal version in force that month has an entry for it, from
  the pooling region or its parts (IndicatorActual, read directly): at the first entry of the last one.
- MONITORING_REPORT: the 运行监控情况报告 of each such period, due MONITORING_REPORT_DUE_DAYS after its
  end, by the same agency (with tax). Done when SUBMITTED or ACCEPTED, at its submission.
- MONITORING_COMPILATION: each prefecture's compilation of the year before, due on its
  MONITORING_COMPILATION_DEADLINE (1月底 at the latest) of the year, by its finance. Done when SENT.

Every date comes from the rules in force in the body's region (Art. 23), within the text's (registry).
The goal version in force in a month: the newest issued by the month's end (Goal.issued_at, in China),
else the first version in force (a goal issued in March governs January's entries too). A version issued
as guiding and later formally keeps only its formal issue's date, so a mid-year adjustment issued as
guiding counts from its formal issue [a simplification: Goal keeps no guiding date of its own].
Pooling regions without a goal in force have nothing to enter or report against: no items (the missing
goal is the goal stage's concern).
"""

import calendar
import uuid
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlmodel import col, select

from src.models import Goal, Indicator
from src.models.enums import ActorType, GoalHorizon, GoalStatus, RegionLevel
from src.models.monitoring import (
    CompilationStatus,
    IndicatorActual,
    MonitoringCompilation,
    MonitoringReport,
    MonitoringReportStatus,
)
from src.services.deadlines.context import DeadlineContext, PooledFund
from src.services.deadlines.items import DeadlineItem, DeadlineSource, china_date
from src.services.monitoring.comparison import period_months

ENTRIES = "MONITORING_ENTRIES"
REPORT = "MONITORING_REPORT"
COMPILATION = "MONITORING_COMPILATION"
KINDS = {
    ENTRIES: "监控数据填报（及时性）",
    REPORT: "运行监控情况报告报送",
    COMPILATION: "市（州）上年运行监控情况汇总报送",
}
# Versions that were in force: issued (guiding or formal), or replaced by a later issue (Art. 10, 14).
WERE_IN_FORCE = (GoalStatus.ISSUED_GUIDING, GoalStatus.ISSUED, GoalStatus.SUPERSEDED)
REPORTED = (MonitoringReportStatus.SUBMITTED, MonitoringReportStatus.ACCEPTED)

Scope = tuple[int, int]  # pooling region id, fund type id


@dataclass(frozen=True)
class GoalVersion:
    issued_on: date | None  # in China; None: issued before issue dates were kept
    lineages: frozenset[uuid.UUID]


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def in_force(versions: list[GoalVersion], year: int, month: int) -> GoalVersion:
    """The version governing 1-`month`月 (module docstring); `versions` by version, none empty."""
    end = month_end(year, month)
    issued = [v for v in versions if v.issued_on is None or v.issued_on <= end]
    return issued[-1] if issued else versions[0]


async def _goal_versions(ctx: DeadlineContext, pooled: list[PooledFund]) -> dict[Scope, list[GoalVersion]]:
    """The annual goal versions of the year that were in force, per pooling region × fund, oldest first:
    two statements."""
    region_ids = sorted({p.region.id for p in pooled})
    stmt = (
        select(Goal.id, Goal.region_id, Goal.fund_type_id, Goal.issued_at)
        .where(
            Goal.horizon == GoalHorizon.ANNUAL,
            Goal.start_year == ctx.year,
            col(Goal.status).in_(WERE_IN_FORCE),
            col(Goal.region_id).in_(region_ids),
        )
        .order_by(col(Goal.version))
    )
    goals = (await ctx.session.exec(stmt)).all()
    lineages: dict[int | None, set[uuid.UUID]] = defaultdict(set)
    if goals:
        ids = [goal_id for goal_id, *_ in goals]
        found_lineages = select(Indicator.goal_id, Indicator.lineage_id).where(
            col(Indicator.goal_id).in_(ids)
        )
        for of_goal, lineage in (await ctx.session.exec(found_lineages)).all():
            lineages[of_goal].add(lineage)
    found: dict[Scope, list[GoalVersion]] = defaultdict(list)
    for goal_id, region_id, fund_id, issued_at in goals:
        issued_on = china_date(issued_at) if issued_at is not None else None
        found[region_id, fund_id].append(GoalVersion(issued_on, frozenset(lineages[goal_id])))
    return found


async def _first_entries(
    ctx: DeadlineContext, region_ids: list[int], months: set[int]
) -> dict[tuple[int, int], dict[uuid.UUID, datetime]]:
    """(pooling region, month) → each indicator lineage's first entry (a lineage is one fund's): one
    statement."""
    stmt = (
        select(
            IndicatorActual.pooling_region_id,
            IndicatorActual.month,
            IndicatorActual.indicator_lineage_id,
            sa.func.min(IndicatorActual.created_at),
        )
        .where(
            IndicatorActual.year == ctx.year,
            col(IndicatorActual.pooling_region_id).in_(region_ids),
            col(IndicatorActual.month).in_(sorted(months)),
        )
        .group_by(
            col(IndicatorActual.pooling_region_id),
            col(IndicatorActual.month),
            col(IndicatorActual.indicator_lineage_id),
        )
    )
    found: dict[tuple[int, int], dict[uuid.UUID, datetime]] = defaultdict(dict)
    # Thousands of rows at a province: read as plain rows, without the ORM's per-row work (a quarter faster).
    connection = await ctx.session.connection()
    for region_id, month, lineage, first in (await connection.execute(stmt)).all():
        found[region_id, month][lineage] = first
    return found


async def _reports(ctx: DeadlineContext, region_ids: list[int]) -> dict[tuple[int, int, int], datetime]:
    """(region, fund, month) → when the report was submitted, of those submitted or accepted."""
    stmt = select(
        MonitoringReport.region_id,
        MonitoringReport.fund_type_id,
        MonitoringReport.month,
        sa.func.coalesce(MonitoringReport.submitted_at, MonitoringReport.updated_at),
    ).where(
        MonitoringReport.year == ctx.year,
        col(MonitoringReport.region_id).in_(region_ids),
        col(MonitoringReport.status).in_(REPORTED),
    )
    return {(r, f, m): at for r, f, m, at in (await ctx.session.exec(stmt)).all()}


def _entries_done(version: GoalVersion, first: dict[uuid.UUID, datetime]) -> datetime | None:
    if not version.lineages or not version.lineages <= first.keys():
        return None
    return max(first[lineage] for lineage in version.lineages)


def _agency_item(
    kind: str, p: PooledFund, year: int, month: int, due_on: date, done_at: datetime | None, label: str
) -> DeadlineItem:
    """An item of the pooling region's agency of the fund's administration (Art. 13 经办机构…具体实施)."""
    return DeadlineItem(
        kind=kind,
        region=p.region,
        actor_type=ActorType.AGENCY,
        administration=p.administration,
        fund_type_id=p.fund_type_id,
        year=year,
        period=month,
        due_on=due_on,
        done_at=done_at,
        label=label,
    )


async def _period_items(ctx: DeadlineContext) -> list[DeadlineItem]:
    pooled = await ctx.pooled_funds(ctx.year)
    versions = await _goal_versions(ctx, pooled) if pooled else {}
    pooled = [p for p in pooled if versions.get((p.region.id, p.fund_type_id))]
    if not pooled:
        return []
    region_ids = sorted({p.region.id for p in pooled})
    months = {m for p in pooled for m in period_months(ctx.rules(p.region.id).monitoring_periods)}
    entries = await _first_entries(ctx, region_ids, months)
    reports = await _reports(ctx, region_ids)
    items: list[DeadlineItem] = []
    for p in pooled:
        rules = ctx.rules(p.region.id)
        entry_days = timedelta(days=int(rules.monitoring_entry_due_days))
        report_days = timedelta(days=int(rules.monitoring_report_due_days))
        scope = (p.region.id, p.fund_type_id)
        for month in period_months(rules.monitoring_periods):
            end = month_end(ctx.year, month)
            what = f"{p.region.name}{p.fund_name}{ctx.year}年1-{month}月"
            entered = _entries_done(in_force(versions[scope], ctx.year, month), entries[p.region.id, month])
            reported = reports.get((*scope, month))
            items.append(
                _agency_item(ENTRIES, p, ctx.year, month, end + entry_days, entered, f"{what}监控数据填报")
            )
            items.append(
                _agency_item(
                    REPORT, p, ctx.year, month, end + report_days, reported, f"{what}运行监控情况报告"
                )
            )
    return items


async def _compilation_items(ctx: DeadlineContext) -> list[DeadlineItem]:
    prefectures = ctx.of_level(RegionLevel.PREFECTURE)
    if not prefectures:
        return []
    monitored = ctx.year - 1
    stmt = select(
        MonitoringCompilation.region_id, MonitoringCompilation.sent_at, MonitoringCompilation.updated_at
    ).where(
        MonitoringCompilation.year == monitored,
        col(MonitoringCompilation.region_id).in_([p.id for p in prefectures]),
        MonitoringCompilation.status == CompilationStatus.SENT,
    )
    sent = {region_id: at or updated for region_id, at, updated in (await ctx.session.exec(stmt)).all()}
    items = []
    for prefecture in prefectures:
        deadline = ctx.rules(prefecture.id).monitoring_compilation_deadline
        items.append(
            DeadlineItem(
                kind=COMPILATION,
                region=prefecture,
                actor_type=ActorType.FINANCE,
                administration=None,
                fund_type_id=None,
                year=monitored,
                period=None,
                due_on=date(ctx.year, deadline.month, deadline.day),
                done_at=sent.get(prefecture.id),
                label=f"{prefecture.name}{monitored}年运行监控情况汇总报告",
            )
        )
    return items


async def monitoring_deadlines(ctx: DeadlineContext) -> list[DeadlineItem]:
    """What monitoring has due for the context's year (its periods; the year before's compilation)."""
    return [*await _period_items(ctx), *await _compilation_items(ctx)]


SOURCE = DeadlineSource(name="monitoring", kinds=KINDS, items=monitoring_deadlines)
