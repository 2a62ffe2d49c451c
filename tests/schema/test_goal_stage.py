"""The goal stage as the regulation has it (issue 8): the tax department's concurrence (Art. 5, 7), the
decomposition table (Art. 6), guiding then formal down the chain (Art. 10), the version in force never
edited in place and adjustment with its assessment (Art. 14)."""

from decimal import Decimal
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker
from sqlmodel import col, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.app import create_app
from src.models import FundBudgetLine, Goal, Region, User
from src.models.enums import ActorType, Administration, BudgetLineCategory, GoalStatus, RegionLevel
from src.seed.demo import load_demo_data
from src.settings import Settings
from tests.factories import make_budget
from tests.schema.conftest import GraphQLClient
from tests.schema.test_goal_workflow import MED, draft_goal, step, tax_concur

STAGE_FIELDS = """
  id status version rowVersion contentRevision taxConcurred
  taxOpinions { verdict opinion contentRevision organization { actorType } }
  adjustment { whatChanged reason fundEffect targetEffect }
  parentGoal { id version } previousVersion { id status }
  indicators { id level3 kind aggregation targetValue assignedTargetValue inherited weight }
  childGoals { id status version region { code } }
  decomposition { complete shareBasis problems
    rows { indicatorId level3 aggregation provinceTarget total
      cells { regionCode share targetValue edited } } }
"""
RESULT = f"""
  __typename
  ... on GoalSuccess {{ goal {{ {STAGE_FIELDS} }} }}
  ... on UserError {{ message code }}
  ... on ValidationError {{ fields {{ field message code }} }}
"""


def op(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {RESULT} }} }}"


TAX_CONCUR = op("goalTaxConcur", "GoalTaxConcurInput")
TAX_OBJECT = op("goalTaxObject", "GoalTaxObjectInput")
UPDATE = op("goalUpdate", "GoalUpdateInput")
ADJUST = op("goalAdjustmentRequest", "GoalAdjustmentRequestInput")
RETURN = op("goalReturn", "GoalReasonInput")
DECOMPOSE = """mutation($input: GoalDecompositionUpdateInput!) { goalDecompositionUpdate(input: $input) {
  __typename ... on GoalDecompositionSuccess { goal { id rowVersion contentRevision taxConcurred }
    decomposition { complete problems
      rows { indicatorId total cells { regionCode targetValue edited } } } }
  ... on UserError { message code } ... on ValidationError { fields { field code } } } }"""
GOAL = f"query($id: ID!) {{ goal(id: $id) {{ __typename ... on Goal {{ {STAGE_FIELDS} }} }} }}"
INDICATOR = """mutation($input: IndicatorCreateInput!) { indicatorCreate(input: $input) { __typename
  ... on IndicatorSuccess { indicator { id aggregation } goal { rowVersion } } } }"""
ASSESSMENT = {
    "whatChanged": "参保人数较预期减少约 8%",
    "reason": "灵活就业人员参保政策调整",
    "fundEffect": "基金收入预计减少 2.1 亿元",
    "targetEffect": "参保人数目标由 1000 万人调为 920 万人",
}
PREFECTURES = 21


async def call(gql: GraphQLClient, query: str, name: str, values: dict[str, Any]) -> dict[str, Any]:
    result: dict[str, Any] = (await gql.data(query, {"input": values}))[name]
    return result


async def read(gql: GraphQLClient, goal_id: str) -> dict[str, Any]:
    goal: dict[str, Any] = (await gql.data(GOAL, {"id": goal_id}))["goal"]
    return goal


async def add_count_indicator(gql: GraphQLClient, goal: dict[str, Any], target: str = "1000") -> str:
    """A SUM indicator (insured persons, 万人) beside the draft's four, weighing 10."""
    created = await gql.data(
        INDICATOR,
        {
            "input": {
                "goalId": goal["id"],
                "level1": "OUTPUT",
                "level2": "数量",
                "level3": "年末参保人数",
                "kind": "QUANTITATIVE",
                "comparator": "GE",
                "weight": "10",
                "unit": "万人",
                "targetValue": target,
            }
        },
    )
    assert created["indicatorCreate"]["__typename"] == "IndicatorSuccess", created
    assert created["indicatorCreate"]["indicator"]["aggregation"] == "SUM"  # inferred from the unit
    return str(created["indicatorCreate"]["indicator"]["id"])


