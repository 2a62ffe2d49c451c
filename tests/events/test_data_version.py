"""Every committed change moves `dataVersion` (issue 17): each mutation the schema has — found by
introspection, not listed by hand — run once as a user allowed to make it (tests/schema/mutation_cases.py),
writes an event that this user then reads through `events`; a refused one writes none.

A new mutation fails here until it has a case and its event, or an exclusion below with the reason.
"""

from typing import Any

import graphql
import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import Event
from src.models.enums import ActorType, Administration
from src.schema import build_schema
from tests.conftest import make_settings
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import CASES, PREFECTURE, Call, Case

# Mutations that change nothing a reader can query: they need not move dataVersion, and nothing else may
# be left out.
EXCLUDED = {
    # A session is its user's alone: refresh tokens (and a password hash moved to new parameters) are read by
    # no query, so no reader's data changes; an event per login would also tell administrators who logs in
    # when, which the API shows nobody.
    "login": "opens a session: a refresh token no query returns",
    "tokenRefresh": "rotates the caller's refresh token: read by no query",
    "logout": "revokes the caller's refresh tokens: read by no query",
}

# The event each case's call writes (its kind and subject type), among any others it writes.
WRITES = {
    "goalSubmit": ("GOAL_STATUS_CHANGED", "Goal"),
    "goalPreliminaryReview": ("GOAL_STATUS_CHANGED", "Goal"),
    "goalReview": ("GOAL_STATUS_CHANGED", "Goal"),
    "goalSubmitToNational": ("GOAL_STATUS_CHANGED", "Goal"),
    "goalIssueGuiding": ("GOAL_STATUS_CHANGED", "Goal"),
    "goalNationalApprove": ("GOAL_STATUS_CHANGED", "Goal"),
    "goalIssue": ("GOAL_STATUS_CHANGED", "Goal"),
    "goalReturn": ("GOAL_STATUS_CHANGED", "Goal"),
    "goalAdjustmentRequest": ("GOAL_ADJUSTMENT_REQUESTED", "Goal"),
    "goalTaxConcur": ("GOAL_TAX_OPINION", "Goal"),
    "goalTaxObject": ("GOAL_TAX_OPINION", "Goal"),
    "goalCreate": ("GOAL_CREATED", "Goal"),
    "goalUpdate": ("GOAL_CHANGED", "Goal"),
    "goalDelete": ("GOAL_DELETED", "Goal"),
    "indicatorCreate": ("GOAL_CHANGED", "Goal"),
    "indicatorUpdate": ("GOAL_CHANGED", "Goal"),
    "indicatorDelete": ("GOAL_CHANGED", "Goal"),
    "indicatorAddFromTemplates": ("GOAL_CHANGED", "Goal"),
    "goalDecompositionUpdate": ("GOAL_CHANGED", "Goal"),
    "budgetCreate": ("BUDGET_CHANGED", "FundBudget"),
    "budgetUpdate": ("BUDGET_CHANGED", "FundBudget"),
    "budgetApprove": ("BUDGET_APPROVED", "FundBudget"),
    "reportRequest": ("REPORT_JOB_CHANGED", "ReportJob"),
    "ruleSetUpdate": ("RULE_SET_CHANGED", "RuleSet"),
    "apiTokenCreate": ("API_TOKEN_CHANGED", "ApiToken"),
    "apiTokenRevoke": ("API_TOKEN_CHANGED", "ApiToken"),
    "monitoringEvaluate": ("MONITORING_WARNING_RAISED", "MonitoringWarning"),
    "warningRespond": ("MONITORING_WARNING_ANSWERED", "MonitoringWarning"),
    "warningResponseDraft": ("MONITORING_WARNING_ANSWERED", "MonitoringWarning"),
    "webhookCreate": ("WEBHOOK_CHANGED", "Webhook"),
    "webhookUpdate": ("WEBHOOK_CHANGED", "Webhook"),
    "webhookDelete": ("WEBHOOK_CHANGED", "Webhook"),
    "actualsRecord": ("MONITORING_ACTUALS_RECORDED", "IndicatorActual"),
    "executionRecord": ("MONITORING_EXECUTION_RECORDED", "BudgetExecution"),
    "monitoringReportCreate": ("MONITORING_REPORT_CHANGED", "MonitoringReport"),
    "monitoringReportUpdate": ("MONITORING_REPORT_CHANGED", "MonitoringReport"),
    "monitoringReportTaxConcur": ("MONITORING_REPORT_STATUS_CHANGED", "MonitoringReport"),
    "monitoringReportSubmit": ("MONITORING_REPORT_STATUS_CHANGED", "MonitoringReport"),
    "monitoringReportAccept": ("MONITORING_REPORT_STATUS_CHANGED", "MonitoringReport"),
    "monitoringReportReturn": ("MONITORING_REPORT_STATUS_CHANGED", "MonitoringReport"),
    "monitoringCompilationCreate": ("MONITORING_COMPILATION_CHANGED", "MonitoringCompilation"),
    "monitoringCompilationUpdate": ("MONITORING_COMPILATION_CHANGED", "MonitoringCompilation"),
    "monitoringCompilationSend": ("MONITORING_COMPILATION_SENT", "MonitoringCompilation"),
    "monitoringCompilationAcknowledge": ("MONITORING_COMPILATION_ACKNOWLEDGED", "MonitoringCompilation"),
    "selfEvaluationOpen": ("SELF_EVALUATION_STATUS_CHANGED", "SelfEvaluation"),
    "selfEvaluationUpdate": ("SELF_EVALUATION_CHANGED", "SelfEvaluation"),
    "selfEvaluationTaxConcur": ("SELF_EVALUATION_STATUS_CHANGED", "SelfEvaluation"),
    "selfEvaluationSubmit": ("SELF_EVALUATION_STATUS_CHANGED", "SelfEvaluation"),
    "selfEvaluationAccept": ("SELF_EVALUATION_STATUS_CHANGED", "SelfEvaluation"),
    "selfEvaluationReturn": ("SELF_EVALUATION_STATUS_CHANGED", "SelfEvaluation"),
    "assignmentCreate": ("ASSIGNMENT_CHANGED", "Assignment"),
    "assignmentEnd": ("ASSIGNMENT_CHANGED", "Assignment"),
    "provincialEvaluationOpen": ("PROVINCIAL_EVALUATION_STATUS_CHANGED", "ProvincialEvaluation"),
    "provincialEvaluationUpdate": ("PROVINCIAL_EVALUATION_CHANGED", "ProvincialEvaluation"),
    "provincialEvaluationTaxConcur": ("PROVINCIAL_EVALUATION_STATUS_CHANGED", "ProvincialEvaluation"),
    "provincialEvaluationSubmit": ("PROVINCIAL_EVALUATION_STATUS_CHANGED", "ProvincialEvaluation"),
    "provincialEvaluationApprove": ("PROVINCIAL_EVALUATION_STATUS_CHANGED", "ProvincialEvaluation"),
    "provincialEvaluationReturn": ("PROVINCIAL_EVALUATION_STATUS_CHANGED", "ProvincialEvaluation"),
    "provincialEvaluationSummaryCreate": ("PROVINCIAL_SUMMARY_STATUS_CHANGED", "ProvincialEvaluationSummary"),
    "provincialEvaluationSummaryUpdate": ("PROVINCIAL_SUMMARY_CHANGED", "ProvincialEvaluationSummary"),
    "provincialEvaluationSummarySend": ("PROVINCIAL_SUMMARY_STATUS_CHANGED", "ProvincialEvaluationSummary"),
    "evaluationFeedbackCreate": ("EVALUATION_FEEDBACK_STATUS_CHANGED", "EvaluationFeedback"),
    "evaluationFeedbackUpdate": ("EVALUATION_FEEDBACK_CHANGED", "EvaluationFeedback"),
    "evaluationFeedbackSend": ("EVALUATION_FEEDBACK_STATUS_CHANGED", "EvaluationFeedback"),
    "evaluationFeedbackAcknowledge": ("EVALUATION_FEEDBACK_STATUS_CHANGED", "EvaluationFeedback"),
    "rectificationItemCreate": ("RECTIFICATION_ITEM_STATUS_CHANGED", "RectificationItem"),
    "rectificationItemUpdate": ("RECTIFICATION_ITEM_CHANGED", "RectificationItem"),
    "rectificationItemReport": ("RECTIFICATION_ITEM_STATUS_CHANGED", "RectificationItem"),
    "rectificationItemVerify": ("RECTIFICATION_ITEM_STATUS_CHANGED", "RectificationItem"),
    "rectificationItemReturn": ("RECTIFICATION_ITEM_STATUS_CHANGED", "RectificationItem"),
    "rectificationEvidenceDelete": ("RECTIFICATION_ITEM_CHANGED", "RectificationItem"),
    "resultApplicationCreate": ("RESULT_APPLICATION_STATUS_CHANGED", "ResultApplication"),
    "resultApplicationUpdate": ("RESULT_APPLICATION_CHANGED", "ResultApplication"),
    "resultApplicationRecord": ("RESULT_APPLICATION_STATUS_CHANGED", "ResultApplication"),
    "resultApplicationDelete": ("RESULT_APPLICATION_DELETED", "ResultApplication"),
    "disclosureCreate": ("DISCLOSURE_STATUS_CHANGED", "Disclosure"),
    "disclosureItemsSet": ("DISCLOSURE_CHANGED", "Disclosure"),
    "disclosureUpdate": ("DISCLOSURE_CHANGED", "Disclosure"),
    "disclosureApprove": ("DISCLOSURE_STATUS_CHANGED", "Disclosure"),
    "disclosureReport": ("DISCLOSURE_STATUS_CHANGED", "Disclosure"),
    "disclosurePublish": ("DISCLOSURE_STATUS_CHANGED", "Disclosure"),
    "assessmentRoundOpen": ("ASSESSMENT_ROUND_STATUS_CHANGED", "AssessmentRound"),
    "assessmentRoundCompute": ("ASSESSMENT_ROUND_COMPUTED", "AssessmentRound"),
    "assessmentRoundConcur": ("ASSESSMENT_ROUND_STATUS_CHANGED", "AssessmentRound"),
    "assessmentRoundPublish": ("ASSESSMENT_ROUND_STATUS_CHANGED", "AssessmentRound"),
    "escalationOpen": ("ESCALATION_STATUS_CHANGED", "EscalationCase"),
    "escalationLetterSend": ("ESCALATION_STATUS_CHANGED", "EscalationCase"),
    "escalationLetterAnswer": ("ESCALATION_STATUS_CHANGED", "EscalationCase"),
    "escalationMarkUnresolved": ("ESCALATION_STATUS_CHANGED", "EscalationCase"),
    "escalationClose": ("ESCALATION_STATUS_CHANGED", "EscalationCase"),
}


