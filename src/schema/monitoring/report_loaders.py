"""The DataLoaders of monitoring reports and compilations (src/schema/loaders.py makes them per request): a
page of reports or compilations reads its transitions, generated tables, rules (due dates), recipients and
compiled reports in a fixed number of statements, whatever its size."""

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import col, or_, select
from strawberry.dataloader import DataLoader

from src.models import FundType, MonitoringCompilationRecipient, Region
from src.models.monitoring import MonitoringReport, MonitoringReportStatus, MonitoringReportTransition
from src.schema.execution import TURN_TAKING_LOOP
from src.schema.loaders import Sessionmaker, loader, many_by
from src.services.monitoring.compilation_reads import YEAR_END
from src.services.monitoring.report_tables import MonitoringTables, TablesKey, tables_of
from src.services.monitoring.state import rules_of
from src.services.rules.reads import RuleSet

TRANSITIONS_PER_REPORT = 200  # the newest 200
RECIPIENTS_PER_COMPILATION = 4  # 财政厅、人社厅、省医保局、省税务局
# The accepted year-end reports of one prefecture's area: every fund of the prefecture and its counties.
REPORTS_PER_COMPILATION = 500


@loader
def transitions_by_report(sessionmaker: Sessionmaker) -> DataLoader[int, list[MonitoringReportTransition]]:
    return many_by(
        sessionmaker,
        MonitoringReportTransition,
        MonitoringReportTransition.report_id,
        [MonitoringReportTransition.id],
        limit=TRANSITIONS_PER_REPORT,
        newest=True,
    )


@loader
def recipients_by_compilation(
    sessionmaker: Sessionmaker,
) -> DataLoader[int, list[MonitoringCompilationRecipient]]:
    return many_by(
        sessionmaker,
        MonitoringCompilationRecipient,
        MonitoringCompilationRecipient.compilation_id,
        [MonitoringCompilationRecipient.id],
        limit=RECIPIENTS_PER_COMPILATION,
    )


@loader
def report_tables(sessionmaker: Sessionmaker) -> DataLoader[TablesKey, MonitoringTables]:
    """The generated tables of each report's region, fund and period (report_tables.tables_of)."""

    async def load(keys: list[TablesKey]) -> Sequence[MonitoringTables]:
        async with sessionmaker() as session:
            found = await tables_of(session, keys)
        return [found[key] for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


@loader
def rules_by_region(sessionmaker: Sessionmaker) -> DataLoader[int, RuleSet]:
    """The rules in force in each region (Art. 23): the due days and dates of reports and compilations."""

    async def load(keys: list[int]) -> Sequence[RuleSet]:
        async with sessionmaker() as session:
            regions = (await session.exec(select(Region).where(col(Region.id).in_(keys)))).all()
            rules = await rules_of(session, regions)
        return [rules[key] for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)


@loader
def compiled_reports_by_area(
    sessionmaker: Sessionmaker,
) -> DataLoader[tuple[int, int], list[MonitoringReport]]:
    """What a compilation of (prefecture, year) compiles: the accepted year-end reports of the prefecture
    and the regions below it, by fund, then region (compilation_reads.compiled_reports, for many)."""

    async def load(keys: list[tuple[int, int]]) -> Sequence[list[MonitoringReport]]:
        async with sessionmaker() as session:
            areas = (await session.exec(select(Region).where(col(Region.id).in_({r for r, _ in keys})))).all()
            paths = {area.id: area.path for area in areas}
            stmt = (
                select(MonitoringReport, Region.path)
                .join(FundType, col(FundType.id) == MonitoringReport.fund_type_id)
                .join(Region, col(Region.id) == MonitoringReport.region_id)
                .where(
                    col(MonitoringReport.year).in_({year for _, year in keys}),
                    MonitoringReport.month == YEAR_END,
                    MonitoringReport.status == MonitoringReportStatus.ACCEPTED,
                    or_(*(col(Region.path).startswith(path) for path in paths.values())),
                )
                .order_by(col(FundType.sort_order), col(Region.path))
            )
            rows = (await session.exec(stmt)).all()
        found: dict[tuple[int, int], list[MonitoringReport]] = defaultdict(list)
        for region_id, year in keys:
            area = paths.get(region_id)
            found[(region_id, year)] = [
                report
                for report, path in rows
                if area is not None and report.year == year and path.startswith(area)
            ][:REPORTS_PER_COMPILATION]
        return [found[key] for key in keys]

    return DataLoader(load_fn=load, loop=TURN_TAKING_LOOP)
