"""One successful call of a mutation, as a user allowed to make it: `CASES[name](gql)` puts what the call
needs in the database, logs `gql` in as that user and returns the call (a document selecting only
`__typename`, so what it costs is the mutation's own work).

Used where every mutation must be run (tests/events/test_data_version.py) and where what a mutation costs is
counted (tests/schema/test_statement_counts.py).
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlmodel import col, select

from src.models import ApiToken, Assignment, Indicator, IndicatorTemplate, User, Webhook
from src.models.enums import ActorType, Administration, BudgetStatus, GoalStatus, PoolingLevel
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus
from src.models.monitoring import MonitoringWarning
from tests.factories import make_actor, make_actual, make_budget, make_goal, make_user
from tests.schema.conftest import GraphQLClient

MED = Administration.MEDICAL_SECURITY
PREFECTURE = "510100"
PROVINCE = "510000"
COUNTY = "510104"  # 锦江区, of 成都市


@dataclass(frozen=True)
class Call:
    document: str
    variables: dict[str, Any]


Case = Callable[[GraphQLClient], Awaitable[Call]]
CASES: dict[str, Case] = {}


def case(name: str) -> Callable[[Case], Case]:
    def register(build: Case) -> Case:
        assert name not in CASES, name
        CASES[name] = build
        return build

    return register


@dataclass(frozen=True)
class Target:
    """A goal (the first of its indicators beside it) as a mutation names it."""

    id: str
    row_version: int
    indicator: str
    indicator_version: int

    def ids(self) -> dict[str, Any]:
        return {"id": self.id, "rowVersion": self.row_version}


async def goal(
    gql: GraphQLClient, status: GoalStatus, region: str = PREFECTURE, year: int = 2026, **extra: Any
) -> Target:
    async with gql.sessionmaker() as s:
        row = await make_goal(s, region_code=region, year=year, status=status)
        for key, value in extra.items():
            setattr(row, key, value)
        s.add(row)
        await s.flush()
        indicators = select(Indicator).where(Indicator.goal_id == row.id)
        first = (await s.exec(indicators.order_by(col(Indicator.sort_order)))).first()
        await s.commit()
        assert first is not None
        return Target(str(row.id), row.row_version, str(first.id), first.row_version)


def by_id(name: str) -> str:
    """A mutation taking (id, rowVersion)."""
    arguments = "id: $id, rowVersion: $rowVersion"
    return f"mutation($id: ID!, $rowVersion: Int!) {{ {name}({arguments}) {{ __typename }} }}"


def by_input(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}"


async def drafter(gql: GraphQLClient, region: str = PREFECTURE) -> None:
    await gql.login_as(ActorType.AGENCY, region, MED)


def step(name: str, status: GoalStatus, actor: ActorType, region: str = PREFECTURE, **extra: Any) -> Case:
    """A forward step of the workflow on a goal in `status`, by `actor` of the goal's region."""

    async def build(gql: GraphQLClient) -> Call:
        target = await goal(gql, status, region, **extra)
        administration = MED if actor in (ActorType.AGENCY, ActorType.MEDICAL_SECURITY) else None
        await gql.login_as(actor, region, administration)
        return Call(by_id(name), target.ids())

    return build


@case("goalSubmit")
async def goal_submit(gql: GraphQLClient) -> Call:
    await gql.login_as(ActorType.TAX, PREFECTURE)  # the tax department that concurred (Art. 7)
    return await step("goalSubmit", GoalStatus.DRAFT, ActorType.AGENCY, tax_concurred_revision=0)(gql)


CASES["goalPreliminaryReview"] = step(
    "goalPreliminaryReview", GoalStatus.SUBMITTED, ActorType.MEDICAL_SECURITY
)
CASES["goalReview"] = step("goalReview", GoalStatus.PRELIMINARY_REVIEWED, ActorType.FINANCE)
CASES["goalSubmitToNational"] = step("goalSubmitToNational", GoalStatus.REVIEWED, ActorType.FINANCE, PROVINCE)
CASES["goalIssueGuiding"] = step("goalIssueGuiding", GoalStatus.REVIEWED, ActorType.FINANCE, PROVINCE)
CASES["goalNationalApprove"] = step(
    "goalNationalApprove",
    GoalStatus.SUBMITTED_TO_NATIONAL,
    ActorType.NATIONAL,
    PROVINCE,
    national_submitted_at=datetime.now(UTC),
)
CASES["goalIssue"] = step("goalIssue", GoalStatus.REVIEWED, ActorType.FINANCE)
CASES["goalDelete"] = step("goalDelete", GoalStatus.DRAFT, ActorType.AGENCY)