def schema_mutations() -> list[str]:
    """The Mutation type's fields, as the schema the API serves prints them."""
    mutation = graphql.build_schema(build_schema(make_settings()).as_str()).mutation_type
    assert mutation is not None
    return sorted(mutation.fields)


MUTATIONS = schema_mutations()
INTROSPECT = '{ __type(name: "Mutation") { fields { name } } }'
VERSION = "{ dataVersion }"
EVENTS = """query($after: ID!) { events(after: $after, first: 500) {
  events { id kind subjectType subjectId payload } hasMore } }"""


def succeeded(typename: object) -> bool:
    return isinstance(typename, str) and (typename.endswith(("Success", "Created")) or typename == "ApiToken")


async def data_version(gql: GraphQLClient) -> int:
    return int((await gql.data(VERSION))["dataVersion"])


async def test_every_mutation_has_a_case_or_a_reason(gql: GraphQLClient) -> None:
    served = {f["name"] for f in (await gql.data(INTROSPECT))["__type"]["fields"]}
    assert served == set(MUTATIONS)
    assert not set(CASES) & set(EXCLUDED)
    assert served == set(CASES) | set(EXCLUDED), "a mutation needs a case (mutation_cases.py) or a reason"
    assert set(WRITES) == set(CASES)


@pytest.mark.parametrize("name", [name for name in MUTATIONS if name not in EXCLUDED])
async def test_a_mutation_moves_the_data_version_and_its_maker_reads_the_event(
    gql: GraphQLClient, name: str
) -> None:
    assert name in CASES, f"{name}: add its call to tests/schema/mutation_cases.py (or exclude it, with why)"
    call = await CASES[name](gql)
    before = await data_version(gql)
    answer = await gql.data(call.document, call.variables)
    assert succeeded(answer[name]["__typename"]), answer
    assert await data_version(gql) > before
    page = (await gql.data(EVENTS, {"after": str(before)}))["events"]
    assert (WRITES[name]) in [(e["kind"], e["subjectType"]) for e in page["events"]], page


