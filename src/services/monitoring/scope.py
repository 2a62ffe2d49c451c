"""Where monitoring rows sit for visibility (src/subjects/scope.py), for one row and as SQL.

Actuals and execution sit at the region that entered them (a county's part is seen in the county and above,
not by its neighbours); warnings, reports and deadline notices at their pooling region; a compilation at its
prefecture, addressed to both administrations (it goes to 人社厅 and 省医保局 alike). Every row of a fund is
addressed to its fund's administration. Drafts (a report or compilation not yet submitted or sent, a warning
whose response is only drafted) are, as policy.visibility has it, not seen from the regions below their own
nor by the national departments (their own region and the regions above read them).
"""

from typing import Any

from sqlalchemy import ColumnElement, literal
from sqlmodel import col
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import FundType, Region
from src.models.enums import Administration
from src.models.monitoring import (
    BudgetExecution,
    CompilationStatus,
    DeadlineNotice,
    IndicatorActual,
    MonitoringCompilation,
    MonitoringReport,
    MonitoringReportStatus,
    MonitoringWarning,
    WarningStatus,
)
from src.services import policy
from src.services.actors import Actor
from src.services.rows import kept_row
from src.subjects.columns import fund_addressed, region_path_of
from src.subjects.scope import ColumnTerms, RecordScope

REPORT_DRAFTS = frozenset({MonitoringReportStatus.DRAFT, MonitoringReportStatus.RETURNED})
BOTH_ADMINISTRATIONS = frozenset(Administration)


async def _scope(
    session: AsyncSession, *, region_id: int, fund_type_id: int | None, draft: bool = False
) -> RecordScope:
    region = await kept_row(session, Region, region_id)
    assert region is not None
    administrations: frozenset[Administration] = frozenset()
    if fund_type_id is None:
        administrations = BOTH_ADMINISTRATIONS
    else:
        fund = await kept_row(session, FundType, fund_type_id)
        assert fund is not None
        administrations = frozenset({fund.administration}) if fund.administration else frozenset()
    return RecordScope(
        region_id=region_id,
        region_path=region.path,
        fund_type_id=fund_type_id,
        administrations=administrations,
        draft=draft,
    )


def _columns(region: Any, fund: Any, draft: Any = None) -> ColumnTerms:
    return ColumnTerms(region_path=region_path_of(region), addressed=fund_addressed(fund), draft=draft)


def _both(administration: Administration) -> ColumnElement[bool]:
    return literal(True)


# --- indicator actuals ------------------------------------------------------------------------------------


async def actual_scope(session: AsyncSession, row: IndicatorActual) -> RecordScope:
    return await _scope(session, region_id=row.region_id, fund_type_id=row.fund_type_id)


def visible_actuals_clause(actor: Actor) -> ColumnElement[bool]:
    return policy.visible_clause(actor, _columns(IndicatorActual.region_id, IndicatorActual.fund_type_id))


# --- budget execution -------------------------------------------------------------------------------------


async def execution_scope(session: AsyncSession, row: BudgetExecution) -> RecordScope:
    return await _scope(session, region_id=row.region_id, fund_type_id=row.fund_type_id)


def visible_executions_clause(actor: Actor) -> ColumnElement[bool]:
    return policy.visible_clause(actor, _columns(BudgetExecution.region_id, BudgetExecution.fund_type_id))


# --- warnings ---------------------------------------------------------------------------------------------


async def warning_scope(session: AsyncSession, row: MonitoringWarning) -> RecordScope:
    draft = row.status == WarningStatus.RESPONSE_DRAFT
    return await _scope(session, region_id=row.region_id, fund_type_id=row.fund_type_id, draft=draft)


def visible_warnings_clause(actor: Actor) -> ColumnElement[bool]:
    draft = col(MonitoringWarning.status) == WarningStatus.RESPONSE_DRAFT.value
    columns = _columns(MonitoringWarning.region_id, MonitoringWarning.fund_type_id, draft)
    return policy.visible_clause(actor, columns)


# --- monitoring reports -----------------------------------------------------------------------------------


async def report_scope(session: AsyncSession, row: MonitoringReport) -> RecordScope:
    draft = row.status in REPORT_DRAFTS
    return await _scope(session, region_id=row.region_id, fund_type_id=row.fund_type_id, draft=draft)


def visible_reports_clause(actor: Actor) -> ColumnElement[bool]:
    draft = col(MonitoringReport.status).in_([s.value for s in REPORT_DRAFTS])
    return policy.visible_clause(
        actor, _columns(MonitoringReport.region_id, MonitoringReport.fund_type_id, draft)
    )


# --- compilations -----------------------------------------------------------------------------------------


async def compilation_scope(session: AsyncSession, row: MonitoringCompilation) -> RecordScope:
    draft = row.status == CompilationStatus.DRAFT
    return await _scope(session, region_id=row.region_id, fund_type_id=None, draft=draft)


def visible_compilations_clause(actor: Actor) -> ColumnElement[bool]:
    draft = col(MonitoringCompilation.status) == CompilationStatus.DRAFT.value
    columns = ColumnTerms(
        region_path=region_path_of(MonitoringCompilation.region_id), addressed=_both, draft=draft
    )
    return policy.visible_clause(actor, columns)


# --- deadline notices -------------------------------------------------------------------------------------


async def notice_scope(session: AsyncSession, row: DeadlineNotice) -> RecordScope:
    return await _scope(session, region_id=row.region_id, fund_type_id=row.fund_type_id)


def visible_notices_clause(actor: Actor) -> ColumnElement[bool]:
    # A notice about no one fund concerns both administrations, as a compilation does.
    def addressed(administration: Administration) -> ColumnElement[bool]:
        return col(DeadlineNotice.fund_type_id).is_(None) | fund_addressed(DeadlineNotice.fund_type_id)(
            administration
        )

    columns = ColumnTerms(region_path=region_path_of(DeadlineNotice.region_id), addressed=addressed)
    return policy.visible_clause(actor, columns)
