"""Goals (Art. 6–10): the provincial agency drafts the province-wide annual goal from the indicator library,
the provincial tax department concurs, the administration reviews it first, 财政厅 reviews it, sends it to the
national departments, which approve it, and issues it; a prefecture-pooled fund's goal comes down to the
pooling region (成都), which takes it through its own chain. The pooling region's agency enters the draft
budget (budgetCreate, Art. 7: the goals come first) and its finance approves it on the issued goal (Art. 10).
The 绩效目标表 (GOAL_TABLE) of each pooling region's goal is printed."""

from decimal import Decimal
from typing import Any

from src.models.enums import ActorType, BudgetItem
from tests.cycle.documents import document
from tests.cycle.state import PROVINCE, Cycle, Fund, call, ids

GOAL = """id rowVersion status documentNumber region { code }
  indicators { id lineageId level1 level3 kind unit comparator targetValue targetGrade weight aggregation }
  childGoals { id region { code } }"""
RESULT = f"""__typename ... on GoalSuccess {{ goal {{ {GOAL} }} }} ... on UserError {{ code message }}
  ... on ValidationError {{ fields {{ field code message }} }}"""
CREATE = f"mutation($input: GoalCreateInput!) {{ goalCreate(input: $input) {{ {RESULT} }} }}"
CONCUR = f"mutation($input: GoalTaxConcurInput!) {{ goalTaxConcur(input: $input) {{ {RESULT} }} }}"
ADD = """mutation($input: IndicatorAddFromTemplatesInput!) { indicatorAddFromTemplates(input: $input) {
  __typename ... on IndicatorsAddSuccess { goal { rowVersion } }
  ... on ValidationError { fields { field code } } } }"""
TEMPLATES = """query($fund: String!) { indicatorTemplates(fundTypeCode: $fund) {
  id level1 kind unit defaultTargetValue } }"""
READ = f"query($id: ID!) {{ goal(id: $id) {{ __typename ... on Goal {{ {GOAL} }} }} }}"
APPROVE = """mutation($id: ID!, $rowVersion: Int!) { budgetApprove(id: $id, rowVersion: $rowVersion) {
  __typename ... on UserError { code message } } }"""
BUDGET = """mutation($input: BudgetCreateInput!) { budgetCreate(input: $input) {
  __typename ... on FundBudgetSuccess { budget { id rowVersion status } } ... on UserError { code message }
  ... on ValidationError { fields { field code message } } } }"""
# Every line of the budget, in yuan: the amounts the later stages' execution and self-evaluation read.
BUDGET_LINES = [
    {
        "item": item.value,
        "initialAmount": str(Decimal("1000000.10") * (order + 1)),
        "adjustedAmount": "1234567.89" if item == BudgetItem.CONTRIBUTION else None,
    }
    for order, item in enumerate(BudgetItem)
]
# Units a decomposition takes the province's value for (RATE): no SUM split needs every region's budget.
RATES = {"%", "‰", "百分点"}
WEIGHTS = ("30", "20", "20", "20")  # the province's indicator total, 90 (Art. 23 default)


def step(name: str) -> str:
    arguments = "mutation($id: ID!, $rowVersion: Int!)", "(id: $id, rowVersion: $rowVersion)"
    return f"{arguments[0]} {{ {name}{arguments[1]} {{ {RESULT} }} }}"