async def refused_as(gql: GraphQLClient, name: str, **login: Any) -> Call:
    """The case's call, made by someone else."""
    call = await CASES[name](gql)
    await gql.login_as(**login)
    return call


async def empty_title(gql: GraphQLClient) -> Call:
    # Refused after the goal's version was claimed and its content revision counted: inside the transaction.
    call = await CASES["goalUpdate"](gql)
    call.variables["input"]["title"] = " "
    return call


HRSS_AGENCY: dict[str, Any] = {
    "actor_type": ActorType.AGENCY,
    "region_code": PREFECTURE,
    "administration": Administration.HRSS,
}
REFUSALS: dict[str, Case] = {
    "goalUpdate with an empty title": empty_title,
    "ruleSetUpdate by another prefecture": lambda gql: refused_as(
        gql, "ruleSetUpdate", actor_type=ActorType.FINANCE, region_code="510300"
    ),
    "webhookCreate by a non-administrator": lambda gql: refused_as(gql, "webhookCreate"),
    "apiTokenCreate by a non-administrator": lambda gql: refused_as(gql, "apiTokenCreate"),
    "indicatorUpdate by an HRSS agency": lambda gql: refused_as(gql, "indicatorUpdate", **HRSS_AGENCY),
}


@pytest.mark.parametrize("refusal", list(REFUSALS))
async def test_a_refused_mutation_writes_no_event(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], refusal: str
) -> None:
    call = await REFUSALS[refusal](gql)
    before = await data_version(gql)
    body = await gql.query(call.document, call.variables)
    assert body.get("errors") or not succeeded(next(iter(body["data"].values()))["__typename"]), body
    assert await data_version(gql) == before
    async with sessionmaker() as session:
        assert (await session.exec(select(func.count()).select_from(Event))).one() == 0


