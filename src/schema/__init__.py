"""The GraphQL schema: per-domain query and mutation types merged into one Query and one Mutation."""

from functools import partial

import strawberry
from graphql import GraphQLError
from strawberry.tools import merge_types

from src.schema.assessment.mutations import AssessmentMutations
from src.schema.assessment.queries import AssessmentQueries
from src.schema.assignments.mutations import AssignmentMutations
from src.schema.assignments.queries import AssignmentQueries
from src.schema.audit.queries import AuditQueries
from src.schema.auth.mutations import AuthMutations
from src.schema.auth.queries import AuthQueries
from src.schema.auth.types import AUTH_EXCEPTION_HANDLERS
from src.schema.budgets.mutations import BudgetMutations
from src.schema.budgets.queries import BudgetQueries
from src.schema.compiled import CompiledExecution
from src.schema.deadlines.queries import DeadlineQueries
from src.schema.disclosure.mutations import DisclosureMutations
from src.schema.disclosure.queries import DisclosureQueries
from src.schema.errors import ERROR_TYPES, EXCEPTION_HANDLERS
from src.schema.escalation.mutations import EscalationMutations
from src.schema.escalation.queries import EscalationQueries
from src.schema.evaluation.mutations import SelfEvaluationMutations
from src.schema.evaluation.queries import SelfEvaluationQueries
from src.schema.events.queries import EventQueries
from src.schema.events.subscriptions import EventSubscriptions
from src.schema.extensions import hardening_extensions
from src.schema.feedback.mutations import FeedbackMutations
from src.schema.feedback.queries import FeedbackQueries
from src.schema.funds.queries import FundQueries
from src.schema.goals.drafting import GoalDraftingMutations
from src.schema.goals.mutations import GoalMutations
from src.schema.goals.queries import GoalQueries
from src.schema.indicators.queries import IndicatorTemplateQueries
from src.schema.inputs import InputGuard, guard_subscriptions
from src.schema.monitoring.compilations import MonitoringCompilationMutations, MonitoringCompilationQueries
from src.schema.monitoring.dashboard import MonitoringQueries
from src.schema.monitoring.entries import EntryMutations, EntryQueries
from src.schema.monitoring.reports import MonitoringReportMutations, MonitoringReportQueries
from src.schema.monitoring.warnings import WarningMutations, WarningQueries
from src.schema.organizations.queries import OrganizationQueries
from src.schema.plain_fields import PlainExecution, plain_field_resolvers
from src.schema.provincial_evaluation.mutations import ProvincialEvaluationMutations
from src.schema.provincial_evaluation.queries import ProvincialEvaluationQueries
from src.schema.rectification.mutations import RectificationMutations
from src.schema.rectification.queries import RectificationQueries
from src.schema.regions.queries import RegionQueries
from src.schema.reporting import HideSuggestions, MaskUnexpected, Schema, SingleOperation
from src.schema.reports.mutations import ReportMutations
from src.schema.reports.queries import ReportQueries
from src.schema.result_application.mutations import ResultApplicationMutations
from src.schema.result_application.queries import ResultApplicationQueries
from src.schema.rules.mutations import RuleMutations
from src.schema.rules.queries import RuleQueries
from src.schema.webhooks.mutations import WebhookMutations
from src.schema.webhooks.queries import WebhookQueries
from src.services.errors import DomainError
from src.settings import Settings

Query = merge_types(
    "Query",
    (
        RegionQueries,
        FundQueries,
        GoalQueries,
        IndicatorTemplateQueries,
        BudgetQueries,
        OrganizationQueries,
        AuditQueries,
        AuthQueries,
        RuleQueries,
        ReportQueries,
        EventQueries,
        WebhookQueries,
        DeadlineQueries,
        WarningQueries,
        MonitoringQueries,
        EntryQueries,
        MonitoringReportQueries,
        MonitoringCompilationQueries,
        SelfEvaluationQueries,
        AssignmentQueries,
        ProvincialEvaluationQueries,
        FeedbackQueries,
        RectificationQueries,
        ResultApplicationQueries,
        DisclosureQueries,
        AssessmentQueries,
        EscalationQueries,
    ),
)
Mutation = merge_types(
    "Mutation",
    (
        GoalMutations,
        GoalDraftingMutations,
        BudgetMutations,
        AuthMutations,
        RuleMutations,
        ReportMutations,
        WebhookMutations,
        WarningMutations,
        EntryMutations,
        MonitoringReportMutations,
        MonitoringCompilationMutations,
        SelfEvaluationMutations,
        AssignmentMutations,
        ProvincialEvaluationMutations,
        FeedbackMutations,
        RectificationMutations,
        ResultApplicationMutations,
        DisclosureMutations,
        AssessmentMutations,
        EscalationMutations,
    ),
)

Subscription = merge_types("Subscription", (EventSubscriptions,))


def should_mask(error: GraphQLError) -> bool:
    """Hide internals of unexpected failures; keep our own messages (bad arguments, domain errors)."""
    original = error.original_error
    return original is not None and not isinstance(original, GraphQLError | DomainError)


def build_schema(settings: Settings) -> strawberry.Schema:
    """The schema with `settings`' limits (depth, tokens, aliases, introspection)."""
    schema = Schema(
        query=Query,
        mutation=Mutation,
        subscription=Subscription,
        types=ERROR_TYPES,
        # A factory, not an instance: extensions keep per-operation state.
        extensions=[
            partial(MaskUnexpected, should_mask_error=should_mask, error_message="服务器内部错误（已记录）"),
            SingleOperation,
            *hardening_extensions(settings),
            InputGuard,
            *([] if settings.INTROSPECTION else [HideSuggestions]),
        ],
        exception_handlers=(*EXCEPTION_HANDLERS, *AUTH_EXCEPTION_HANDLERS),
        execution_context_class=CompiledExecution if settings.COMPILED_EXECUTION else PlainExecution,
    )
    guard_subscriptions(schema._schema)  # InputGuard's check, where the extension does not reach
    plain_field_resolvers(schema._schema)
    return schema