@case("goalCreate")
async def goal_create(gql: GraphQLClient) -> Call:
    # Only the province-wide goal is created; a pooling region's comes from its decomposition (Art. 6).
    await drafter(gql, PROVINCE)
    fields = {"fundTypeCode": "EMPLOYEE_MEDICAL", "regionCode": PROVINCE, "horizon": "ANNUAL"}
    return Call(
        by_input("goalCreate", "GoalCreateInput"),
        {"input": {**fields, "startYear": 2030, "endYear": 2030, "title": "新目标"}},
    )


@case("goalUpdate")
async def goal_update(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.DRAFT)
    await drafter(gql)
    return Call(by_input("goalUpdate", "GoalUpdateInput"), {"input": {**target.ids(), "title": "改"}})


@case("goalReturn")
async def goal_return(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.SUBMITTED)
    await gql.login_as(ActorType.MEDICAL_SECURITY, PREFECTURE, MED)
    return Call(by_input("goalReturn", "GoalReasonInput"), {"input": {**target.ids(), "reason": "理由"}})


@case("goalAdjustmentRequest")
async def goal_adjustment_request(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.ISSUED)
    await drafter(gql)
    parts = dict.fromkeys(("whatChanged", "reason", "fundEffect", "targetEffect"), "评估")
    return Call(
        by_input("goalAdjustmentRequest", "GoalAdjustmentRequestInput"), {"input": {**target.ids(), **parts}}
    )


@case("goalTaxConcur")
async def goal_tax_concur(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.DRAFT)
    await gql.login_as(ActorType.TAX, PREFECTURE)
    return Call(by_input("goalTaxConcur", "GoalTaxConcurInput"), {"input": target.ids()})


@case("goalTaxObject")
async def goal_tax_object(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.DRAFT)
    await gql.login_as(ActorType.TAX, PREFECTURE)
    variables = {"input": {**target.ids(), "reason": "不同意"}}
    return Call(by_input("goalTaxObject", "GoalTaxObjectInput"), variables)


@case("goalDecompositionUpdate")
async def goal_decomposition_update(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.DRAFT, PROVINCE)
    await drafter(gql, PROVINCE)
    cell = {"indicatorId": target.indicator, "regionCode": PREFECTURE, "targetValue": "1"}
    return Call(
        by_input("goalDecompositionUpdate", "GoalDecompositionUpdateInput"),
        {"input": {"goalId": target.id, "rowVersion": target.row_version, "targets": [cell]}},
    )


@case("indicatorCreate")
async def indicator_create(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.DRAFT)
    await drafter(gql)
    fields = {"level1": "OUTPUT", "level2": "数量", "level3": "新指标", "kind": "QUANTITATIVE"}
    return Call(
        by_input("indicatorCreate", "IndicatorCreateInput"),
        {
            "input": {
                **fields,
                **{"goalId": target.id, "comparator": "GE", "targetValue": "1", "unit": "%", "weight": "5"},
            }
        },
    )


@case("indicatorUpdate")
async def indicator_update(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.DRAFT)
    await drafter(gql)
    change = {"id": target.indicator, "rowVersion": target.indicator_version, "weight": "20"}
    return Call(by_input("indicatorUpdate", "IndicatorUpdateInput"), {"input": change})


@case("indicatorDelete")
async def indicator_delete(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.DRAFT)
    await drafter(gql)
    return Call(by_id("indicatorDelete"), {"id": target.indicator, "rowVersion": target.indicator_version})


@case("indicatorAddFromTemplates")
async def indicator_add_from_templates(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.DRAFT)
    async with gql.sessionmaker() as s:
        template = (
            await s.exec(select(IndicatorTemplate.id).where(IndicatorTemplate.key == "COMMON:参保率"))
        ).one()
    await drafter(gql)
    picks = [{"templateId": str(template), "weight": "5"}]
    return Call(
        by_input("indicatorAddFromTemplates", "IndicatorAddFromTemplatesInput"),
        {"input": {"goalId": target.id, "rowVersion": target.row_version, "items": picks}},
    )


BUDGET_LINES = [
    {"item": "CONTRIBUTION", "initialAmount": "1000.00"},
    {"item": "BENEFITS", "initialAmount": "900"},
]


@case("budgetCreate")
async def budget_create(gql: GraphQLClient) -> Call:
    # Art. 7, 10: the pooling region's agency compiles the draft budget.
    await drafter(gql)
    fund = {"regionCode": PREFECTURE, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026}
    fields = {**fund, "lines": BUDGET_LINES}
    return Call(by_input("budgetCreate", "BudgetCreateInput"), {"input": fields})


