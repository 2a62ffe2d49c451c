"""The evaluation-result application through the API (Art. 20 「将绩效评价结果作为完善社会保险基金管理
相关政策、改进管理的重要依据，逐步在资金安排中应用绩效评价结果」): 成都's finance records how its 2025
evaluation was used,
linking the 2026 goal and budget it changed; the links are checked (same region, same fund, next year); the
draft is recorded, then read by the province's medical-fund bodies; the goal and the budget list it."""

from typing import Any

import pytest

from src.models.enums import ActorType, Administration, GoalStatus
from src.models.evaluation import SelfEvaluationStatus
from src.models.result_application import ApplicationKind, ResultApplicationStatus
from tests.factories import make_budget, make_goal
from tests.schema.conftest import GraphQLClient
from tests.schema.mutation_cases import PREFECTURE, PROVINCE, self_evaluation
from tests.schema.mutation_cases_application import application, next_year_goal, use

MED, HRSS = Administration.MEDICAL_SECURITY, Administration.HRSS
FIELDS = """id rowVersion year status statusLabel selfEvaluationId provincialEvaluationId recordedAt
  region { code } fundType { code } organization { actorType }
  uses { kind kindLabel description goalId budgetId amount }"""
ERRORS = "... on ValidationError { fields { field code message } } ... on UserError { code message }"
SUCCESS = f"... on ResultApplicationSuccess {{ resultApplication {{ {FIELDS} }} }} {ERRORS}"
CREATE = f"""mutation($input: ResultApplicationCreateInput!) {{
  resultApplicationCreate(input: $input) {{ __typename {SUCCESS} }} }}"""
UPDATE = f"""mutation($input: ResultApplicationUpdateInput!) {{
  resultApplicationUpdate(input: $input) {{ __typename {SUCCESS} }} }}"""
RECORD = f"""mutation($id: ID!, $rowVersion: Int!) {{
  resultApplicationRecord(id: $id, rowVersion: $rowVersion) {{ __typename {SUCCESS} }} }}"""
DELETE = """mutation($id: ID!, $rowVersion: Int!) {
  resultApplicationDelete(id: $id, rowVersion: $rowVersion) { __typename
    ... on ResultApplicationDeleteSuccess { deletedId } ... on UserError { code } } }"""
ONE = f"""query($id: ID!) {{ resultApplication(id: $id) {{ __typename
  ... on ResultApplication {{ {FIELDS} }} }} }}"""
LIST = """query($region: String, $fund: String) {
  resultApplications(year: 2025, regionCode: $region, fundCode: $fund) { nodes { id status } } }"""
GOAL = """query($id: ID!) { goal(id: $id) { __typename
  ... on Goal { resultApplications { id year status uses { kind goalId } } } } }"""
BUDGETS = """{ budgets(filter: {year: 2026}) { nodes { id resultApplications { id year } } } }"""


async def call(gql: GraphQLClient, document: str, variables: dict[str, Any]) -> dict[str, Any]:
    answer: dict[str, Any] = next(iter((await gql.data(document, variables)).values()))
    return answer


def create_input(*uses: dict[str, Any], region: str = PREFECTURE, fund: str = "EMPLOYEE_MEDICAL") -> Any:
    return {"input": {"regionCode": region, "fundCode": fund, "year": 2025, "uses": list(uses)}}


async def created(gql: GraphQLClient) -> dict[str, Any]:
    """成都's finance records its 2025 self-evaluation's use for its 2026 goal and budget (a draft)."""
    evaluation = await self_evaluation(gql, SelfEvaluationStatus.ACCEPTED)
    goal = await next_year_goal(gql)
    async with gql.sessionmaker() as s:
        budget = await make_budget(s, region_code=PREFECTURE, year=2026)
        await s.commit()
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    uses = (
        use(ApplicationKind.NEXT_YEAR_GOAL, goalId=goal),
        use(ApplicationKind.NEXT_YEAR_BUDGET, budgetId=str(budget.id)),
        use(ApplicationKind.FUND_ALLOCATION, amount="1200.50"),
        use(ApplicationKind.POLICY),
    )
    answer = await call(gql, CREATE, create_input(*uses))
    assert answer["__typename"] == "ResultApplicationSuccess", answer
    row: dict[str, Any] = answer["resultApplication"]
    assert row["selfEvaluationId"] == evaluation["id"] and row["status"] == "DRAFT"
    return {**row, "goal": goal, "budget": str(budget.id)}


