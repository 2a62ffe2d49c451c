"""All tables, imported here so SQLModel.metadata (and Alembic) sees every one."""

from src.db import metadata
from src.models.assessment import AssessmentRound, PrefectureAssessment
from src.models.assignment import Assignment
from src.models.audit import AuditEvent
from src.models.auth import ApiToken, RefreshToken
from src.models.budget import FundBudget, FundBudgetLine
from src.models.disclosure import Disclosure, DisclosureItem
from src.models.document_number import DocumentNumber
from src.models.escalation import EscalationCase, EscalationLetter
from src.models.evaluation import SelfEvaluation, SelfEvaluationLine, SelfEvaluationTransition
from src.models.event import Event
from src.models.feedback import EvaluationFeedback, EvaluationFeedbackRecipient
from src.models.fund import FundType, PoolingArrangement
from src.models.goal import (
    Goal,
    GoalCreate,
    GoalDecompositionTarget,
    GoalTaxOpinion,
    GoalTransition,
    GoalUpdate,
    Indicator,
    IndicatorCreate,
    IndicatorUpdate,
)
from src.models.indicator_template import IndicatorTemplate
from src.models.monitoring import (
    BudgetExecution,
    DeadlineNotice,
    IndicatorActual,
    MonitoringCompilation,
    MonitoringCompilationRecipient,
    MonitoringReport,
    MonitoringReportTransition,
    MonitoringWarning,
)
from src.models.organization import Organization, User
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationSummary,
    ProvincialEvaluationTransition,
)
from src.models.rectification import RectificationEvidence, RectificationItem
from src.models.region import Region
from src.models.report import ReportJob
from src.models.result_application import ResultApplication, ResultApplicationUse
from src.models.rules import RegionalRule
from src.models.webhook import Webhook, WebhookDelivery

__all__ = [
    "ApiToken",
    "AssessmentRound",
    "Assignment",
    "AuditEvent",
    "BudgetExecution",
    "DeadlineNotice",
    "Disclosure",
    "DisclosureItem",
    "DocumentNumber",
    "EscalationCase",
    "EscalationLetter",
    "EvaluationFeedback",
    "EvaluationFeedbackRecipient",
    "Event",
    "FundBudget",
    "FundBudgetLine",
    "FundType",
    "Goal",
    "GoalCreate",
    "GoalDecompositionTarget",
    "GoalTaxOpinion",
    "GoalTransition",
    "GoalUpdate",
    "Indicator",
    "IndicatorActual",
    "IndicatorCreate",
    "IndicatorTemplate",
    "IndicatorUpdate",
    "MonitoringCompilation",
    "MonitoringCompilationRecipient",
    "MonitoringReport",
    "MonitoringReportTransition",
    "MonitoringWarning",
    "Organization",
    "PoolingArrangement",
    "PrefectureAssessment",
    "ProvincialEvaluation",
    "ProvincialEvaluationSummary",
    "ProvincialEvaluationTransition",
    "RectificationEvidence",
    "RectificationItem",
    "RefreshToken",
    "Region",
    "RegionalRule",
    "ReportJob",
    "ResultApplication",
    "ResultApplicationUse",
    "SelfEvaluation",
    "SelfEvaluationLine",
    "SelfEvaluationTransition",
    "User",
    "Webhook",
    "WebhookDelivery",
    "metadata",
]