@case("budgetUpdate")
async def budget_update(gql: GraphQLClient) -> Call:
    async with gql.sessionmaker() as s:
        budget = await make_budget(s, region_code=PREFECTURE)
        await s.commit()
    await drafter(gql)
    fields = {"id": str(budget.id), "rowVersion": budget.row_version, "lines": BUDGET_LINES}
    return Call(by_input("budgetUpdate", "BudgetUpdateInput"), {"input": fields})


@case("budgetApprove")
async def budget_approve(gql: GraphQLClient) -> Call:
    await goal(gql, GoalStatus.ISSUED)  # Art. 7: the goal in force comes first
    async with gql.sessionmaker() as s:
        budget = await make_budget(s, region_code=PREFECTURE)
        await s.commit()
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    return Call(by_id("budgetApprove"), {"id": str(budget.id), "rowVersion": budget.row_version})


@case("reportRequest")
async def report_request(gql: GraphQLClient) -> Call:
    target = await goal(gql, GoalStatus.ISSUED)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    variables = {"input": {"kind": "GOAL_TABLE", "goalId": target.id}}
    return Call(by_input("reportRequest", "ReportRequestInput"), variables)


@case("ruleSetUpdate")
async def rule_set_update(gql: GraphQLClient) -> Call:
    # Art. 23: a prefecture's finance department sets its own detailed rules.
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    values = [{"key": "LIGHT_RED_BELOW", "value": "55"}]
    variables = {"input": {"regionCode": PREFECTURE, "values": values}}
    return Call(by_input("ruleSetUpdate", "RuleSetUpdateInput"), variables)


@case("actualsRecord")
async def actuals_record(gql: GraphQLClient) -> Call:
    # Art. 13: the pooling region's agency enters what does not sum (the factory's indicators: NONE), for a
    # month that has ended.
    target = await goal(gql, GoalStatus.ISSUED, year=2025)
    await drafter(gql)
    rows = [{"indicatorId": target.indicator, "month": 1, "value": "50"}]
    return Call(by_input("actualsRecord", "ActualsRecordInput"), {"input": {"rows": rows}})


@case("executionRecord")
async def execution_record(gql: GraphQLClient) -> Call:
    # Art. 6: a county of a prefecture-pooled fund enters its own part of the approved budget's execution.
    async with gql.sessionmaker() as s:
        budget = await make_budget(s, region_code=PREFECTURE, year=2025, status=BudgetStatus.APPROVED)
        await s.commit()
    await drafter(gql, COUNTY)
    rows = [{"budgetId": str(budget.id), "item": "BENEFITS", "month": 1, "amount": "100"}]
    return Call(by_input("executionRecord", "ExecutionRecordInput"), {"input": {"rows": rows}})


# Administrators manage API tokens and webhooks.
SECRET = "whsec-0123456789abcdef"
PUBLIC_URL = "https://93.184.215.14/hook"  # a public address: never sent to within a test, needs no DNS


async def service_account(gql: GraphQLClient) -> User:
    user = await make_user(gql.sessionmaker, region_code=PREFECTURE)
    async with gql.sessionmaker() as s:
        row = await s.get_one(User, user.id)
        row.is_service_account = True
        s.add(row)
        await s.commit()
        return row


@case("apiTokenCreate")
async def api_token_create(gql: GraphQLClient) -> Call:
    account = await service_account(gql)
    await gql.login_as(is_admin=True)
    return Call(
        by_input("apiTokenCreate", "ApiTokenCreateInput"),
        {"input": {"name": "决算系统", "username": account.username}},
    )


@case("apiTokenRevoke")
async def api_token_revoke(gql: GraphQLClient) -> Call:
    account = await service_account(gql)
    admin = await gql.login_as(is_admin=True)
    async with gql.sessionmaker() as s:
        token = ApiToken(
            name="决算系统",
            user_id=account.id or 0,
            prefix="fp_abcdefg",
            token_hash="0" * 64,
            created_by_id=admin.id or 0,
        )
        s.add(token)
        await s.commit()
    return Call("mutation($id: ID!) { apiTokenRevoke(id: $id) { __typename } }", {"id": str(token.id)})


async def webhook(gql: GraphQLClient) -> Webhook:
    admin = await gql.login_as(is_admin=True)
    async with gql.sessionmaker() as s:
        hook = Webhook(
            name="决算系统",
            url=PUBLIC_URL,
            secret=SECRET,
            user_id=admin.id or 0,
            created_by_id=admin.id or 0,
        )
        s.add(hook)
        await s.commit()
        return hook


