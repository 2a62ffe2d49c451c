"""In-year monitoring as subjects (Art. 11–14): indicator actuals and budget execution as entered, the
warnings the target comparison raises and their responses, the monitoring reports, the prefectures' January
compilations and the overdue notices of deadlines. Each is seen where src/services/monitoring/scope.py says
and announces its changes through the event bus. Monitoring's deadlines (entries, reports, compilations:
src/services/monitoring/deadlines.py) are listed by the `deadlines` query and noticed when overdue."""

from collections.abc import Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.monitoring import (
    ActualEventKind,
    BudgetExecution,
    CompilationEventKind,
    DeadlineEventKind,
    DeadlineNotice,
    ExecutionEventKind,
    IndicatorActual,
    MonitoringCompilation,
    MonitoringDocumentKind,
    MonitoringReport,
    MonitoringReportEventKind,
    MonitoringWarning,
    WarningEventKind,
)
from src.models.report import ReportFormat
from src.services.actors import Actor
from src.services.monitoring import deadlines, scope
from src.services.monitoring.entry_sheet import entry_sheet_context, entry_sheet_versions
from src.subjects.documents import DocumentSpec
from src.subjects.registry import Registry, SubjectSpec


def _draw_entry_sheet(context: Mapping[str, Any]) -> bytes:
    # openpyxl is imported when a sheet is drawn, not with the app: a third of a second every server process
    # would spend starting (uvicorn gives a starting worker 5 s, under whatever load the machine has).
    from src.services.monitoring.xlsx_write import draw_entry_sheet

    return draw_entry_sheet(context)


async def _entry_sheet(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    return await entry_sheet_context(session=session, actor=actor, subject_id=subject_id, prefilled=True)


async def _entry_form(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    return await entry_sheet_context(session=session, actor=actor, subject_id=subject_id, prefilled=False)


def register(registry: Registry) -> None:
    registry.add_subject(
        SubjectSpec(
            name="IndicatorActual",
            model=IndicatorActual,
            label="绩效指标执行情况",
            scope=scope.actual_scope,
            clause=scope.visible_actuals_clause,
            event_kinds=ActualEventKind,
            event_labels={ActualEventKind.MONITORING_ACTUALS_RECORDED: "绩效指标执行情况填报"},
        )
    )
    registry.add_subject(
        SubjectSpec(
            name="BudgetExecution",
            model=BudgetExecution,
            label="预算执行情况",
            scope=scope.execution_scope,
            clause=scope.visible_executions_clause,
            event_kinds=ExecutionEventKind,
            event_labels={ExecutionEventKind.MONITORING_EXECUTION_RECORDED: "预算执行情况填报"},
        )
    )
    registry.add_subject(
        SubjectSpec(
            name="MonitoringWarning",
            model=MonitoringWarning,
            label="运行监控预警",
            scope=scope.warning_scope,
            clause=scope.visible_warnings_clause,
            event_kinds=WarningEventKind,
            event_labels={
                WarningEventKind.MONITORING_WARNING_RAISED: "运行监控预警",
                WarningEventKind.MONITORING_WARNING_ANSWERED: "运行监控预警处置",
            },
        )
    )
    registry.add_subject(
        SubjectSpec(
            name="MonitoringReport",
            model=MonitoringReport,
            label="运行监控情况报告",
            scope=scope.report_scope,
            clause=scope.visible_reports_clause,
            event_kinds=MonitoringReportEventKind,
            event_labels={
                MonitoringReportEventKind.MONITORING_REPORT_STATUS_CHANGED: "运行监控情况报告状态变更",
                MonitoringReportEventKind.MONITORING_REPORT_CHANGED: "运行监控情况报告内容修改",
            },
        )
    )
    registry.add_subject(
        SubjectSpec(
            name="MonitoringCompilation",
            model=MonitoringCompilation,
            label="运行监控情况汇总报告",
            scope=scope.compilation_scope,
            clause=scope.visible_compilations_clause,
            event_kinds=CompilationEventKind,
            event_labels={
                CompilationEventKind.MONITORING_COMPILATION_CHANGED: "运行监控情况汇总报告编辑",
                CompilationEventKind.MONITORING_COMPILATION_SENT: "运行监控情况汇总报告报送",
                CompilationEventKind.MONITORING_COMPILATION_ACKNOWLEDGED: "运行监控情况汇总报告签收",
            },
        )
    )
    registry.add_subject(
        SubjectSpec(
            name="DeadlineNotice",
            model=DeadlineNotice,
            label="逾期提醒",
            scope=scope.notice_scope,
            clause=scope.visible_notices_clause,
            event_kinds=DeadlineEventKind,
            event_labels={DeadlineEventKind.DEADLINE_OVERDUE: "逾期未完成"},
        )
    )
    registry.add_deadlines(deadlines.SOURCE)
    # The entry sheet (运行监控填报表) of a goal in force, as XLSX: a spreadsheet to fill in and upload back
    # (/uploads/monitoring-entries), drawn in code; for the requester's region, pre-filled or empty.
    for kind, label, build in (
        (MonitoringDocumentKind.MONITORING_ENTRY_SHEET, "运行监控填报表（含已填报数据）", _entry_sheet),
        (MonitoringDocumentKind.MONITORING_ENTRY_FORM, "运行监控填报表（空白）", _entry_form),
    ):
        registry.add_document(
            DocumentSpec(
                kind=kind,
                label=label,
                subject="Goal",
                build_context=build,
                versions=entry_sheet_versions,
                formats=(ReportFormat.XLSX,),
                draw=_draw_entry_sheet,
            )
        )