async def province_draft(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], *, budgets: bool = True
) -> dict[str, Any]:
    """A province-wide 2027 goal of a prefecture-pooled fund (employee medical), with a SUM indicator and
    weights at 90, not yet concurred; each prefecture has a 2027 budget when `budgets`."""
    if budgets:
        async with sessionmaker() as session:
            prefectures = (
                await session.exec(select(Region).where(Region.level == RegionLevel.PREFECTURE))
            ).all()
            for region in prefectures:
                await make_budget(session, region_code=region.code, year=2027)
            await session.commit()
    goal = await draft_goal(gql, sessionmaker, concur=False, complete=False)  # weights 30+20+20+15
    await add_count_indicator(gql, goal)  # +10: 95 — fix one weight below
    goal = await read(gql, goal["id"])
    first = goal["indicators"][0]
    fixed = await gql.data(
        """mutation($input: IndicatorUpdateInput!) { indicatorUpdate(input: $input) { __typename
        ... on IndicatorSuccess { goal { rowVersion } } } }""",
        {"input": {"id": first["id"], "rowVersion": 1, "weight": "25"}},
    )
    assert fixed["indicatorUpdate"]["__typename"] == "IndicatorSuccess", fixed
    return await read(gql, goal["id"])


async def through_review(
    gql: GraphQLClient, goal: dict[str, Any], region: str = "510000", administration: Administration = MED
) -> dict[str, Any]:
    """Tax concurrence, submission, preliminary review and review of a goal (a medical fund's unless told);
    the region's finance is logged in afterwards."""
    reviewer = ActorType.MEDICAL_SECURITY if administration == MED else ActorType.HRSS
    goal = await tax_concur(gql, goal, region, administration)
    goal = await step(gql, "goalSubmit", goal)
    await gql.login_as(reviewer, region, administration)
    goal = await step(gql, "goalPreliminaryReview", goal)
    await gql.login_as(ActorType.FINANCE, region)
    return await step(gql, "goalReview", goal)