async def test_art20_finance_records_the_use_of_its_evaluation_with_the_next_years_goal_and_budget(
    gql: GraphQLClient,
) -> None:
    row = await created(gql)
    kinds = [(u["kind"], u["goalId"], u["budgetId"], u["amount"]) for u in row["uses"]]
    assert kinds == [
        ("NEXT_YEAR_GOAL", row["goal"], None, None),
        ("NEXT_YEAR_BUDGET", None, row["budget"], None),
        ("FUND_ALLOCATION", None, None, "1200.50"),
        ("POLICY", None, None, None),
    ]
    assert row["uses"][2]["kindLabel"] == "资金安排" and row["statusLabel"] == "草稿"
    # The draft is its region's (the province reads drafts below it; the national departments do not).
    await gql.login_as(ActorType.MEDICAL_SECURITY, PREFECTURE, MED)
    assert (await call(gql, ONE, {"id": row["id"]}))["__typename"] == "ResultApplication"
    await gql.login_as(ActorType.NATIONAL, PROVINCE)
    assert (await call(gql, ONE, {"id": row["id"]}))["__typename"] == "NotFoundError"
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    recorded = await call(gql, RECORD, {"id": row["id"], "rowVersion": row["rowVersion"]})
    assert recorded["__typename"] == "ResultApplicationSuccess", recorded
    assert recorded["resultApplication"]["status"] == "RECORDED"
    assert recorded["resultApplication"]["recordedAt"] is not None
    # Recorded: it no longer changes, and is not deleted.
    again = {"id": row["id"], "rowVersion": recorded["resultApplication"]["rowVersion"]}
    answer = await call(gql, UPDATE, {"input": {**again, "uses": [use(ApplicationKind.POLICY)]}})
    assert answer["__typename"] == "InvalidTransitionError", answer
    assert (await call(gql, DELETE, again))["__typename"] == "InvalidTransitionError"
    # Read by the province's bodies of the fund's administration, not by the other administration's.
    await gql.login_as(ActorType.MEDICAL_SECURITY, PROVINCE, MED)
    assert [n["id"] for n in (await gql.data(LIST, {}))["resultApplications"]["nodes"]] == [row["id"]]
    await gql.login_as(ActorType.HRSS, PROVINCE, HRSS)
    assert (await gql.data(LIST, {}))["resultApplications"]["nodes"] == []
    # Next year's goal and budget say they changed because of the 2025 evaluation.
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    goal = await call(gql, GOAL, {"id": row["goal"]})
    assert goal["resultApplications"] == [
        {"id": row["id"], "year": 2025, "status": "RECORDED",
         "uses": [{"kind": k, "goalId": row["goal"] if k == "NEXT_YEAR_GOAL" else None}
                  for k in ("NEXT_YEAR_GOAL", "NEXT_YEAR_BUDGET", "FUND_ALLOCATION", "POLICY")]},
    ]  # fmt: skip
    budgets = (await gql.data(BUDGETS))["budgets"]["nodes"]
    assert [b["resultApplications"] for b in budgets] == [[{"id": row["id"], "year": 2025}]]


@pytest.mark.parametrize(
    ("where", "message"),
    [
        ({"region_code": "511800"}, "同一统筹地区"),  # 雅安's goal
        ({"fund_code": "RESIDENT_MEDICAL"}, "同一险种"),
        ({"year": 2027}, "下一年度"),
        ({"year": 2025}, "下一年度"),
    ],
)
async def test_art20_a_link_points_at_the_next_years_goal_of_the_same_region_and_fund(
    gql: GraphQLClient, where: dict[str, Any], message: str
) -> None:
    async with gql.sessionmaker() as s:
        wrong = await make_goal(
            s, status=GoalStatus.ISSUED, **{"region_code": PREFECTURE, "year": 2026, **where}
        )
        budget = await make_budget(
            s, **{"region_code": PREFECTURE, "year": 2026, **{k: v for k, v in where.items()}}
        )
        await s.commit()
    await gql.login_as(ActorType.FINANCE, PROVINCE)  # the province's finance, for any region
    uses = (
        use(ApplicationKind.NEXT_YEAR_GOAL, goalId=str(wrong.id)),
        use(ApplicationKind.NEXT_YEAR_BUDGET, budgetId=str(budget.id)),
    )
    answer = await call(gql, CREATE, create_input(*uses))
    assert answer["__typename"] == "ValidationError", answer
    fields = {f["field"]: (f["code"], f["message"]) for f in answer["fields"]}
    assert set(fields) == {"input.uses.0.goalId", "input.uses.1.budgetId"}, fields
    assert all(code == "INVALID" and message in text for code, text in fields.values()), fields
    assert (await gql.data(LIST, {}))["resultApplications"]["nodes"] == []  # nothing half-written


