"""Every mutation × every actor type × own region / other region / parent region.

The expectations below are written out by hand from DOMAIN.md §4–5 (not derived from the policy module):
an allowed call is not refused; a refused one changes nothing (and writes no event) and is a NotFoundError
when the caller may not even read the target (so a mutation reveals no more than a query), else a top-level
FORBIDDEN error.
"""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import (
    AssessmentRound,
    Assignment,
    AuditEvent,
    Disclosure,
    EscalationCase,
    EvaluationFeedback,
    EvaluationFeedbackRecipient,
    Event,
    FundBudget,
    Goal,
    GoalTransition,
    Indicator,
    IndicatorTemplate,
    MonitoringCompilationRecipient,
    Organization,
    RectificationEvidence,
    RectificationItem,
    Region,
    ResultApplication,
    User,
)
from src.models.enums import (
    ActorType,
    Administration,
    Aggregation,
    BudgetStatus,
    GoalStatus,
    PoolingLevel,
    RegionLevel,
)
from src.models.evaluation import SelfEvaluation, SelfEvaluationStatus, SelfEvaluationTransition
from src.models.monitoring import (
    BudgetExecution,
    CompilationStatus,
    IndicatorActual,
    Light,
    MonitoringCompilation,
    MonitoringReport,
    MonitoringReportStatus,
    MonitoringReportTransition,
    MonitoringWarning,
    WarningKind,
)
from src.models.provincial_evaluation import (
    ProvincialEvaluation,
    ProvincialEvaluationStatus,
    ProvincialEvaluationSummary,
    ProvincialEvaluationTransition,
)
from src.seed.reference import load_reference_data
from src.services.monitoring import clock
from tests.factories import fund_type_id, make_budget, make_goal, make_user, region_id
from tests.schema.conftest import GraphQLClient

HRSS, MED = Administration.HRSS, Administration.MEDICAL_SECURITY
ACTORS: dict[str, tuple[ActorType, Administration | None]] = {
    "FINANCE": (ActorType.FINANCE, None),
    "HRSS": (ActorType.HRSS, HRSS),
    "MEDICAL_SECURITY": (ActorType.MEDICAL_SECURITY, MED),
    "AGENCY_HRSS": (ActorType.AGENCY, HRSS),
    "AGENCY_MED": (ActorType.AGENCY, MED),
    "TAX": (ActorType.TAX, None),
    "NATIONAL": (ActorType.NATIONAL, None),
    "THIRD_PARTY": (ActorType.THIRD_PARTY, None),
}
# Where the acting organization sits relative to the target (a goal of the medical fund).
PREFECTURE_TARGET = {"own": "510100", "other": "511800", "parent": "510000"}
PROVINCE_TARGET = {"own": "510000", "other": "500000"}  # 500000: another province, added for this test
# Monitoring entries are also made below the pooling region: 锦江区, a county of 成都市, enters its own part.
ENTRY_TARGET = {**PREFECTURE_TARGET, "part": "510104"}


@dataclass(frozen=True)
class Case:
    """How to put a fresh target in place, and the mutation to try on it."""

    province: bool  # target at the province (else at a prefecture)
    build: Callable[[AsyncSession, str, int], Awaitable[dict[str, Any]]]
    mutation: str
    variables: Callable[[dict[str, Any]], dict[str, Any]]
    allowed: frozenset[tuple[str, str]]
    relations: dict[str, str] | None = None  # where the actors sit; by default PROVINCE_ or PREFECTURE_TARGET


Builder = Callable[[AsyncSession, str, int], Awaitable[dict[str, Any]]]


def only(*pairs: tuple[str, str]) -> frozenset[tuple[str, str]]:
    return frozenset(pairs)


async def goal_in(
    session: AsyncSession, region: str, year: int, status: GoalStatus, **extra: Any
) -> dict[str, Any]:
    goal = await make_goal(
        session, fund_code="EMPLOYEE_MEDICAL", region_code=region, year=year, status=status, indicators=4
    )
    for key, value in extra.items():
        setattr(goal, key, value)
    session.add(goal)
    await session.flush()
    # The first, quantitative (goalDecompositionUpdate needs one); unordered, PostgreSQL may return another.
    of_goal = select(Indicator).where(Indicator.goal_id == goal.id)
    indicator = (await session.exec(of_goal.order_by(col(Indicator.sort_order)))).first()
    assert indicator is not None
    return {
        "id": str(goal.id),
        "rowVersion": goal.row_version,
        "indicator": str(indicator.id),
        "indicatorVersion": indicator.row_version,
        "year": year,
        "region": region,
        "status": status,
    }


def status(s: GoalStatus, **extra: Any) -> Callable[[AsyncSession, str, int], Awaitable[dict[str, Any]]]:
    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        return await goal_in(session, region, year, s, **extra)

    return build