@case("webhookCreate")
async def webhook_create(gql: GraphQLClient) -> Call:
    admin = await gql.login_as(is_admin=True)
    fields = {"name": "决算系统", "url": PUBLIC_URL, "secret": SECRET, "username": admin.username}
    return Call(by_input("webhookCreate", "WebhookCreateInput"), {"input": fields})


@case("webhookUpdate")
async def webhook_update(gql: GraphQLClient) -> Call:
    hook = await webhook(gql)
    change = {"id": str(hook.id), "rowVersion": hook.row_version, "name": "预算系统"}
    return Call(by_input("webhookUpdate", "WebhookUpdateInput"), {"input": change})


@case("webhookDelete")
async def webhook_delete(gql: GraphQLClient) -> Call:
    hook = await webhook(gql)
    return Call(by_input("webhookDelete", "WebhookDeleteInput"), {"input": {"id": str(hook.id)}})


# In-year monitoring (Art. 13, 14): a period evaluated, a warning answered.
async def evaluated(gql: GraphQLClient) -> str:
    """成都's issued 2026 goal with a June actual far behind: evaluating June raises a warning."""
    agency = await make_actor(
        gql.sessionmaker, actor_type=ActorType.AGENCY, region_code=PREFECTURE, administration=MED
    )
    async with gql.sessionmaker() as s:
        row = await make_goal(s, region_code=PREFECTURE, status=GoalStatus.ISSUED)
        quantitative = select(Indicator).where(
            Indicator.goal_id == row.id, col(Indicator.target_value).is_not(None)
        )
        first = (await s.exec(quantitative.order_by(col(Indicator.sort_order)))).first()
        assert first is not None
        await make_actual(s, first, month=6, by=agency, value=Decimal(10))
        await s.commit()
    return PREFECTURE


EVALUATE = {"regionCode": PREFECTURE, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": 2026, "month": 6}


@case("monitoringEvaluate")
async def monitoring_evaluate(gql: GraphQLClient) -> Call:
    await evaluated(gql)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    return Call(by_input("monitoringEvaluate", "MonitoringEvaluateInput"), {"input": EVALUATE})


async def open_warning(gql: GraphQLClient) -> MonitoringWarning:
    await monitoring_evaluate(gql)
    await gql.data(by_input("monitoringEvaluate", "MonitoringEvaluateInput"), {"input": EVALUATE})
    async with gql.sessionmaker() as s:
        warning = (await s.exec(select(MonitoringWarning))).first()
    assert warning is not None
    return warning


def answer(name: str) -> Case:
    async def build(gql: GraphQLClient) -> Call:
        warning = await open_warning(gql)
        await drafter(gql)  # 成都's medical agency
        response = {
            "id": str(warning.id),
            "rowVersion": warning.row_version,
            "kind": "CORRECTION",
            "note": "纠偏",
        }
        return Call(by_input(name, "WarningRespondInput"), {"input": response})

    return build


CASES["warningRespond"] = answer("warningRespond")
CASES["warningResponseDraft"] = answer("warningResponseDraft")


# Self-evaluation (Art. 17, 18): 成都's 2025 employee medical goal was in force on 31 December 2025.
EVALUATED = 2025


async def self_evaluation(gql: GraphQLClient, status: SelfEvaluationStatus, **extra: Any) -> dict[str, Any]:
    """成都's self-evaluation of 2025 in `status`, its narrative written (no lines: nothing to explain)."""
    finance = await make_actor(gql.sessionmaker, actor_type=ActorType.FINANCE, region_code=PREFECTURE)
    async with gql.sessionmaker() as s:
        goal_row = await make_goal(s, region_code=PREFECTURE, year=EVALUATED, status=GoalStatus.ISSUED)
        row = SelfEvaluation(
            region_id=goal_row.region_id, fund_type_id=goal_row.fund_type_id, year=EVALUATED,
            goal_id=goal_row.id or 0, pooling_level=PoolingLevel.PREFECTURE, status=status,
            opener_organization_id=finance.organization_id, conclusion="结论", problems="问题",
            measures="措施", **extra,
        )  # fmt: skip
        s.add(row)
        await s.commit()
        return {"id": str(row.id), "rowVersion": row.row_version}


@case("selfEvaluationOpen")
async def self_evaluation_open(gql: GraphQLClient) -> Call:
    async with gql.sessionmaker() as s:
        await make_goal(s, region_code=PREFECTURE, year=EVALUATED, status=GoalStatus.ISSUED)
        await s.commit()
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    fields = {"regionCode": PREFECTURE, "fundTypeCode": "EMPLOYEE_MEDICAL", "year": EVALUATED}
    return Call(by_input("selfEvaluationOpen", "SelfEvaluationOpenInput"), {"input": fields})


@case("selfEvaluationUpdate")
async def self_evaluation_update(gql: GraphQLClient) -> Call:
    target = await self_evaluation(gql, SelfEvaluationStatus.DRAFT)
    await drafter(gql)
    change = {**target, "conclusion": "新结论"}
    return Call(by_input("selfEvaluationUpdate", "SelfEvaluationUpdateInput"), {"input": change})


@case("selfEvaluationTaxConcur")
async def self_evaluation_tax_concur(gql: GraphQLClient) -> Call:
    target = await self_evaluation(gql, SelfEvaluationStatus.DRAFT)
    await gql.login_as(ActorType.TAX, PREFECTURE)
    return Call(by_input("selfEvaluationTaxConcur", "SelfEvaluationTaxConcurInput"), {"input": target})


@case("selfEvaluationSubmit")
async def self_evaluation_submit(gql: GraphQLClient) -> Call:
    await gql.login_as(ActorType.TAX, PREFECTURE)  # the tax department that concurred (Art. 17)
    target = await self_evaluation(gql, SelfEvaluationStatus.DRAFT, tax_concurred_revision=0)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)  # 由财政部门牵头报: a prefecture-pooled fund
    return Call(by_id("selfEvaluationSubmit"), target)