async def test_art20_each_kind_brings_what_it_needs(gql: GraphQLClient) -> None:
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    uses = (
        use(ApplicationKind.NEXT_YEAR_GOAL),  # no goal
        use(ApplicationKind.NEXT_YEAR_BUDGET),  # no budget
        use(ApplicationKind.POLICY, amount="10"),  # an amount is the fund allocation's
        use(ApplicationKind.FUND_ALLOCATION, goalId="999999"),  # a goal that is not there
    )
    answer = await call(gql, CREATE, create_input(*uses))
    fields = {f["field"]: f["code"] for f in answer["fields"]}
    assert fields == {
        "input.uses.0.goalId": "REQUIRED",
        "input.uses.1.budgetId": "REQUIRED",
        "input.uses.2.amount": "INVALID",
        "input.uses.3.goalId": "NOT_FOUND",
    }, answer


@pytest.mark.parametrize(
    ("change", "field", "code"),
    [
        ({"amount": "NaN"}, "input.uses.0.amount", "INVALID"),
        ({"amount": "-1"}, "input.uses.0.amount", "OUT_OF_RANGE"),
        ({"amount": "1" * 15 + ".00"}, "input.uses.0.amount", "OUT_OF_RANGE"),
        ({"amount": "1.001"}, "input.uses.0.amount", "INVALID"),
        ({"description": "x" * 2001}, "input.uses.0.description", "OUT_OF_RANGE"),
        ({"description": "坏\x00字"}, "input.uses.0.description", "INVALID"),
        ({"description": "   "}, "input.uses.0.description", "REQUIRED"),
    ],
)
async def test_art20_an_amount_is_finite_and_in_range_and_a_description_is_text(
    gql: GraphQLClient, change: dict[str, Any], field: str, code: str
) -> None:
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    answer = await call(gql, CREATE, create_input({**use(ApplicationKind.FUND_ALLOCATION), **change}))
    assert answer["__typename"] == "ValidationError", answer
    assert [(f["field"], f["code"]) for f in answer["fields"]][:1] == [(field, code)], answer


async def test_art20_one_record_per_region_fund_and_year_and_recording_needs_a_use(
    gql: GraphQLClient,
) -> None:
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    first = await call(gql, CREATE, create_input())
    assert first["__typename"] == "ResultApplicationSuccess", first
    assert first["resultApplication"]["selfEvaluationId"] is None  # none exists: none required
    again = await call(gql, CREATE, create_input(use(ApplicationKind.POLICY)))
    assert again["__typename"] == "ConflictError" and again["code"] == "RESULT_APPLICATION_EXISTS"
    row = first["resultApplication"]
    empty = await call(gql, RECORD, {"id": row["id"], "rowVersion": row["rowVersion"]})
    assert empty["__typename"] == "PreconditionFailedError" and empty["code"] == "NO_USES"
    gone = await call(gql, DELETE, {"id": row["id"], "rowVersion": row["rowVersion"]})
    assert gone == {"__typename": "ResultApplicationDeleteSuccess", "deletedId": row["id"]}


async def test_art20_the_province_records_for_a_region_and_its_draft_stays_at_the_province(
    gql: GraphQLClient,
) -> None:
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    answer = await call(gql, CREATE, create_input(use(ApplicationKind.MANAGEMENT)))
    assert answer["__typename"] == "ResultApplicationSuccess", answer
    row = answer["resultApplication"]
    assert row["region"]["code"] == PREFECTURE and row["organization"]["actorType"] == "FINANCE"
    await gql.login_as(ActorType.FINANCE, PREFECTURE)
    assert (await call(gql, ONE, {"id": row["id"]}))["__typename"] == "NotFoundError"
    await gql.login_as(ActorType.FINANCE, PROVINCE)
    recorded = await call(gql, RECORD, {"id": row["id"], "rowVersion": row["rowVersion"]})
    assert recorded["__typename"] == "ResultApplicationSuccess", recorded
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)  # the region's agency reads it once recorded
    assert (await call(gql, ONE, {"id": row["id"]}))["__typename"] == "ResultApplication"


async def test_art20_a_region_records_only_its_own(gql: GraphQLClient) -> None:
    target = await application(gql, ResultApplicationStatus.DRAFT)
    await gql.login_as(ActorType.FINANCE, "511800")  # 雅安's finance
    body = await gql.query(CREATE, create_input(use(ApplicationKind.POLICY)))
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert (await call(gql, ONE, {"id": target["id"]}))["__typename"] == "NotFoundError"
    await gql.login_as(ActorType.AGENCY, PREFECTURE, MED)  # reads it, records nothing
    assert (await call(gql, ONE, {"id": target["id"]}))["__typename"] == "ResultApplication"
    body = await gql.query(RECORD, target)
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