async def _step(cycle: Cycle, name: str, goal: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = (await call(cycle, step(name), ids(goal), "GoalSuccess"))["goal"]
    return result


async def _picks(cycle: Cycle, fund: Fund) -> list[dict[str, Any]]:
    """One template of each level-1 category (Art. 9), rates and a qualitative one, at their default
    targets."""
    templates = (await cycle.gql.data(TEMPLATES, {"fund": fund.code}))["indicatorTemplates"]
    usable = [t for t in templates if t["kind"] == "QUALITATIVE" or t["unit"] in RATES]
    chosen: list[dict[str, Any]] = []
    for category in ("DECISION", "PROCESS", "OUTPUT", "BENEFIT"):
        of_category = [t for t in usable if t["level1"] == category]
        kinds = {t["kind"] for t in chosen}
        wanted = [t for t in of_category if t["kind"] not in kinds] or of_category
        chosen.append(wanted[0])
    assert {t["kind"] for t in chosen} == {"QUALITATIVE", "QUANTITATIVE"}, chosen
    return [
        {"templateId": t["id"], "weight": w, "targetValue": t["defaultTargetValue"]}
        for t, w in zip(chosen, WEIGHTS, strict=True)
    ]


async def _through_the_chain(cycle: Cycle, fund: Fund, goal: dict[str, Any], region: str) -> dict[str, Any]:
    """Tax concurrence, submission, the administration's preliminary review and finance's review."""
    await cycle.login(ActorType.TAX, region)
    goal = (await call(cycle, CONCUR, {"input": {**ids(goal), "opinion": "同意"}}, "GoalSuccess"))["goal"]
    await cycle.login(ActorType.AGENCY, region, fund.administration)
    goal = await _step(cycle, "goalSubmit", goal)
    await cycle.login(fund.administration_actor, region, fund.administration)
    goal = await _step(cycle, "goalPreliminaryReview", goal)
    await cycle.login(ActorType.FINANCE, region)
    return await _step(cycle, "goalReview", goal)


async def _province_goal(cycle: Cycle, fund: Fund) -> dict[str, Any]:
    await cycle.login(ActorType.AGENCY, PROVINCE, fund.administration)
    opening = {
        "fundTypeCode": fund.code,
        "regionCode": PROVINCE,
        "horizon": "ANNUAL",
        "startYear": cycle.year,
        "endYear": cycle.year,
        "title": f"{cycle.year}年度绩效目标",
        "content": "确保基金收支平衡、待遇按时足额发放",
    }
    goal = (await call(cycle, CREATE, {"input": opening}, "GoalSuccess"))["goal"]
    items = await _picks(cycle, fund)
    added = await call(
        cycle, ADD, {"input": {"goalId": goal["id"], "rowVersion": goal["rowVersion"], "items": items}},
        "IndicatorsAddSuccess",
    )  # fmt: skip
    goal["rowVersion"] = added["goal"]["rowVersion"]
    goal = await _through_the_chain(cycle, fund, goal, PROVINCE)
    goal = await _step(cycle, "goalSubmitToNational", goal)  # Art. 10: the province-wide goal
    await cycle.login(ActorType.NATIONAL, PROVINCE)
    goal = await _step(cycle, "goalNationalApprove", goal)
    await cycle.login(ActorType.FINANCE, PROVINCE)
    goal = await _step(cycle, "goalIssue", goal)
    assert goal["status"] == "ISSUED" and goal["documentNumber"], goal
    return goal


async def _budget_approved(cycle: Cycle, fund: Fund) -> None:
    """Art. 7, 10: the pooling region's agency compiles the draft budget, its finance approves it."""
    await cycle.login(ActorType.AGENCY, fund.pooling_region, fund.administration)
    fields = {"regionCode": fund.pooling_region, "fundTypeCode": fund.code, "year": cycle.year}
    created = await call(cycle, BUDGET, {"input": {**fields, "lines": BUDGET_LINES}}, "FundBudgetSuccess")
    budget = created["budget"]
    assert budget["status"] == "DRAFT", budget
    await cycle.login(ActorType.FINANCE, fund.pooling_region)
    await call(cycle, APPROVE, ids(budget), "FundBudgetSuccess")
    cycle.ids[cycle.key("budget", fund)] = budget["id"]


async def run(cycle: Cycle) -> None:
    for fund in cycle.funds:
        goal = await _province_goal(cycle, fund)
        cycle.ids[cycle.key("goal", fund, PROVINCE)] = goal["id"]  # the province's, disclosed (Art. 21)
        if fund.prefecture_pooled:
            child = next(c for c in goal["childGoals"] if c["region"]["code"] == fund.pooling_region)
            await cycle.login(ActorType.AGENCY, fund.pooling_region, fund.administration)
            goal = (await cycle.gql.data(READ, {"id": child["id"]}))["goal"]
            goal = await _through_the_chain(cycle, fund, goal, fund.pooling_region)
            goal = await _step(cycle, "goalIssue", goal)
            assert goal["status"] == "ISSUED" and goal["documentNumber"], goal
        cycle.ids[cycle.key("goal", fund)] = goal["id"]
        cycle.ids[cycle.key("goal_number", fund)] = goal["documentNumber"]
        cycle.indicators[fund.code] = goal["indicators"]
        await _budget_approved(cycle, fund)
        await cycle.login(ActorType.FINANCE, fund.pooling_region)
        await document(cycle, "GOAL_TABLE", goal["id"])