async def nothing(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    return {"year": year, "region": region}


async def budget_with_issued_goal(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    await goal_in(session, region, year, GoalStatus.ISSUED)
    budget = await make_budget(session, fund_code="EMPLOYEE_MEDICAL", region_code=region, year=year)
    return {"id": str(budget.id), "rowVersion": budget.row_version, "status": "BUDGET"}


async def template_id(session: AsyncSession) -> int:
    template = (
        await session.exec(select(IndicatorTemplate).where(IndicatorTemplate.key == "COMMON:参保率"))
    ).one()
    assert template.id is not None
    return template.id


def ids(t: dict[str, Any]) -> dict[str, Any]:
    return {"id": t["id"], "rowVersion": t["rowVersion"]}


def reason(t: dict[str, Any]) -> dict[str, Any]:
    return {"input": {**ids(t), "reason": "理由"}}


TRANSITION = (
    "mutation($id: ID!, $rowVersion: Int!) {{ {0}(id: $id, rowVersion: $rowVersion) {{ __typename }} }}"
)
REASONED = "mutation($input: GoalReasonInput!) {{ {0}(input: $input) {{ __typename }} }}"
DRAFTER = only(("AGENCY_MED", "own"))
REVIEWER = only(("MEDICAL_SECURITY", "own"))
FIN = only(("FINANCE", "own"))

ADJUSTERS = only(("AGENCY_MED", "own"), ("MEDICAL_SECURITY", "own"), ("FINANCE", "own"))
TAX = only(("TAX", "own"))


def assessment(t: dict[str, Any]) -> dict[str, Any]:
    parts = ("whatChanged", "reason", "fundEffect", "targetEffect")
    return {"input": {**ids(t), **dict.fromkeys(parts, "评估")}}


def rules(t: dict[str, Any]) -> dict[str, Any]:
    return {"input": {"regionCode": t["region"], "values": [{"key": "LIGHT_RED_BELOW", "value": "55"}]}}


# Who reads an issued medical-fund goal of a prefecture (README "Who may do what"): its region and the
# regions above it, bodies of the medical administration only among the bound ones, and NATIONAL anywhere.
READERS = only(
    *(
        (key, relation)
        for key in ("FINANCE", "MEDICAL_SECURITY", "AGENCY_MED", "TAX")
        for relation in ("own", "parent")
    ),
    ("NATIONAL", "own"),
    ("NATIONAL", "other"),
    ("NATIONAL", "parent"),
)
RULES = "mutation($input: RuleSetUpdateInput!) { ruleSetUpdate(input: $input) { __typename } }"


async def issued_goal(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    """An issued goal to evaluate: the evaluation names a region and a fund (reference data), no record."""
    await goal_in(session, region, year, GoalStatus.ISSUED)
    return {"year": year, "region": region}


async def open_warning(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    """An open indicator warning of the region's issued goal (Art. 14), as evaluation raises it."""
    goal = await goal_in(session, region, year, GoalStatus.ISSUED)
    row = (await session.exec(select(Goal).where(Goal.id == int(goal["id"])))).one()
    warning = MonitoringWarning(
        key=f"INDICATOR:test:{row.id}:{year}-06", kind=WarningKind.INDICATOR, region_id=row.region_id,
        fund_type_id=row.fund_type_id, goal_id=row.id or 0, year=year, month=6, light=Light.RED,
    )  # fmt: skip
    session.add(warning)
    await session.flush()
    return {"id": str(warning.id), "rowVersion": warning.row_version, "status": "OPEN"}


def respond(t: dict[str, Any]) -> dict[str, Any]:
    return {"input": {**ids(t), "kind": "CORRECTION", "note": "纠偏"}}


def evaluate(t: dict[str, Any]) -> dict[str, Any]:
    fund = {"regionCode": t["region"], "fundTypeCode": "EMPLOYEE_MEDICAL"}
    return {"input": {**fund, "year": t["year"], "month": 6}}


def in_force(aggregation: Aggregation) -> Callable[[AsyncSession, str, int], Awaitable[dict[str, Any]]]:
    """An issued goal whose first indicator (quantitative, %) sums (SUM: entered by the parts) or not (NONE:
    by the pooling region itself, Art. 6)."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        target = await goal_in(session, region, year, GoalStatus.ISSUED)
        indicator = await session.get(Indicator, int(target["indicator"]))
        assert indicator is not None
        indicator.aggregation = aggregation
        session.add(indicator)
        return target

    return build


async def draft_budget(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    budget = await make_budget(session, fund_code="EMPLOYEE_MEDICAL", region_code=region, year=year)
    return {"id": str(budget.id), "rowVersion": budget.row_version, "status": "BUDGET"}


BUDGET_LINES = [{"item": "BENEFITS", "initialAmount": "100.00"}]


def new_budget(t: dict[str, Any]) -> dict[str, Any]:
    fund = {"regionCode": t["region"], "fundTypeCode": "EMPLOYEE_MEDICAL", "year": t["year"]}
    return {"input": {**fund, "lines": BUDGET_LINES}}


async def approved_budget(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    budget = await make_budget(
        session, fund_code="EMPLOYEE_MEDICAL", region_code=region, year=year, status=BudgetStatus.APPROVED
    )
    return {"id": str(budget.id), "rowVersion": budget.row_version, "status": "BUDGET"}


def actual(t: dict[str, Any]) -> dict[str, Any]:
    return {"input": {"rows": [{"indicatorId": t["indicator"], "month": 1, "value": "50"}]}}


def execution(item: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda t: {"input": {"rows": [{"budgetId": t["id"], "item": item, "month": 1, "amount": "1"}]}}


async def organization_of(session: AsyncSession, region: str, actor_type: ActorType) -> int:
    """The first organization of the type in the region (the matrix made one of each for its users)."""
    stmt = select(Organization.id).join(Region, col(Region.id) == Organization.region_id)
    stmt = stmt.where(Region.code == region, Organization.actor_type == actor_type)
    found = (await session.exec(stmt.order_by(col(Organization.id)))).first()
    assert found is not None
    return found


def report_in(status: MonitoringReportStatus, month: int = 6) -> Builder:
    """The region's employee medical report of 1-`month`月 in `status` on its goal in force, its narrative
    written and concurred with by its tax department (Art. 13)."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        goal = await goal_in(session, region, year, GoalStatus.ISSUED)
        row = (await session.exec(select(Goal).where(Goal.id == int(goal["id"])))).one()
        report = MonitoringReport(
            region_id=row.region_id, fund_type_id=row.fund_type_id, year=year, month=month, status=status,
            progress="进展", problems="问题", measures="措施", content_revision=1, tax_concurred_revision=1,
            drafter_organization_id=await organization_of(session, region, ActorType.AGENCY),
        )  # fmt: skip
        session.add(report)
        await session.flush()
        return {"id": str(report.id), "rowVersion": report.row_version, "status": status.value}

    return build


def compilation_in(status: CompilationStatus) -> Builder:
    """The prefecture's compilation of `year` in `status`, complete, with its accepted year-end report to
    compile; a sent one addressed to the four provincial bodies (Art. 13). Addressed to both
    administrations (scope.py): the HRSS bodies read it too."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        await report_in(MonitoringReportStatus.ACCEPTED, 12)(session, region, year)
        compilation = MonitoringCompilation(
            region_id=await region_id(session, region), year=year,
            status=status, summary="总体", problems="问题", measures="措施",
            organization_id=await organization_of(session, region, ActorType.FINANCE),
        )  # fmt: skip
        session.add(compilation)
        await session.flush()
        if status == CompilationStatus.SENT:
            for actor_type in (ActorType.FINANCE, ActorType.HRSS, ActorType.MEDICAL_SECURITY, ActorType.TAX):
                organization = await organization_of(session, "510000", actor_type)
                session.add(
                    MonitoringCompilationRecipient(
                        compilation_id=compilation.id or 0, organization_id=organization
                    )
                )
        state = "DRAFT" if status == CompilationStatus.DRAFT else "SENT"
        return {
            "id": str(compilation.id),
            "rowVersion": compilation.row_version,
            "status": state,
            "both": True,
        }

    return build


def report_input(**fields: str) -> Callable[[dict[str, Any]], dict[str, Any]]:
    return lambda t: {"input": {**ids(t), **fields}}


def by_input(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ __typename }} }}"


ACKNOWLEDGE = "mutation($id: ID!) { monitoringCompilationAcknowledge(id: $id) { __typename } }"
ACCEPTORS = only(("FINANCE", "own"), ("MEDICAL_SECURITY", "own"))
PROVINCIAL_BODIES = only(
    ("FINANCE", "parent"), ("HRSS", "parent"), ("MEDICAL_SECURITY", "parent"), ("TAX", "parent")
)
R_DRAFT, R_SUBMITTED = MonitoringReportStatus.DRAFT, MonitoringReportStatus.SUBMITTED
C_DRAFT, C_SENT = CompilationStatus.DRAFT, CompilationStatus.SENT


def self_evaluation(
    s: SelfEvaluationStatus, **extra: Any
) -> Callable[[AsyncSession, str, int], Awaitable[dict[str, Any]]]:
    """The region's self-evaluation of `year` in `s`, on its issued goal, its narrative written."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        target = await goal_in(session, region, year, GoalStatus.ISSUED)
        goal = await session.get_one(Goal, int(target["id"]))
        finance = select(Organization.id).join(Region, col(Region.id) == Organization.region_id)
        opener = (
            await session.exec(
                finance.where(Region.code == region, Organization.actor_type == ActorType.FINANCE)
            )
        ).first()
        row = SelfEvaluation(
            region_id=goal.region_id, fund_type_id=goal.fund_type_id, year=year, goal_id=goal.id or 0,
            pooling_level=PoolingLevel.PREFECTURE, status=s, opener_organization_id=opener or 0,
            conclusion="结论", problems="问题", measures="措施", **extra,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        return {"id": str(row.id), "rowVersion": row.row_version, "status": s.value}

    return build


def open_evaluation(t: dict[str, Any]) -> dict[str, Any]:
    return {"input": {"regionCode": t["region"], "fundTypeCode": "EMPLOYEE_MEDICAL", "year": t["year"]}}


EVALUATION_INPUT = "mutation($input: {1}!) {{ {0}(input: $input) {{ __typename }} }}"
RECIPIENTS = only(("FINANCE", "parent"), ("MEDICAL_SECURITY", "parent"))
PROVINCE_RECIPIENTS = only(("FINANCE", "own"), ("MEDICAL_SECURITY", "own"))
CONCURRED = self_evaluation(SelfEvaluationStatus.DRAFT, tax_concurred_revision=0)
SENT = self_evaluation(SelfEvaluationStatus.SUBMITTED)
ACTUALS = "mutation($input: ActualsRecordInput!) { actualsRecord(input: $input) { __typename } }"


def assignment_of(assigned: bool = False) -> Builder:
    """A draft self-evaluation (the record), a third-party organization and, if `assigned`, an assignment
    of the record to it in 2099."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        target = await self_evaluation(SelfEvaluationStatus.DRAFT)(session, region, year)
        third = select(Organization.id).where(Organization.actor_type == ActorType.THIRD_PARTY)
        firm = (await session.exec(third.order_by(col(Organization.id)))).first()
        target["firm"] = str(firm)
        if assigned:
            row = Assignment(
                subject_type="SelfEvaluation", subject_id=int(target["id"]), organization_id=firm or 0,
                starts_at=datetime(2099, 1, 1, tzinfo=UTC), ends_at=datetime(2100, 1, 1, tzinfo=UTC),
                created_by_id=await any_user(session),
            )  # fmt: skip
            session.add(row)
            await session.flush()
            target["assignment"] = str(row.id)
        return target

    return build


async def any_user(session: AsyncSession) -> int:
    user = (await session.exec(select(User.id).order_by(col(User.id)))).first()
    assert user is not None
    return user


def assign(t: dict[str, Any]) -> dict[str, Any]:
    fields = {"subjectType": "SelfEvaluation", "subjectId": t["id"], "organizationId": t["firm"],
              "startsOn": "2099-01-01", "endsOn": "2099-12-31"}  # fmt: skip
    return {"input": fields}


END_ASSIGNMENT = (
    "mutation($id: ID!, $reason: String!) { assignmentEnd(id: $id, reason: $reason) { __typename } }"
)
EXECUTIONS = "mutation($input: ExecutionRecordInput!) { executionRecord(input: $input) { __typename } }"
PART_AGENCY = only(("AGENCY_MED", "part"))


def provincial(
    s: ProvincialEvaluationStatus, **extra: Any
) -> Callable[[AsyncSession, str, int], Awaitable[dict[str, Any]]]:
    """The province's evaluation of the medical fund of `year` in `s`, its narrative written."""

    async def build(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
        row = ProvincialEvaluation(
            region_id=await region_id(session, region),
            fund_type_id=await fund_type_id(session, "EMPLOYEE_MEDICAL"),
            year=year, pooling_level=PoolingLevel.PREFECTURE, status=s,
            opener_organization_id=await organization_of(session, region, ActorType.FINANCE),
            overview="概况", work="工作", conclusion="结论", analysis="分析", problems="问题",
            suggestions="建议", **extra,
        )  # fmt: skip
        session.add(row)
        await session.flush()
        return {"id": str(row.id), "rowVersion": row.row_version, "status": s.value}

    return build


async def provincial_summary(session: AsyncSession, region: str, year: int) -> dict[str, Any]:
    """财政厅's draft summary of `year`, written, with the medical fund's evaluation approved. Addressed to
    both administrations."""
    await provincial(ProvincialEvaluationStatus.APPROVED)(session, region, year)
    row = ProvincialEvaluationSummary(
        region_id=await region_id(session, region), year=year,
        organization_id=await organization_of(session, region, ActorType.FINANCE),
        overview="总体", problems="问题", next_steps="下一步",
    )  # fmt: skip
    session.add(row)
    await session.flush()
    return {"id": str(row.id), "rowVersion": row.row_version, "status": "DRAFT", "both": True}


def open_provincial(t: dict[str, Any]) -> dict[str, Any]:
    return {"input": {"regionCode": t["region"], "fundTypeCode": "EMPLOYEE_MEDICAL", "year": t["year"]}}


P_DRAFT, P_SUBMITTED = ProvincialEvaluationStatus.DRAFT, ProvincialEvaluationStatus.SUBMITTED

CASES: dict[str, Case] = {
    # Only the province-wide goal is created; a pooling region's comes from its decomposition (Art. 6).
    "goalCreate": Case(
        True,
        nothing,
        "mutation($input: GoalCreateInput!) { goalCreate(input: $input) { __typename } }",
        lambda t: {
            "input": {
                "fundTypeCode": "EMPLOYEE_MEDICAL",
                "regionCode": t["region"],
                "horizon": "ANNUAL",
                "startYear": t["year"],
                "endYear": t["year"],
                "title": "新目标",
            }
        },
        DRAFTER,
    ),
    "goalUpdate": Case(
        False,
        status(GoalStatus.DRAFT),
        "mutation($input: GoalUpdateInput!) { goalUpdate(input: $input) { __typename } }",
        lambda t: {"input": {**ids(t), "title": "改"}},
        DRAFTER,
    ),
    "goalDelete": Case(False, status(GoalStatus.RETURNED), TRANSITION.format("goalDelete"), ids, DRAFTER),
    "goalSubmit": Case(
        False,
        status(GoalStatus.DRAFT, tax_concurred_revision=0),
        TRANSITION.format("goalSubmit"),
        ids,
        DRAFTER,
    ),
    "goalTaxConcur": Case(
        False,
        status(GoalStatus.DRAFT),
        "mutation($input: GoalTaxConcurInput!) { goalTaxConcur(input: $input) { __typename } }",
        lambda t: {"input": ids(t)},
        TAX,
    ),
    "goalTaxObject": Case(
        True,
        status(GoalStatus.DRAFT),
        "mutation($input: GoalTaxObjectInput!) { goalTaxObject(input: $input) { __typename } }",
        reason,
        TAX,
    ),
    "goalDecompositionUpdate": Case(
        True,
        status(GoalStatus.DRAFT),
        """mutation($input: GoalDecompositionUpdateInput!) {
             goalDecompositionUpdate(input: $input) { __typename } }""",
        lambda t: {
            "input": {
                **{"goalId": t["id"], "rowVersion": t["rowVersion"]},
                "targets": [{"indicatorId": t["indicator"], "regionCode": "510100", "targetValue": "1"}],
            }
        },
        DRAFTER,
    ),
    "goalPreliminaryReview": Case(
        False, status(GoalStatus.SUBMITTED), TRANSITION.format("goalPreliminaryReview"), ids, REVIEWER
    ),
    "goalReview": Case(
        False, status(GoalStatus.PRELIMINARY_REVIEWED), TRANSITION.format("goalReview"), ids, FIN
    ),
    "goalIssue": Case(False, status(GoalStatus.REVIEWED), TRANSITION.format("goalIssue"), ids, FIN),
    "goalReturn": Case(False, status(GoalStatus.SUBMITTED), REASONED.format("goalReturn"), reason, REVIEWER),
    "goalReturnByFinance": Case(
        False, status(GoalStatus.PRELIMINARY_REVIEWED), REASONED.format("goalReturn"), reason, FIN
    ),
    "goalAdjustmentRequest": Case(
        False,
        status(GoalStatus.ISSUED),
        """mutation($input: GoalAdjustmentRequestInput!) {
             goalAdjustmentRequest(input: $input) { __typename } }""",
        assessment,
        ADJUSTERS,
    ),
    "goalSubmitToNational": Case(
        True, status(GoalStatus.REVIEWED), TRANSITION.format("goalSubmitToNational"), ids, FIN
    ),
    "goalIssueGuiding": Case(
        True, status(GoalStatus.REVIEWED), TRANSITION.format("goalIssueGuiding"), ids, FIN
    ),
    # The national departments review the province's goals wherever their organization is registered.
    "goalNationalApprove": Case(
        True,
        status(GoalStatus.SUBMITTED_TO_NATIONAL, national_submitted_at=datetime.now(UTC)),
        TRANSITION.format("goalNationalApprove"),
        ids,
        only(("NATIONAL", "own"), ("NATIONAL", "other")),
    ),
    "goalReturnByNational": Case(
        True,
        status(GoalStatus.SUBMITTED_TO_NATIONAL, national_submitted_at=datetime.now(UTC)),
        REASONED.format("goalReturn"),
        reason,
        only(("NATIONAL", "own"), ("NATIONAL", "other")),
    ),
    "goalIssueProvince": Case(
        True, status(GoalStatus.NATIONAL_APPROVED), TRANSITION.format("goalIssue"), ids, FIN
    ),
    "indicatorCreate": Case(
        False,
        status(GoalStatus.DRAFT),
        "mutation($input: IndicatorCreateInput!) { indicatorCreate(input: $input) { __typename } }",
        lambda t: {
            "input": {
                "goalId": t["id"],
                "level1": "OUTPUT",
                "level2": "数量",
                "level3": "新指标",
                "kind": "QUANTITATIVE",
                "comparator": "GE",
                "targetValue": "1",
                "unit": "%",
                "weight": "5",
            }
        },
        DRAFTER,
    ),
    "indicatorUpdate": Case(
        False,
        status(GoalStatus.DRAFT),
        "mutation($input: IndicatorUpdateInput!) { indicatorUpdate(input: $input) { __typename } }",
        lambda t: {"input": {"id": t["indicator"], "rowVersion": t["indicatorVersion"], "weight": "20"}},
        DRAFTER,
    ),
    "indicatorDelete": Case(
        False,
        status(GoalStatus.DRAFT),
        TRANSITION.format("indicatorDelete"),
        lambda t: {"id": t["indicator"], "rowVersion": t["indicatorVersion"]},
        DRAFTER,
    ),
    "indicatorAddFromTemplates": Case(
        False,
        status(GoalStatus.DRAFT),
        """mutation($input: IndicatorAddFromTemplatesInput!) {
             indicatorAddFromTemplates(input: $input) { __typename } }""",
        lambda t: {
            "input": {
                **{"goalId": t["id"], "rowVersion": t["rowVersion"]},
                "items": [{"templateId": str(t["template"]), "weight": "5"}],
            }
        },
        DRAFTER,
    ),
    # Art. 7, 10: the pooling region's agency compiles the draft budget, its finance approves it.
    "budgetCreate": Case(
        False,
        nothing,
        "mutation($input: BudgetCreateInput!) { budgetCreate(input: $input) { __typename } }",
        new_budget,
        DRAFTER,
    ),
    "budgetUpdate": Case(
        False,
        draft_budget,
        "mutation($input: BudgetUpdateInput!) { budgetUpdate(input: $input) { __typename } }",
        lambda t: {"input": {**ids(t), "lines": BUDGET_LINES}},
        DRAFTER,
    ),
    "budgetApprove": Case(False, budget_with_issued_goal, TRANSITION.format("budgetApprove"), ids, FIN),
    # A document of a goal: whoever may read the goal may have it rendered (a READ token may not: a write).
    "reportRequest": Case(
        False,
        status(GoalStatus.ISSUED),
        """mutation($input: ReportRequestInput!) { reportRequest(input: $input) { __typename } }""",
        lambda t: {"input": {"kind": "GOAL_TABLE", "goalId": t["id"]}},
        READERS,
    ),
    # Art. 23: each prefecture's finance sets its own detailed rules; the province's finance the province's.
    "ruleSetUpdate": Case(False, nothing, RULES, rules, FIN),
    "ruleSetUpdateProvince": Case(True, nothing, RULES, rules, FIN),
    # Art. 13: 统筹地区财政部门、社会保险行政部门组织开展 the comparison; Art. 14: its bodies answer.
    "monitoringEvaluate": Case(
        False,
        issued_goal,
        "mutation($input: MonitoringEvaluateInput!) { monitoringEvaluate(input: $input) { __typename } }",
        evaluate,
        only(("FINANCE", "own"), ("MEDICAL_SECURITY", "own")),
    ),
    "warningRespond": Case(
        False,
        open_warning,
        "mutation($input: WarningRespondInput!) { warningRespond(input: $input) { __typename } }",
        respond,
        ADJUSTERS,
    ),
    "warningResponseDraft": Case(
        False,
        open_warning,
        "mutation($input: WarningRespondInput!) { warningResponseDraft(input: $input) { __typename } }",
        respond,
        ADJUSTERS,
    ),
    # Art. 13: the agency of the pooling region enters what does not sum; Art. 6: what sums is entered by
    # its parts (the counties of a prefecture-pooled fund), never by the pooling region itself.
    "actualsRecord": Case(False, in_force(Aggregation.NONE), ACTUALS, actual, DRAFTER, ENTRY_TARGET),
    "actualsRecordPart": Case(False, in_force(Aggregation.SUM), ACTUALS, actual, PART_AGENCY, ENTRY_TARGET),
    "executionRecord": Case(
        False, approved_budget, EXECUTIONS, execution("BENEFITS"), PART_AGENCY, ENTRY_TARGET
    ),
    # Art. 5: the tax department, which collects the contributions, also enters their line.
    "executionRecordContribution": Case(
        False,
        approved_budget,
        EXECUTIONS,
        execution("CONTRIBUTION"),
        only(("AGENCY_MED", "part"), ("TAX", "part")),
        ENTRY_TARGET,
    ),
    # Art. 13: the pooling region's agency drafts the report 商税务部门 (its tax department concurs), its
    # finance and supervising administration accept or return it.
    "monitoringReportCreate": Case(
        False,
        issued_goal,
        by_input("monitoringReportCreate", "MonitoringReportCreateInput"),
        lambda t: {"input": {**evaluate(t)["input"], "progress": "进展"}},
        DRAFTER,
    ),
    "monitoringReportUpdate": Case(
        False,
        report_in(R_DRAFT),
        by_input("monitoringReportUpdate", "MonitoringReportUpdateInput"),
        report_input(progress="改"),
        DRAFTER,
    ),
    "monitoringReportTaxConcur": Case(
        False,
        report_in(R_DRAFT),
        by_input("monitoringReportTaxConcur", "MonitoringReportTaxConcurInput"),
        report_input(opinion="同意"),
        TAX,
    ),
    "monitoringReportSubmit": Case(
        False, report_in(R_DRAFT), TRANSITION.format("monitoringReportSubmit"), ids, DRAFTER
    ),
    "monitoringReportAccept": Case(
        False, report_in(R_SUBMITTED), TRANSITION.format("monitoringReportAccept"), ids, ACCEPTORS
    ),
    "monitoringReportReturn": Case(
        False,
        report_in(R_SUBMITTED),
        by_input("monitoringReportReturn", "MonitoringReportReturnInput"),
        report_input(reason="理由"),
        ACCEPTORS,
    ),
    # Art. 13: each prefecture's finance compiles its area's year-end reports and sends them to 财政厅、
    # 人社厅、省医保局、省税务局, each of which acknowledges them.
    "monitoringCompilationCreate": Case(
        False,
        nothing,
        by_input("monitoringCompilationCreate", "MonitoringCompilationCreateInput"),
        lambda t: {"input": {"regionCode": t["region"], "year": t["year"], "summary": "总体"}},
        FIN,
    ),
    "monitoringCompilationUpdate": Case(
        False,
        compilation_in(C_DRAFT),
        by_input("monitoringCompilationUpdate", "MonitoringCompilationUpdateInput"),
        report_input(summary="改"),
        FIN,
    ),
    "monitoringCompilationSend": Case(
        False,
        compilation_in(C_DRAFT),
        TRANSITION.format("monitoringCompilationSend"),
        ids,
        FIN,
    ),
    "monitoringCompilationAcknowledge": Case(
        False,
        compilation_in(CompilationStatus.SENT),
        ACKNOWLEDGE,
        lambda t: {"id": t["id"]},
        PROVINCIAL_BODIES,
    ),
    # Art. 17: the pooling region's finance opens it, its agency fills it in with its tax department; a
    # prefecture's finance sends it (牵头报), the provincial agency reports a fund pooled at the province;
    # 财政厅 and the fund's administration (省医保局 here) accept or return it.
    "selfEvaluationOpen": Case(
        False,
        issued_goal,
        EVALUATION_INPUT.format("selfEvaluationOpen", "SelfEvaluationOpenInput"),
        open_evaluation,
        FIN,
    ),
    "selfEvaluationUpdate": Case(
        False,
        self_evaluation(SelfEvaluationStatus.DRAFT),
        EVALUATION_INPUT.format("selfEvaluationUpdate", "SelfEvaluationUpdateInput"),
        lambda t: {"input": {**ids(t), "conclusion": "新结论"}},
        DRAFTER,
    ),
    "selfEvaluationTaxConcur": Case(
        False,
        self_evaluation(SelfEvaluationStatus.DRAFT),
        EVALUATION_INPUT.format("selfEvaluationTaxConcur", "SelfEvaluationTaxConcurInput"),
        lambda t: {"input": ids(t)},
        TAX,
    ),
    "selfEvaluationSubmit": Case(False, CONCURRED, TRANSITION.format("selfEvaluationSubmit"), ids, FIN),
    "selfEvaluationSubmitProvince": Case(
        True, CONCURRED, TRANSITION.format("selfEvaluationSubmit"), ids, DRAFTER
    ),
    "selfEvaluationAccept": Case(False, SENT, TRANSITION.format("selfEvaluationAccept"), ids, RECIPIENTS),
    "selfEvaluationAcceptProvince": Case(
        True, SENT, TRANSITION.format("selfEvaluationAccept"), ids, PROVINCE_RECIPIENTS
    ),
    "selfEvaluationReturn": Case(
        False,
        SENT,
        EVALUATION_INPUT.format("selfEvaluationReturn", "SelfEvaluationReturnInput"),
        reason,
        RECIPIENTS,
    ),
    # Art. 17 委托第三方具体实施: the finance body of the record's own region assigns it and ends that.
    "assignmentCreate": Case(
        False, assignment_of(), by_input("assignmentCreate", "AssignmentCreateInput"), assign, FIN
    ),
    "assignmentEnd": Case(
        False,
        assignment_of(assigned=True),
        END_ASSIGNMENT,
        lambda t: {"id": t["assignment"], "reason": "合同终止"},
        FIN,
    ),
    # Art. 17: 财政厅 leads (opens, approves or returns, compiles and sends the summary); the provincial
    # agency of the fund's administration writes and sends the report with 省税务局; 省医保局 guides (reads).
    "provincialEvaluationOpen": Case(
        True,
        nothing,
        EVALUATION_INPUT.format("provincialEvaluationOpen", "ProvincialEvaluationOpenInput"),
        open_provincial,
        FIN,
    ),
    "provincialEvaluationUpdate": Case(
        True,
        provincial(P_DRAFT),
        EVALUATION_INPUT.format("provincialEvaluationUpdate", "ProvincialEvaluationUpdateInput"),
        lambda t: {"input": {**ids(t), "analysis": "新分析"}},
        DRAFTER,
    ),
    "provincialEvaluationTaxConcur": Case(
        True,
        provincial(P_DRAFT),
        EVALUATION_INPUT.format("provincialEvaluationTaxConcur", "ProvincialEvaluationTaxConcurInput"),
        lambda t: {"input": ids(t)},
        TAX,
    ),
    "provincialEvaluationSubmit": Case(
        True,
        provincial(P_DRAFT, tax_concurred_revision=0),
        TRANSITION.format("provincialEvaluationSubmit"),
        ids,
        DRAFTER,
    ),
    "provincialEvaluationApprove": Case(
        True, provincial(P_SUBMITTED), TRANSITION.format("provincialEvaluationApprove"), ids, FIN
    ),
    "provincialEvaluationReturn": Case(
        True,
        provincial(P_SUBMITTED),
        EVALUATION_INPUT.format("provincialEvaluationReturn", "ProvincialEvaluationReturnInput"),
        reason,
        FIN,
    ),
    "provincialEvaluationSummaryCreate": Case(
        True,
        nothing,
        EVALUATION_INPUT.format(
            "provincialEvaluationSummaryCreate", "ProvincialEvaluationSummaryCreateInput"
        ),
        lambda t: {"input": {"regionCode": t["region"], "year": t["year"]}},
        FIN,
    ),
    "provincialEvaluationSummaryUpdate": Case(
        True,
        provincial_summary,
        EVALUATION_INPUT.format(
            "provincialEvaluationSummaryUpdate", "ProvincialEvaluationSummaryUpdateInput"
        ),
        lambda t: {"input": {**ids(t), "nextSteps": "强化结果应用"}},
        FIN,
    ),
    "provincialEvaluationSummarySend": Case(
        True, provincial_summary, TRANSITION.format("provincialEvaluationSummarySend"), ids, FIN
    ),
}
# The evaluation feedback's rows (Art. 19) are in their own module.
from tests.schema.matrix_feedback import FEEDBACK_CASES  # noqa: E402

CASES.update(FEEDBACK_CASES)
# The rectification items' (Art. 20) too.
from tests.schema.matrix_rectification import RECTIFICATION_CASES  # noqa: E402

CASES.update(RECTIFICATION_CASES)
# The result application's (Art. 20) too.
from tests.schema.matrix_application import APPLICATION_CASES  # noqa: E402

CASES.update(APPLICATION_CASES)
from tests.schema.matrix_disclosure import DISCLOSURE_CASES  # noqa: E402

CASES.update(DISCLOSURE_CASES)
# The 两书一函's rows (Art. 22) too.
from tests.schema.matrix_escalation import ESCALATION_CASES  # noqa: E402

CASES.update(ESCALATION_CASES)
# The assessment's (Art. 22) too.
from tests.schema.matrix_assessment import ASSESSMENT_CASES  # noqa: E402

CASES.update(ASSESSMENT_CASES)


def sees(key: str, relation: str, target: dict[str, Any]) -> bool:
    """Whether the actor may read the target (README "Who may do what"); the target is a medical fund's."""
    status = target.get("status")
    if status is None:
        return True  # nothing exists yet (goalCreate): there is nothing to hide
    if key == "THIRD_PARTY":
        return False  # sees only what an evaluation assigns to it
    if target.get("escalationDraft") or target.get("assessmentDraft"):
        # A 两书一函 case before its first letter and a draft assessment round (Art. 22) sit at the
        # province, for both administrations: the province's bodies see them, not the national departments.
        return relation == "own" and key != "NATIONAL"
    if target.get("provinceOnly"):
        # A feedback's draft (Art. 19) sits at the province: its medical-fund bodies see it, nobody else.
        return relation == "own" and key not in ("HRSS", "AGENCY_HRSS", "NATIONAL")
    if key == "NATIONAL":
        return status == "BUDGET" or status not in (GoalStatus.DRAFT, GoalStatus.RETURNED)
    if target.get("both"):
        return relation != "other"  # a compilation: addressed to both administrations
    return key not in ("HRSS", "AGENCY_HRSS") and relation != "other"


async def fingerprint(session: AsyncSession) -> tuple[Any, ...]:
    """Enough of the database to see any change a mutation could make."""
    parts: list[Any] = []
    versioned = (
        IndicatorActual, BudgetExecution, MonitoringReport, MonitoringCompilation, SelfEvaluation,
        ProvincialEvaluation, ProvincialEvaluationSummary, EvaluationFeedback, RectificationItem,
        ResultApplication, EscalationCase, AssessmentRound, Disclosure,
    )  # fmt: skip
    for model in (Goal, Indicator, FundBudget, *versioned):
        parts.append(
            (await session.exec(select(func.count(), func.sum(model.row_version)).select_from(model))).one()
        )
    transitions = (
        AuditEvent, GoalTransition, MonitoringReportTransition, SelfEvaluationTransition,
        ProvincialEvaluationTransition, RectificationEvidence,
    )  # fmt: skip
    for model in transitions:  # type: ignore[assignment]
        parts.append((await session.exec(select(func.count()).select_from(model))).one())
    acknowledged = col(MonitoringCompilationRecipient.acknowledged_at).is_not(None)
    parts.append((await session.exec(select(func.count()).where(acknowledged))).one())
    fed_back = col(EvaluationFeedbackRecipient.acknowledged_at).is_not(None)
    parts.append((await session.exec(select(func.count()).where(fed_back))).one())
    # Events a user's call wrote: an earlier allowed reportRequest's job announces its progress meanwhile,
    # with no actor.
    made_by_users = select(func.count()).select_from(Event).where(col(Event.actor_user_id).is_not(None))
    parts.append((await session.exec(made_by_users)).one())
    statuses = (await session.exec(select(Goal.id, Goal.status, Goal.title).order_by(col(Goal.id)))).all()
    return (*parts, tuple(statuses))


@pytest.mark.parametrize("name", list(CASES))
async def test_mutation_matrix(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    name: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    case = CASES[name]
    relations = case.relations or (PROVINCE_TARGET if case.province else PREFECTURE_TARGET)
    # Each call's target is of a year of its own from 2031 on: monitoring entries are for months that have
    # ended, so the matrix runs as if it were 2100.
    monkeypatch.setattr(clock, "china_today", lambda: date(2100, 1, 1))
    async with sessionmaker() as s:
        await load_reference_data(session=s, pooling_years=range(2021, 2100))
        s.add(Region(code="500000", name="重庆市", level=RegionLevel.PROVINCE, path="/500000/"))
        await s.commit()
        template = await template_id(s)
    tokens: dict[tuple[str, str], str] = {}
    for key, (actor_type, administration) in ACTORS.items():
        for relation, region in relations.items():
            user = await make_user(
                sessionmaker, actor_type=actor_type, region_code=region, administration=administration
            )
            tokens[(key, relation)] = gql.token_for(user)

    target_region = relations["own"]
    year = 2030
    outcomes: dict[tuple[str, str], str] = {}
    expected: dict[tuple[str, str], str] = {}
    for (key, relation), token in tokens.items():
        year += 1
        async with sessionmaker() as s:
            target = await case.build(s, target_region, year)
            await s.commit()
            target["template"] = template
            before = await fingerprint(s)
        gql.http.headers["Authorization"] = f"Bearer {token}"
        body = await gql.query(case.mutation, case.variables(target))
        errors = body.get("errors") or []
        typename = None if errors else next(iter(body["data"].values()))["__typename"]
        if errors or typename == "NotFoundError":
            outcome = errors[0].get("extensions", {}).get("code") if errors else "NOT_FOUND"
            assert outcome in ("FORBIDDEN", "NOT_FOUND"), (key, relation, body)
            outcomes[(key, relation)] = outcome
            async with sessionmaker() as s:
                assert await fingerprint(s) == before, f"{name} refused for {key}/{relation} but changed data"
        else:
            assert typename is not None and typename.endswith("Success"), (key, relation, body)
            outcomes[(key, relation)] = "allowed"
        if (key, relation) not in case.allowed:
            expected[(key, relation)] = "FORBIDDEN" if sees(key, relation, target) else "NOT_FOUND"
    assert outcomes == {pair: expected.get(pair, "allowed") for pair in tokens}
