"""In-year monitoring as subjects (Art. 11–14): indicator actuals and budget execution as entered, the
warnings the target comparison raises and their responses, the monitoring reports, the prefectures' January
compilations and the overdue notices of deadlines. Each is seen where src/services/monitoring/scope.py says
and announces its changes through the event bus. Monitoring's deadlines (entries, reports, compilations:
src/services/monitoring/deadlines.py) are listed by the `deadlines` query and noticed when overdue. A
report is printed as its 运行监控情况报告 and as the 绩效运行监控表 of its goal and period (a form); a
compilation as the 公文 that sends it, numbered as the sending finance body's 财社 document when it is sent
(src/services/monitoring/compilations.py); a goal's entry sheet as XLSX."""

from collections.abc import Mapping
from typing import Any

from sqlmodel.ext.asyncio.session import AsyncSession

from src.models.enums import ActorType
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
from src.reports.contexts.monitoring_compilation import monitoring_compilation_context
from src.reports.contexts.monitoring_documents import compilation_versions, report_batch, report_versions
from src.reports.contexts.monitoring_report import monitoring_report_context
from src.reports.contexts.monitoring_table import monitoring_table_context
from src.services.actors import Actor
from src.services.monitoring import deadlines, periodic, scope
from src.services.monitoring.entry_sheet import entry_sheet_context, entry_sheet_versions
from src.subjects.documents import FINANCE_SOCIAL_SECURITY, DocumentSpec, NumberSpec
from src.subjects.registry import Registry, SubjectSpec

# A compilation is a finance body's social-security document (成财社〔2027〕1号), numbered when it is sent.
COMPILATION_NUMBER = NumberSpec(issuer=ActorType.FINANCE, family=FINANCE_SOCIAL_SECURITY)


async def _monitoring_table(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    return await monitoring_table_context(session=session, actor=actor, report_id=subject_id)


async def _monitoring_report(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    return await monitoring_report_context(session=session, actor=actor, report_id=subject_id)


async def _monitoring_compilation(*, session: AsyncSession, actor: Actor, subject_id: int) -> dict[str, Any]:
    return await monitoring_compilation_context(session=session, actor=actor, compilation_id=subject_id)


def _register_documents(registry: Registry) -> None:
    registry.add_document(
        DocumentSpec(
            kind=MonitoringDocumentKind.MONITORING_TABLE,
            label="绩效运行监控表",
            subject="MonitoringReport",
            build_context=_monitoring_table,
            versions=report_versions,
            batch=report_batch,
            batch_label="运行监控情况报告",
            template="MONITORING_TABLE.docx",
        )
    )
    registry.add_document(
        DocumentSpec(
            kind=MonitoringDocumentKind.MONITORING_REPORT,
            label="运行监控情况报告",
            subject="MonitoringReport",
            build_context=_monitoring_report,
            versions=report_versions,
            batch=report_batch,
            batch_label="运行监控情况报告",
            template="MONITORING_REPORT.docx",
        )
    )
    registry.add_document(
        DocumentSpec(
            kind=MonitoringDocumentKind.MONITORING_COMPILATION,
            label="运行监控情况汇总报告",
            subject="MonitoringCompilation",
            build_context=_monitoring_compilation,
            versions=compilation_versions,
            template="MONITORING_COMPILATION.docx",
            number=COMPILATION_NUMBER,
        )
    )


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
    # Periods are evaluated on the schedule once their entries are due (Art. 13 「定期」), by the system.
    registry.add_periodic("monitoring:evaluate-due-periods", periodic.evaluate_due_periods)
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
    _register_documents(registry)