@case("selfEvaluationAccept")
async def self_evaluation_accept(gql: GraphQLClient) -> Call:
    target = await self_evaluation(gql, SelfEvaluationStatus.SUBMITTED)
    await gql.login_as(ActorType.FINANCE, PROVINCE)  # 财政厅
    return Call(by_id("selfEvaluationAccept"), target)


@case("selfEvaluationReturn")
async def self_evaluation_return(gql: GraphQLClient) -> Call:
    target = await self_evaluation(gql, SelfEvaluationStatus.SUBMITTED)
    await gql.login_as(ActorType.MEDICAL_SECURITY, PROVINCE, MED)  # 省医保局
    back = {**target, "reason": "原因分析不充分"}
    return Call(by_input("selfEvaluationReturn", "SelfEvaluationReturnInput"), {"input": back})


# Assignments to third parties (Art. 17): 成都's finance entrusts its self-evaluation to a 事务所.
async def assigned(gql: GraphQLClient) -> tuple[dict[str, Any], int]:
    """成都's draft self-evaluation of 2025 and the third-party organization it is entrusted to."""
    target = await self_evaluation(gql, SelfEvaluationStatus.DRAFT)
    firm = await make_user(gql.sessionmaker, actor_type=ActorType.THIRD_PARTY, region_code=PROVINCE)
    return target, firm.organization_id


@case("assignmentCreate")
async def assignment_create(gql: GraphQLClient) -> Call:
    target, firm = await assigned(gql)
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    fields = {"subjectType": "SelfEvaluation", "subjectId": target["id"], "organizationId": str(firm),
              "startsOn": "2099-01-01", "endsOn": "2099-12-31"}  # fmt: skip
    return Call(by_input("assignmentCreate", "AssignmentCreateInput"), {"input": fields})


@case("assignmentEnd")
async def assignment_end(gql: GraphQLClient) -> Call:
    target, firm = await assigned(gql)
    finance = await make_user(gql.sessionmaker, actor_type=ActorType.FINANCE, region_code=PREFECTURE)
    async with gql.sessionmaker() as s:
        row = Assignment(
            subject_type="SelfEvaluation", subject_id=int(target["id"]), organization_id=firm,
            starts_at=datetime(2099, 1, 1, tzinfo=UTC), ends_at=datetime(2100, 1, 1, tzinfo=UTC),
            created_by_id=finance.id or 0,
        )  # fmt: skip
        s.add(row)
        await s.commit()
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    document = (
        "mutation($id: ID!, $reason: String!) { assignmentEnd(id: $id, reason: $reason) { __typename } }"
    )
    return Call(document, {"id": str(row.id), "reason": "合同终止"})


# The cases of the later domains register themselves, each in its own module; these imports stay last.
from tests.schema import (  # noqa: E402, F401
    mutation_cases_application,
    mutation_cases_assessment,
    mutation_cases_disclosure,
    mutation_cases_escalation,
    mutation_cases_feedback,
    mutation_cases_provincial,
    mutation_cases_rectification,
    mutation_cases_reports,
)