async def issued_guiding(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> dict[str, Any]:
    goal = await through_review(gql, await province_draft(gql, sessionmaker))
    goal = await step(gql, "goalIssueGuiding", goal)
    assert goal["status"] == "ISSUED_GUIDING"
    return await read(gql, goal["id"])


async def test_art7_submission_needs_tax_concurrence_of_the_current_content(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.TAX, "510000")  # the provincial tax bureau exists
    goal = await draft_goal(gql, sessionmaker, concur=False)
    refused = await step(gql, "goalSubmit", goal, expect="PreconditionFailedError")
    assert refused["code"] == "TAX_CONCURRENCE_REQUIRED" and "税务" in refused["message"]

    goal = await tax_concur(gql, goal, "510000", MED)
    assert (await read(gql, goal["id"]))["taxConcurred"] is True
    # Any edit after the concurrence voids it: the tax department concurred with other content.
    edited = await call(
        gql, UPDATE, "goalUpdate", {"id": goal["id"], "rowVersion": goal["rowVersion"], "content": "改"}
    )
    assert edited["goal"]["taxConcurred"] is False
    goal = edited["goal"]
    refused = await step(gql, "goalSubmit", goal, expect="PreconditionFailedError")
    assert "又有修改" in refused["message"]

    goal = await tax_concur(gql, goal, "510000", MED)
    submitted = await step(gql, "goalSubmit", goal)
    assert submitted["status"] == "SUBMITTED" and submitted["coDrafterOrganization"]["actorType"] == "TAX"
    opinions = (await read(gql, goal["id"]))["taxOpinions"]
    assert [o["verdict"] for o in opinions] == ["CONCUR", "CONCUR"]
    assert opinions[0]["contentRevision"] > opinions[1]["contentRevision"]


async def test_art7_tax_objection_needs_a_reason_and_blocks_submission(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker, concur=False)
    await gql.login_as(ActorType.TAX, "510000")
    empty = await call(gql, TAX_OBJECT, "goalTaxObject", {"id": goal["id"], "rowVersion": 1, "reason": " "})
    assert empty["__typename"] == "ValidationError" and empty["fields"][0]["field"] == "input.reason"
    row = (await read(gql, goal["id"]))["rowVersion"]
    objected = await call(
        gql, TAX_OBJECT, "goalTaxObject", {"id": goal["id"], "rowVersion": row, "reason": "征缴收入预测偏高"}
    )
    assert objected["__typename"] == "GoalSuccess" and objected["goal"]["taxConcurred"] is False
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    refused = await step(gql, "goalSubmit", objected["goal"], expect="PreconditionFailedError")
    assert "征缴收入预测偏高" in refused["message"]


async def test_art7_only_the_regions_tax_department_gives_the_opinion(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker, concur=False)
    for actor, region, admin in (
        (ActorType.AGENCY, "510000", MED),
        (ActorType.FINANCE, "510000", None),
        (ActorType.TAX, "510100", None),  # a prefecture's tax department: the province's draft is not its
    ):
        await gql.login_as(actor, region, admin)
        body = await gql.query(TAX_CONCUR, {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"]}})
        data = body.get("data") or {}
        refused = body.get("errors", [{}])[0].get("extensions", {}).get("code") == "FORBIDDEN" or (
            (data.get("goalTaxConcur") or {}).get("__typename") == "NotFoundError"
        )
        assert refused, (actor, body)
    assert (await read_as_agency(gql, goal["id"]))["taxOpinions"] == []


async def read_as_agency(gql: GraphQLClient, goal_id: str) -> dict[str, Any]:
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    return await read(gql, goal_id)


async def test_art7_a_region_without_a_tax_department_is_a_setup_problem(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker, concur=False)  # nobody logged in as 510000 TAX: none exists
    refused = await step(gql, "goalSubmit", goal, expect="PreconditionFailedError")
    assert refused["code"] == "TAX_DEPARTMENT_MISSING" and "系统设置" in refused["message"]


async def test_art6_sum_targets_add_up_by_budget_share(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    async with sessionmaker() as session:  # Chengdu spends twice what each other prefecture does
        chengdu = await make_budget(session, region_code="510100", year=2027)
        for line in (
            await session.exec(select(FundBudgetLine).where(FundBudgetLine.budget_id == chengdu.id))
        ).all():
            if line.category == BudgetLineCategory.EXPENDITURE:
                line.initial_amount *= 2
                session.add(line)
        others = (
            await session.exec(
                select(Region).where(Region.level == RegionLevel.PREFECTURE, Region.code != "510100")
            )
        ).all()
        for region in others:
            await make_budget(session, region_code=region.code, year=2027)
        await session.commit()
    goal = await province_draft(gql, sessionmaker, budgets=False)
    table = goal["decomposition"]
    assert table["complete"] and table["shareBasis"]
    rows = {r["level3"]: r for r in table["rows"]}
    count = rows["年末参保人数"]
    assert count["aggregation"] == "SUM" and Decimal(count["total"]) == Decimal(1000)
    cells = {c["regionCode"]: c for c in count["cells"]}
    assert len(cells) == PREFECTURES
    # 1000 split 2:1:…:1 over 22 shares: 90.909… for Chengdu, 45.4545… for the rest, rounded down to
    # 0.01 with the leftover cents to the largest remainders (ties: lower code).
    assert Decimal(cells["510100"]["targetValue"]) == Decimal("90.91")
    assert sum(Decimal(c["targetValue"]) for c in cells.values()) == Decimal(1000)
    assert {Decimal(c["targetValue"]) for code, c in cells.items() if code != "510100"} <= {
        Decimal("45.45"),
        Decimal("45.46"),
    }
    rate = next(r for r in table["rows"] if r["aggregation"] == "RATE")
    assert {c["targetValue"] for c in rate["cells"]} == {rate["provinceTarget"]}


async def test_art6_issuing_is_refused_while_the_table_is_incomplete(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await province_draft(gql, sessionmaker, budgets=False)  # no budgets: no share to split by
    count = next(r for r in goal["decomposition"]["rows"] if r["aggregation"] == "SUM")
    assert goal["decomposition"]["complete"] is False and goal["decomposition"]["shareBasis"] is None
    reviewed = await through_review(gql, goal)
    refused = await step(gql, "goalIssueGuiding", reviewed, expect="PreconditionFailedError")
    assert refused["code"] == "DECOMPOSITION_INCOMPLETE" and "年末参保人数" in refused["message"]
    assert (await read(gql, goal["id"]))["status"] == "REVIEWED"

    # The table is the drafter's: once returned, the agency fills it in; a sum that is off is refused.
    await step_return(gql, reviewed)
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    current = await read(gql, goal["id"])
    codes = [c["regionCode"] for c in count["cells"]]
    entries = [{"indicatorId": count["indicatorId"], "regionCode": c, "targetValue": "47.62"} for c in codes]
    updated = await call(
        gql,
        DECOMPOSE,
        "goalDecompositionUpdate",
        {"goalId": goal["id"], "rowVersion": current["rowVersion"], "targets": entries},
    )
    assert updated["__typename"] == "GoalDecompositionSuccess", updated
    assert updated["decomposition"]["complete"] is False  # 21 × 47.62 = 1000.02
    entries[-1]["targetValue"] = "47.60"
    updated = await call(
        gql,
        DECOMPOSE,
        "goalDecompositionUpdate",
        {"goalId": goal["id"], "rowVersion": updated["goal"]["rowVersion"], "targets": entries[-1:]},
    )
    assert updated["decomposition"]["complete"] is True, updated
    bad = await call(
        gql,
        DECOMPOSE,
        "goalDecompositionUpdate",
        {
            "goalId": goal["id"],
            "rowVersion": updated["goal"]["rowVersion"],
            "targets": [{"indicatorId": count["indicatorId"], "regionCode": "510104", "targetValue": "1"}],
        },
    )
    assert (
        bad["__typename"] == "ValidationError" and bad["fields"][0]["field"] == "input.targets.0.regionCode"
    )

    reviewed = await through_review(gql, await read(gql, goal["id"]))
    issued = await step(gql, "goalIssueGuiding", reviewed)
    children = {c["region"]["code"]: c for c in (await read(gql, issued["id"]))["childGoals"]}
    assert len(children) == PREFECTURES
    last = (await read(gql, children[codes[-1]]["id"]))["indicators"]
    assert next(i for i in last if i["level3"] == "年末参保人数")["targetValue"] == "47.6000"
    assert all(i["inherited"] for i in last)


async def test_art9_decomposition_cells_are_negative_only_where_the_indicator_allows(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """A cell's target is checked with its indicator's unit and comparator (src/services/goals/units.py):
    a ≤ percentage may be below zero, insured persons (万人) may not; a refused edit stores nothing."""
    goal = await province_draft(gql, sessionmaker, budgets=False)
    growth = await gql.data(
        INDICATOR,
        {
            "input": {
                "goalId": goal["id"],
                "level1": "OUTPUT",
                "level2": "成本",
                "level3": "基金支出增长率",
                "kind": "QUANTITATIVE",
                "comparator": "LE",
                "weight": "1",
                "unit": "%",
                "targetValue": "-2",
            }
        },
    )
    growth_id = growth["indicatorCreate"]["indicator"]["id"]
    count = next(r for r in goal["decomposition"]["rows"] if r["aggregation"] == "SUM")
    before = await read(gql, goal["id"])
    entries = [
        {"indicatorId": growth_id, "regionCode": "510100", "targetValue": "-3"},
        {"indicatorId": count["indicatorId"], "regionCode": "510100", "targetValue": "-5"},
    ]
    values = {"goalId": goal["id"], "rowVersion": before["rowVersion"], "targets": entries}
    refused = await call(gql, DECOMPOSE, "goalDecompositionUpdate", values)
    assert refused["__typename"] == "ValidationError", refused
    assert refused["fields"] == [{"field": "input.targets.1.targetValue", "code": "OUT_OF_RANGE"}]
    assert await read(gql, goal["id"]) == before

    entries[1]["targetValue"] = "0"
    updated = await call(gql, DECOMPOSE, "goalDecompositionUpdate", values)
    assert updated["__typename"] == "GoalDecompositionSuccess", updated
    cells = {
        row["indicatorId"]: next(c for c in row["cells"] if c["regionCode"] == "510100")
        for row in updated["decomposition"]["rows"]
    }
    assert cells[growth_id] == {"regionCode": "510100", "targetValue": "-3.0000", "edited": True}
    assert cells[count["indicatorId"]]["targetValue"] == "0.0000"


async def step_return(gql: GraphQLClient, goal: dict[str, Any]) -> dict[str, Any]:
    await gql.login_as(ActorType.FINANCE, "510000")
    returned = await call(
        gql,
        RETURN,
        "goalReturn",
        {"id": goal["id"], "rowVersion": goal["rowVersion"], "reason": "补全分解表"},
    )
    assert returned["__typename"] == "GoalSuccess", returned
    goal_after: dict[str, Any] = returned["goal"]
    return goal_after


async def test_art6_pooling_region_goal_comes_from_the_decomposition(gql: GraphQLClient) -> None:
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    created = await gql.data(
        """mutation($input: GoalCreateInput!) { goalCreate(input: $input) { __typename
        ... on UserError { code message } } }""",
        {
            "input": {
                "fundTypeCode": "EMPLOYEE_MEDICAL",
                "regionCode": "510100",
                "horizon": "ANNUAL",
                "startYear": 2027,
                "endYear": 2027,
                "title": "成都市2027年度目标",
            }
        },
    )
    refused = created["goalCreate"]
    assert (
        refused["__typename"] == "PreconditionFailedError" and refused["code"] == "COMES_FROM_DECOMPOSITION"
    )


async def test_art6_decomposed_indicators_are_locked_and_only_stricter(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    province = await issued_guiding(gql, sessionmaker)
    chengdu = next(c for c in province["childGoals"] if c["region"]["code"] == "510100")
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    child = await read(gql, chengdu["id"])
    count = next(i for i in child["indicators"] if i["level3"] == "年末参保人数")
    update = """mutation($input: IndicatorUpdateInput!) { indicatorUpdate(input: $input) { __typename
      ... on ValidationError { fields { field code } }
      ... on IndicatorSuccess { indicator { targetValue } } } }"""
    looser = str(Decimal(count["assignedTargetValue"]) - 1)
    refused = await gql.data(update, {"input": {"id": count["id"], "rowVersion": 1, "targetValue": looser}})
    assert refused["indicatorUpdate"]["fields"] == [{"field": "input.targetValue", "code": "LOCKED"}]
    renamed = await gql.data(update, {"input": {"id": count["id"], "rowVersion": 1, "level3": "别的"}})
    assert renamed["indicatorUpdate"]["fields"] == [{"field": "input.level3", "code": "LOCKED"}]
    stricter = str(Decimal(count["assignedTargetValue"]) + 1)
    done = await gql.data(update, {"input": {"id": count["id"], "rowVersion": 1, "targetValue": stricter}})
    assert done["indicatorUpdate"]["__typename"] == "IndicatorSuccess"
    delete = """mutation($id: ID!) { indicatorDelete(id: $id, rowVersion: 2) { __typename
      ... on UserError { code } } }"""
    assert (await gql.data(delete, {"id": count["id"]}))["indicatorDelete"] == {
        "__typename": "InvalidTransitionError",
        "code": "INHERITED_INDICATOR_LOCKED",
    }
    child = await read(gql, chengdu["id"])
    deleted = await gql.data(
        "mutation($id: ID!, $v: Int!) { goalDelete(id: $id, rowVersion: $v) {"
        " __typename ... on UserError { code } } }",
        {"id": chengdu["id"], "v": child["rowVersion"]},
    )
    assert deleted["goalDelete"]["code"] == "DECOMPOSED_GOAL_LOCKED"


async def test_art10_guiding_then_formal_all_the_way_down(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    province = await issued_guiding(gql, sessionmaker)
    chengdu = next(c for c in province["childGoals"] if c["region"]["code"] == "510100")
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    child = await through_review(gql, await read(gql, chengdu["id"]), "510100")
    child = await step(gql, "goalIssue", child)
    assert child["status"] == "ISSUED_GUIDING"  # its parent is guiding: so is it (Art. 10)

    await gql.login_as(ActorType.FINANCE, "510000")
    province = await step(gql, "goalSubmitToNational", await read(gql, province["id"]))
    await gql.login_as(ActorType.NATIONAL, "510000")
    province = await step(gql, "goalNationalApprove", province)
    await gql.login_as(ActorType.FINANCE, "510000")
    province = await step(gql, "goalIssue", province)
    assert province["status"] == "ISSUED"
    # Unchanged by the national review: the child became formal in the same transaction.
    assert (await read(gql, chengdu["id"]))["status"] == "ISSUED"
    assert len(province["childGoals"]) == PREFECTURES  # not decomposed twice


HRSS = Administration.HRSS
BUDGET = """query($id: ID!) { budget(id: $id) { ... on FundBudget {
  status rowVersion needsReapproval approvedGoal { id status } } } }"""
APPROVE_BUDGET = """mutation($id: ID!, $rowVersion: Int!) { budgetApprove(id: $id, rowVersion: $rowVersion) {
  __typename ... on FundBudgetSuccess { budget { approvedGoal { id status } } }
  ... on UserError { message code } } }"""


async def injury_goal_reviewed(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> tuple[dict[str, Any], str]:
    """The province's 2027 work-injury goal, reviewed (finance logged in), and the id of the province's 2027
    work-injury budget: the fund is pooled at the province, so that budget rests on this goal (Art. 7)."""
    async with sessionmaker() as session:
        budget = await make_budget(session, fund_code="WORK_INJURY", region_code="510000", year=2027)
        await session.commit()
    goal = await draft_goal(gql, sessionmaker, fund="WORK_INJURY", administration=HRSS, concur=False)
    return await through_review(gql, goal, administration=HRSS), str(budget.id)


async def budget_state(gql: GraphQLClient, budget_id: str) -> dict[str, Any]:
    state: dict[str, Any] = (await gql.data(BUDGET, {"id": budget_id}))["budget"]
    return state


async def approve_budget(gql: GraphQLClient, budget_id: str) -> dict[str, Any]:
    """budgetApprove on the budget as it stands (the logged-in finance)."""
    row_version = (await budget_state(gql, budget_id))["rowVersion"]
    result: dict[str, Any] = (await gql.data(APPROVE_BUDGET, {"id": budget_id, "rowVersion": row_version}))[
        "budgetApprove"
    ]
    return result


async def test_art10_national_approval_alone_does_not_replace_the_version_in_force(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """「待国家相关部门审核…后正式下达」: a new version approved by the national departments is not issued
    yet; the version in force stays in force, with the budget approved on it, until the new one is issued."""
    v1, budget_id = await injury_goal_reviewed(gql, sessionmaker)
    v1 = await step(gql, "goalIssueGuiding", v1)  # at budget deployment
    assert (await approve_budget(gql, budget_id))["budget"]["approvedGoal"] == {
        "id": v1["id"],
        "status": "ISSUED_GUIDING",
    }
    v1 = await step(gql, "goalSubmitToNational", v1)
    await gql.login_as(ActorType.NATIONAL, "510000")
    returned = await call(
        gql, RETURN, "goalReturn", {"id": v1["id"], "rowVersion": v1["rowVersion"], "reason": "认定时限偏松"}
    )
    await gql.login_as(ActorType.AGENCY, "510000", HRSS)
    v2 = await through_review(gql, await read(gql, returned["goal"]["id"]), administration=HRSS)
    v2 = await step(gql, "goalSubmitToNational", v2)
    await gql.login_as(ActorType.NATIONAL, "510000")
    v2 = await step(gql, "goalNationalApprove", v2)
    assert [(v["version"], v["status"]) for v in v2["versions"]] == [
        (1, "ISSUED_GUIDING"),  # still in force
        (2, "NATIONAL_APPROVED"),
    ]
    await gql.login_as(ActorType.FINANCE, "510000")
    state = await budget_state(gql, budget_id)
    assert state["needsReapproval"] is False
    assert state["approvedGoal"] == {"id": v1["id"], "status": "ISSUED_GUIDING"}
    superseded = await gql.data("{ budgets(filter: {goalSuperseded: true}) { totalCount } }")
    assert superseded["budgets"]["totalCount"] == 0
    assert (await approve_budget(gql, budget_id))["code"] == "ALREADY_APPROVED"
    # Not in force, version 2 cannot be adjusted either (Art. 14 adjusts the goal in force).
    adjusted = await call(
        gql, ADJUST, "goalAdjustmentRequest", {"id": v2["id"], "rowVersion": v2["rowVersion"], **ASSESSMENT}
    )
    assert adjusted["code"] == "NOT_ISSUED"

    # Formally issued, version 2 replaces version 1; the budget is approved again, on it.
    v2 = await step(gql, "goalIssue", v2)
    assert [(v["version"], v["status"]) for v in v2["versions"]] == [(1, "SUPERSEDED"), (2, "ISSUED")]
    assert (await budget_state(gql, budget_id))["needsReapproval"] is True
    again = await approve_budget(gql, budget_id)
    assert again["budget"]["approvedGoal"] == {"id": v2["id"], "status": "ISSUED"}


async def test_art10_a_guiding_goal_stays_in_force_as_guiding_until_formally_issued(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """Issued as guiding, then approved by the national departments: still the guiding goal in force (the
    approval is recorded, not a status) until finance issues it formally, which needs that approval."""
    goal, budget_id = await injury_goal_reviewed(gql, sessionmaker)
    goal = await step(gql, "goalIssueGuiding", goal)
    goal = await step(gql, "goalSubmitToNational", goal)
    early = await step(gql, "goalIssue", goal, expect="InvalidTransitionError")
    assert early["currentStatus"] == "ISSUED_GUIDING" and "尚未经国家相关部门审核" in early["message"]

    await gql.login_as(ActorType.NATIONAL, "510000")
    goal = await step(gql, "goalNationalApprove", goal)
    assert goal["status"] == "ISSUED_GUIDING" and goal["nationalApprovedAt"] is not None
    assert goal["transitions"][-1] == {
        **goal["transitions"][-1],
        "action": "NATIONAL_APPROVE",
        "fromStatus": "ISSUED_GUIDING",
        "toStatus": "ISSUED_GUIDING",
    }
    again = await step(gql, "goalNationalApprove", goal, expect="InvalidTransitionError")
    assert again["code"] == "ALREADY_NATIONAL_APPROVED"
    late_return = await call(
        gql, RETURN, "goalReturn", {"id": goal["id"], "rowVersion": goal["rowVersion"], "reason": "再审"}
    )
    assert late_return["__typename"] == "InvalidTransitionError"

    await gql.login_as(ActorType.FINANCE, "510000")
    approved = await approve_budget(gql, budget_id)  # in force: the budget may rest on it
    assert approved["budget"]["approvedGoal"] == {"id": goal["id"], "status": "ISSUED_GUIDING"}
    goal = await step(gql, "goalIssue", goal)
    assert goal["status"] == "ISSUED" and [v["status"] for v in goal["versions"]] == ["ISSUED"]
    state = await budget_state(gql, budget_id)
    assert state["needsReapproval"] is False  # the same version, now formal
    assert state["approvedGoal"] == {"id": goal["id"], "status": "ISSUED"}


async def test_art14_national_return_keeps_the_guiding_version_in_force(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    province = await issued_guiding(gql, sessionmaker)
    chengdu = next(c for c in province["childGoals"] if c["region"]["code"] == "510100")
    await gql.login_as(ActorType.FINANCE, "510000")
    province = await step(gql, "goalSubmitToNational", province)
    await gql.login_as(ActorType.NATIONAL, "510000")
    returned = await call(
        gql,
        RETURN,
        "goalReturn",
        {"id": province["id"], "rowVersion": province["rowVersion"], "reason": "参保人数目标偏低"},
    )
    v2 = returned["goal"]
    assert v2["version"] == 2 and v2["status"] == "RETURNED" and v2["id"] != province["id"]
    assert v2["previousVersion"] == {"id": province["id"], "status": "ISSUED_GUIDING"}  # still in force
    await gql.login_as(ActorType.FINANCE, "510000")
    stale = await step(
        gql, "goalSubmitToNational", await read(gql, province["id"]), expect="InvalidTransitionError"
    )
    assert stale["code"] == "NEWER_VERSION_EXISTS"

    # v2 is reworked (a stricter insured-persons target), concurred, reviewed, approved and issued.
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    v2 = await read(gql, v2["id"])
    assert v2["decomposition"]["complete"]
    count = next(i for i in v2["indicators"] if i["level3"] == "年末参保人数")
    await gql.data(
        """mutation($input: IndicatorUpdateInput!) { indicatorUpdate(input: $input) { __typename } }""",
        {"input": {"id": count["id"], "rowVersion": 1, "targetValue": "1050"}},
    )
    v2 = await through_review(gql, await read(gql, v2["id"]))
    v2 = await step(gql, "goalSubmitToNational", v2)
    await gql.login_as(ActorType.NATIONAL, "510000")
    v2 = await step(gql, "goalNationalApprove", v2)
    await gql.login_as(ActorType.FINANCE, "510000")
    v2 = await step(gql, "goalIssue", v2)
    assert v2["status"] == "ISSUED"
    v1 = await read(gql, province["id"])
    assert v1["status"] == "SUPERSEDED"
    # The changed parent reaches the region as a re-based draft, linked to version 2, with the new split.
    child = await read(gql, chengdu["id"])
    assert child["status"] == "DRAFT" and child["parentGoal"] == {"id": v2["id"], "version": 2}
    total = sum(
        Decimal(c["targetValue"])
        for c in next(
            r for r in (await read(gql, v2["id"]))["decomposition"]["rows"] if r["level3"] == "年末参保人数"
        )["cells"]
    )
    assert total == Decimal(1050)


async def test_art14_adjustment_carries_its_assessment_and_redecomposes(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    province = await issued_guiding(gql, sessionmaker)
    chengdu = next(c for c in province["childGoals"] if c["region"]["code"] == "510100")
    # Chengdu's goal goes into force (guiding) and a budget is approved on it.
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    child = await through_review(gql, await read(gql, chengdu["id"]), "510100")
    child = await step(gql, "goalIssue", child)

    await gql.login_as(ActorType.TAX, "510000")  # the tax department may not start an adjustment
    body = await gql.query(
        ADJUST, {"input": {"id": province["id"], "rowVersion": province["rowVersion"], **ASSESSMENT}}
    )
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    await gql.login_as(ActorType.FINANCE, "510000")  # finance of the pooling region may
    missing = await call(
        gql,
        ADJUST,
        "goalAdjustmentRequest",
        {"id": province["id"], "rowVersion": province["rowVersion"], **dict.fromkeys(ASSESSMENT, " ")},
    )
    assert missing["__typename"] == "ValidationError"
    assert {f["field"] for f in missing["fields"]} == {
        "input.whatChanged",
        "input.reason",
        "input.fundEffect",
        "input.targetEffect",
    }
    adjusted = await call(
        gql,
        ADJUST,
        "goalAdjustmentRequest",
        {"id": province["id"], "rowVersion": province["rowVersion"], **ASSESSMENT},
    )
    v2 = adjusted["goal"]
    assert v2["version"] == 2 and v2["status"] == "DRAFT"
    assert v2["adjustment"] == {
        "whatChanged": ASSESSMENT["whatChanged"],
        "reason": ASSESSMENT["reason"],
        "fundEffect": ASSESSMENT["fundEffect"],
        "targetEffect": ASSESSMENT["targetEffect"],
    }
    again = await call(
        gql,
        ADJUST,
        "goalAdjustmentRequest",
        {"id": province["id"], "rowVersion": province["rowVersion"] + 1, **ASSESSMENT},
    )
    assert again["code"] == "ADJUSTMENT_PENDING"

    await gql.login_as(ActorType.AGENCY, "510000", MED)
    v2 = await through_review(gql, await read(gql, v2["id"]))
    v2 = await step(gql, "goalIssueGuiding", v2)
    assert (await read(gql, province["id"]))["status"] == "SUPERSEDED"
    # Chengdu's guiding goal stays in force; a new version to rework is linked to the new parent.
    versions = await gql.data(
        "query($id: ID!) { goal(id: $id) { ... on Goal {"
        " versions { id version status parentGoal { id } } } } }",
        {"id": chengdu["id"]},
    )
    found = sorted(versions["goal"]["versions"], key=lambda g: g["version"])
    assert [(g["version"], g["status"]) for g in found] == [(1, "ISSUED_GUIDING"), (2, "DRAFT")]
    assert found[1]["parentGoal"] == {"id": v2["id"]}


async def test_art14_demo_goals_can_be_adjusted(
    engine: AsyncEngine, sessionmaker: async_sessionmaker[AsyncSession], reference: None, settings: Settings
) -> None:
    async with sessionmaker() as session:
        await load_demo_data(session=session)
        await session.commit()
        lineages = (await session.exec(select(Goal.lineage_id))).all()
        # One version each, but the goal the demo adjusted from a warning (tests/seed/test_demo_warnings.py).
        assert None not in lineages and len(set(lineages)) == len(lineages) - 1
        goal = (
            await session.exec(
                select(Goal)
                .join(Region)
                .where(
                    Region.code == "510100", Goal.status == GoalStatus.ISSUED, col(Goal.start_year) == 2026
                )
                .order_by(col(Goal.id))
            )
        ).first()
        user = (await session.exec(select(User).where(User.username == "fin_510100"))).one()
    assert goal is not None
    transport = httpx.ASGITransport(app=create_app(settings, engine=engine))
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        gql = GraphQLClient(client, sessionmaker, settings)
        client.headers["Authorization"] = f"Bearer {gql.token_for(user)}"
        adjusted = await call(
            gql,
            ADJUST,
            "goalAdjustmentRequest",
            {"id": str(goal.id), "rowVersion": goal.row_version, **ASSESSMENT},
        )
    assert adjusted["__typename"] == "GoalSuccess", adjusted
    assert adjusted["goal"]["version"] == 2 and adjusted["goal"]["previousVersion"]["id"] == str(goal.id)


async def test_timestamps_read_the_same_on_every_path(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    created = await gql.data(
        """mutation($input: GoalCreateInput!) { goalCreate(input: $input) {
        ... on GoalSuccess { goal { id createdAt updatedAt } } } }""",
        {
            "input": {
                "fundTypeCode": "EMPLOYEE_MEDICAL",
                "regionCode": "510000",
                "horizon": "ANNUAL",
                "startYear": 2027,
                "endYear": 2027,
                "title": "2027年度目标",
            }
        },
    )
    goal = created["goalCreate"]["goal"]
    listed = await gql.data("query { goals(first: 5) { nodes { id createdAt updatedAt } } }")
    assert listed["goals"]["nodes"] == [goal]
    assert goal["createdAt"].endswith("+00:00")


async def test_art23_weight_total_is_the_regions_rule(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)  # weights 30+20+20+20: 90, the province's default
    await gql.login_as(ActorType.FINANCE, "510000")
    values = [{"key": "INDICATOR_WEIGHT_TOTAL", "value": "80"}, {"key": "EXECUTION_POINTS", "value": "20"}]
    changed = await gql.data(
        """mutation($input: RuleSetUpdateInput!) { ruleSetUpdate(input: $input) { __typename } }""",
        {"input": {"regionCode": "510000", "values": values}},
    )
    assert changed["ruleSetUpdate"]["__typename"] == "RuleSetUpdateSuccess", changed
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    refused = await step(gql, "goalSubmit", goal, expect="ValidationError")
    assert "指标权重合计应为 80" in str(refused)