async def test_rules_changes_are_read_by_everyone_and_administrators_records_by_administrators(
    gql: GraphQLClient,
) -> None:
    for name in ("ruleSetUpdate", "webhookCreate", "apiTokenCreate"):
        call = await CASES[name](gql)
        assert succeeded((await gql.data(call.document, call.variables))[name]["__typename"])
    readers: list[tuple[dict[str, Any], set[str]]] = [
        ({"is_admin": True}, {"RULE_SET_CHANGED", "WEBHOOK_CHANGED", "API_TOKEN_CHANGED"}),
        # The province's finance reads everything of its region and below, but no administrator's record.
        ({}, {"RULE_SET_CHANGED"}),
        # Rules are read by every user (ruleSet): a sibling prefecture, an administration-bound body, the
        # national departments, a third-party evaluator that reads no goal.
        ({"region_code": "510300"}, {"RULE_SET_CHANGED"}),
        (
            {"actor_type": ActorType.AGENCY, "region_code": "510300", "administration": Administration.HRSS},
            {"RULE_SET_CHANGED"},
        ),
        ({"actor_type": ActorType.NATIONAL}, {"RULE_SET_CHANGED"}),
        ({"actor_type": ActorType.THIRD_PARTY}, {"RULE_SET_CHANGED"}),
    ]
    for login, kinds in readers:
        await gql.login_as(**login)
        page = (await gql.data(EVENTS, {"after": "0"}))["events"]
        assert {e["kind"] for e in page["events"]} == kinds, login
