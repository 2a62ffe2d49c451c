"""The goal workflow end to end through the API: drafting, the review chain, issuing and decomposition,
returns, adjustment into new versions, and the audit trail each step leaves."""

from typing import Any

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, Goal, Indicator, IndicatorTemplate
from src.models.enums import (
    ActorType,
    Administration,
    Aggregation,
    GoalHorizon,
    GoalStatus,
    IndicatorCategory,
)
from tests.factories import make_goal
from tests.schema.conftest import GraphQLClient

MED = Administration.MEDICAL_SECURITY

GOAL_FIELDS = """
  id status version rowVersion adjustmentReason nationalSubmittedAt nationalApprovedAt
  region { code } weightTotal
  drafterOrganization { actorType } coDrafterOrganization { actorType name }
  transitions { action fromStatus toStatus reason user { username } organization { actorType } }
  childGoals { id status region { code } indicators { level3 weight } parentGoal { id } }
  versions { id version status }
"""
RESULT = f"""
  __typename
  ... on GoalSuccess {{ goal {{ {GOAL_FIELDS} }} }}
  ... on UserError {{ message code }}
  ... on ValidationError {{ fields {{ field message code }} }}
  ... on InvalidTransitionError {{ currentStatus operation }}
  ... on ConflictError {{ currentVersion }}
"""


def mutation(
    name: str, args: str = "$id: ID!, $rowVersion: Int!", call: str = "id: $id, rowVersion: $rowVersion"
) -> str:
    return f"mutation({args}) {{ {name}({call}) {{ {RESULT} }} }}"


CREATE = """mutation($input: GoalCreateInput!) { goalCreate(input: $input) { __typename
  ... on GoalSuccess { goal { id rowVersion status } } ... on UserError { message } } }"""
ADD = """mutation($input: IndicatorAddFromTemplatesInput!) { indicatorAddFromTemplates(input: $input) {
  __typename ... on IndicatorsAddSuccess { goal { rowVersion weightTotal } indicators { id level3 } }
  ... on ValidationError { fields { field code message } } } }"""
RETURN = mutation("goalReturn", "$input: GoalReasonInput!", "input: $input")
ADJUST = mutation("goalAdjustmentRequest", "$input: GoalAdjustmentRequestInput!", "input: $input")
ASSESS = {"whatChanged": "参保人数变化", "fundEffect": "收入减少", "targetEffect": "目标下调"}


async def step(
    gql: GraphQLClient, name: str, goal: dict[str, Any], expect: str = "GoalSuccess"
) -> dict[str, Any]:
    data = await gql.data(mutation(name), {"id": goal["id"], "rowVersion": goal["rowVersion"]})
    result: dict[str, Any] = data[name]
    assert result["__typename"] == expect, result
    return result["goal"] if expect == "GoalSuccess" else result


async def template_ids(sessionmaker: async_sessionmaker[AsyncSession], fund: str) -> list[int]:
    """The library's templates for `fund`: first one of each level-1 category (Art. 9: a goal of the first
    four may be submitted), none that splits by sum (a decomposition of them needs no budgets), then the
    others in library order."""
    async with sessionmaker() as s:
        fund_id = (
            await s.exec(
                select(func.min(IndicatorTemplate.fund_type_id)).where(
                    IndicatorTemplate.key.startswith(f"{fund}:")
                )
            )
        ).one()
        rows = (
            await s.exec(
                select(IndicatorTemplate)
                .where(
                    (col(IndicatorTemplate.fund_type_id) == fund_id)
                    | col(IndicatorTemplate.fund_type_id).is_(None)
                )
                .order_by(col(IndicatorTemplate.id))
            )
        ).all()
    first = [
        next(t for t in rows if t.level1 == category and t.aggregation != Aggregation.SUM)
        for category in IndicatorCategory
    ]
    return [t.id for t in first + [t for t in rows if t not in first] if t.id is not None]


async def draft_goal(
    gql: GraphQLClient,
    sessionmaker: async_sessionmaker[AsyncSession],
    *,
    fund: str = "EMPLOYEE_MEDICAL",
    region: str = "510000",
    administration: Administration = MED,
    complete: bool = True,
    concur: bool = True,
) -> dict[str, Any]:
    """Logs in as the agency of `region` and drafts an annual 2027 goal; weights total 90 (the province's
    indicator total) if complete, 85 if not;
    the region's tax department concurs unless told not to (Art. 7)."""
    await gql.login_as(ActorType.AGENCY, region, administration)
    created = await gql.data(
        CREATE,
        {
            "input": {
                "fundTypeCode": fund,
                "regionCode": region,
                "horizon": "ANNUAL",
                "startYear": 2027,
                "endYear": 2027,
                "title": "2027年度目标",
                "content": "确保基金收支平衡",
            }
        },
    )
    goal = created["goalCreate"]["goal"]
    ids = (await template_ids(sessionmaker, fund))[:4]
    weights = ["30", "20", "20", "20"] if complete else ["30", "20", "20", "15"]
    added = await gql.data(
        ADD,
        {
            "input": {
                "goalId": goal["id"],
                "rowVersion": goal["rowVersion"],
                "items": [
                    {"templateId": str(t), "weight": w, "targetValue": "1"}
                    for t, w in zip(ids, weights, strict=True)
                ],
            }
        },
    )
    assert added["indicatorAddFromTemplates"]["__typename"] == "IndicatorsAddSuccess", added
    goal["rowVersion"] = added["indicatorAddFromTemplates"]["goal"]["rowVersion"]
    if concur:
        goal = await tax_concur(gql, goal, region, administration)
    return dict(goal)


TAX_CONCUR = mutation("goalTaxConcur", "$input: GoalTaxConcurInput!", "input: $input")


async def prefecture_draft(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession], region: str = "510100"
) -> dict[str, Any]:
    """A prefecture's 2027 draft (weights at 90) put in place directly, as one kept from before the
    decomposition rule (goalCreate now refuses it, Art. 6); its tax department concurs through the API and
    the agency is logged in."""
    async with sessionmaker() as session:
        goal = await make_goal(session, region_code=region, year=2027, status=GoalStatus.DRAFT)
        await session.commit()
    return await tax_concur(gql, {"id": str(goal.id), "rowVersion": goal.row_version}, region, MED)


async def tax_concur(
    gql: GraphQLClient, goal: dict[str, Any], region: str, administration: Administration | None = None
) -> dict[str, Any]:
    """The region's tax department concurs with the goal as it stands (Art. 7); the agency is logged in
    again afterwards when `administration` names it."""
    await gql.login_as(ActorType.TAX, region)
    data = await gql.data(TAX_CONCUR, {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"]}})
    assert data["goalTaxConcur"]["__typename"] == "GoalSuccess", data
    if administration is not None:
        await gql.login_as(ActorType.AGENCY, region, administration)
    return {**goal, "rowVersion": data["goalTaxConcur"]["goal"]["rowVersion"]}


async def test_province_goal_through_the_whole_chain(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    # A national tax org and the provincial tax department exist: the tax department is the co-drafter.
    await gql.login_as(ActorType.TAX, "510000")
    goal = await draft_goal(gql, sessionmaker)
    goal = await step(gql, "goalSubmit", goal)
    assert goal["status"] == "SUBMITTED" and goal["coDrafterOrganization"]["actorType"] == "TAX"
    assert goal["drafterOrganization"] == {"actorType": "AGENCY"}

    await gql.login_as(ActorType.MEDICAL_SECURITY, "510000", MED)
    goal = await step(gql, "goalPreliminaryReview", goal)
    await gql.login_as(ActorType.FINANCE, "510000")
    goal = await step(gql, "goalReview", goal)
    goal = await step(gql, "goalIssueGuiding", goal)  # Art. 10: guiding goals go out with the budget
    assert goal["status"] == "ISSUED_GUIDING"
    # Medical funds are pooled by prefecture: 21 draft goals, each with the province's indicators.
    children = goal["childGoals"]
    assert len(children) == 21 and {c["status"] for c in children} == {"DRAFT"}
    assert all(len(c["indicators"]) == 4 and c["parentGoal"] == {"id": goal["id"]} for c in children)
    goal = await step(gql, "goalSubmitToNational", goal)
    assert goal["status"] == "ISSUED_GUIDING" and goal["nationalSubmittedAt"]
    await step(gql, "goalSubmitToNational", goal, expect="InvalidTransitionError")

    await gql.login_as(ActorType.NATIONAL, "510000")
    goal = await step(gql, "goalNationalApprove", goal)
    await gql.login_as(ActorType.FINANCE, "510000")
    goal = await step(gql, "goalIssue", goal)
    assert goal["status"] == "ISSUED" and len(goal["childGoals"]) == 21  # not decomposed twice
    assert [(t["action"], t["fromStatus"], t["toStatus"]) for t in goal["transitions"]] == [
        ("SUBMIT", "DRAFT", "SUBMITTED"),
        ("PRELIMINARY_REVIEW", "SUBMITTED", "PRELIMINARY_REVIEWED"),
        ("REVIEW", "PRELIMINARY_REVIEWED", "REVIEWED"),
        ("ISSUE_GUIDING", "REVIEWED", "ISSUED_GUIDING"),
        ("SUBMIT_TO_NATIONAL", "ISSUED_GUIDING", "ISSUED_GUIDING"),
        ("NATIONAL_APPROVE", "ISSUED_GUIDING", "ISSUED_GUIDING"),  # guiding until formally issued (Art. 10)
        ("ISSUE", "ISSUED_GUIDING", "ISSUED"),
    ]
    assert [t["organization"]["actorType"] for t in goal["transitions"]] == [
        "AGENCY",
        "MEDICAL_SECURITY",
        "FINANCE",
        "FINANCE",
        "FINANCE",
        "NATIONAL",
        "FINANCE",
    ]

    # The prefecture fills in its decomposed goal and takes it through its own chain.
    chengdu = next(c for c in children if c["region"]["code"] == "510100")
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    listing = await gql.data(
        "query($id: ID!) { goal(id: $id) { ... on Goal { id rowVersion } } }", {"id": chengdu["id"]}
    )
    chengdu = await tax_concur(gql, listing["goal"], "510100", MED)
    chengdu = await step(gql, "goalSubmit", chengdu)
    await gql.login_as(ActorType.MEDICAL_SECURITY, "510100", MED)
    chengdu = await step(gql, "goalPreliminaryReview", chengdu)
    await gql.login_as(ActorType.FINANCE, "510100")
    chengdu = await step(gql, "goalReview", chengdu)
    failed = await step(gql, "goalSubmitToNational", chengdu, expect="InvalidTransitionError")
    assert "全省统一" in failed["message"]
    chengdu = await step(gql, "goalIssue", chengdu)
    assert chengdu["status"] == "ISSUED" and chengdu["childGoals"] == []


async def test_province_pooled_fund_is_not_decomposed(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker, fund="WORK_INJURY", administration=Administration.HRSS)
    goal = await step(gql, "goalSubmit", goal)
    await gql.login_as(ActorType.HRSS, "510000", Administration.HRSS)
    goal = await step(gql, "goalPreliminaryReview", goal)
    await gql.login_as(ActorType.FINANCE, "510000")
    goal = await step(gql, "goalReview", goal)
    goal = await step(gql, "goalIssueGuiding", goal)
    assert goal["childGoals"] == []


async def test_return_needs_a_reason_and_sends_the_goal_back(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    goal = await step(gql, "goalSubmit", goal)
    await gql.login_as(ActorType.MEDICAL_SECURITY, "510000", MED)
    blank = await gql.data(
        RETURN, {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"], "reason": "  "}}
    )
    assert blank["goalReturn"]["__typename"] == "ValidationError"
    assert blank["goalReturn"]["fields"] == [
        {"field": "input.reason", "message": "退回须说明理由", "code": "REQUIRED"}
    ]
    returned = await gql.data(
        RETURN, {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"], "reason": "参保率目标偏低"}}
    )
    goal = returned["goalReturn"]["goal"]
    assert goal["status"] == "RETURNED"
    assert goal["transitions"][-1]["reason"] == "参保率目标偏低"
    assert goal["transitions"][-1]["organization"]["actorType"] == "MEDICAL_SECURITY"
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    goal = await step(gql, "goalSubmit", goal)  # a returned goal is edited and resubmitted
    assert goal["status"] == "SUBMITTED"


async def test_invalid_transition_names_the_current_state(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    await gql.login_as(ActorType.FINANCE, "510000")
    result = await step(gql, "goalReview", goal, expect="InvalidTransitionError")
    assert result["currentStatus"] == "DRAFT" and result["operation"] == "goalReview"
    assert "草稿" in result["message"]


async def test_submission_requires_weights_totalling_90(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker, complete=False)
    result = await step(gql, "goalSubmit", goal, expect="ValidationError")
    assert result["fields"] == [
        {"field": "indicators", "message": "指标权重合计应为 90，当前为 85", "code": "INVALID"}
    ]
    async with sessionmaker() as s:  # refused: still a draft, nothing recorded
        row = await s.get(Goal, int(goal["id"]))
        assert row is not None and row.status.value == "DRAFT" and row.row_version == goal["rowVersion"]


INDICATOR_CREATE = """mutation($input: IndicatorCreateInput!) { indicatorCreate(input: $input) { __typename
  ... on IndicatorSuccess { indicator { id rowVersion } goal { rowVersion } } } }"""
INDICATOR_UPDATE = """mutation($input: IndicatorUpdateInput!) { indicatorUpdate(input: $input) { __typename
  ... on IndicatorSuccess { goal { rowVersion } } ... on ValidationError { fields { field code } } } }"""
CATEGORIES_WHY = "（第九条：绩效指标应涵盖决策、过程、产出、效益等方面）"
KINDS_WHY = "（第九条：绩效指标采取定量与定性相结合的方式设定）"
QUALITATIVE = {
    "kind": "QUALITATIVE",
    "comparator": "GRADE",
    "aggregation": "NONE",
    "unit": "",
    "targetValue": None,
    "targetGrade": "ACHIEVED",
}


async def output_only_goal(gql: GraphQLClient) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The province's 2027 draft with four quantitative OUTPUT indicators of 22.5 (the agency logged in)."""
    await gql.login_as(ActorType.TAX, "510000")  # the provincial tax bureau exists, to concur
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    created = await gql.data(
        CREATE,
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
    indicators = []
    for n in range(4):
        made = await gql.data(
            INDICATOR_CREATE,
            {
                "input": {
                    "goalId": goal["id"],
                    "level1": "OUTPUT",
                    "level2": "数量",
                    "level3": f"产出指标{n + 1}",
                    "kind": "QUANTITATIVE",
                    "comparator": "GE",
                    "unit": "%",
                    "targetValue": "95",
                    "weight": "22.5",
                }
            },
        )
        assert made["indicatorCreate"]["__typename"] == "IndicatorSuccess", made
        indicators.append(made["indicatorCreate"]["indicator"])
        goal["rowVersion"] = made["indicatorCreate"]["goal"]["rowVersion"]
    return goal, indicators


async def change_indicator(
    gql: GraphQLClient, goal: dict[str, Any], indicator: dict[str, Any], **change: Any
) -> dict[str, Any]:
    """An edit of one indicator; the goal with its row version after it."""
    variables = {"input": {"id": indicator["id"], "rowVersion": indicator["rowVersion"], **change}}
    updated = (await gql.data(INDICATOR_UPDATE, variables))["indicatorUpdate"]
    assert updated["__typename"] == "IndicatorSuccess", updated
    return {**goal, "rowVersion": updated["goal"]["rowVersion"]}


async def test_art9_submission_needs_every_category_and_both_kinds(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """「采取定量与定性相结合的方式设定，涵盖决策、过程、产出、效益等方面」: four quantitative OUTPUT
    indicators are refused at submission, each missing part named; covering all four categories, with a
    qualitative indicator among them, the same goal is submitted."""
    goal, indicators = await output_only_goal(gql)
    goal = await tax_concur(gql, goal, "510000", MED)
    refused = await step(gql, "goalSubmit", goal, expect="ValidationError")
    assert refused["fields"] == [
        {"field": "indicators", "message": f"缺少决策、过程、效益类指标{CATEGORIES_WHY}", "code": "REQUIRED"},
        {"field": "indicators", "message": f"缺少定性指标{KINDS_WHY}", "code": "REQUIRED"},
    ]
    async with sessionmaker() as s:  # refused: still a draft, nothing recorded
        row = await s.get(Goal, int(goal["id"]))
        assert row is not None and row.status == GoalStatus.DRAFT and row.row_version == goal["rowVersion"]

    second, third, fourth = indicators[1:]
    goal = await change_indicator(gql, goal, second, level1="DECISION", level2="政策制定", **QUALITATIVE)
    goal = await change_indicator(gql, goal, third, level1="PROCESS", level2="基金预算管理")
    goal = await change_indicator(gql, goal, fourth, level1="BENEFIT", level2="满意度")
    goal = await tax_concur(gql, goal, "510000", MED)  # the edits voided the concurrence
    submitted = await step(gql, "goalSubmit", goal)
    assert submitted["status"] == "SUBMITTED"


async def test_art23_a_region_may_read_the_categories_of_art9_as_examples(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """INDICATOR_COVERAGE (Art. 23): with BOTH_KINDS the categories are no longer each required; both kinds
    still are."""
    await gql.login_as(ActorType.FINANCE, "510000")
    changed = await gql.data(
        """mutation($input: RuleSetUpdateInput!) { ruleSetUpdate(input: $input) { __typename } }""",
        {"input": {"regionCode": "510000", "values": [{"key": "INDICATOR_COVERAGE", "value": "BOTH_KINDS"}]}},
    )
    assert changed["ruleSetUpdate"]["__typename"] == "RuleSetUpdateSuccess", changed
    goal, indicators = await output_only_goal(gql)
    goal = await tax_concur(gql, goal, "510000", MED)
    refused = await step(gql, "goalSubmit", goal, expect="ValidationError")
    assert refused["fields"] == [
        {"field": "indicators", "message": f"缺少定性指标{KINDS_WHY}", "code": "REQUIRED"}
    ]
    goal = await change_indicator(gql, goal, indicators[3], level2="质量", **QUALITATIVE)
    goal = await tax_concur(gql, goal, "510000", MED)
    assert (await step(gql, "goalSubmit", goal))["status"] == "SUBMITTED"


async def test_stale_row_version_is_a_conflict_and_changes_nothing(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    update = """mutation($input: GoalUpdateInput!) { goalUpdate(input: $input) { __typename
                ... on GoalSuccess { goal { title rowVersion } }
                ... on ConflictError { currentVersion message } } }"""
    first = await gql.data(
        update, {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"], "title": "甲"}}
    )
    assert first["goalUpdate"]["goal"]["rowVersion"] == goal["rowVersion"] + 1
    stale = await gql.data(
        update, {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"], "title": "乙"}}
    )
    assert stale["goalUpdate"]["__typename"] == "ConflictError"
    assert stale["goalUpdate"]["currentVersion"] == goal["rowVersion"] + 1
    async with sessionmaker() as s:
        row = await s.get(Goal, int(goal["id"]))
        assert row is not None and row.title == "甲"
        audits = (await s.exec(select(AuditEvent.operation).where(AuditEvent.target_id == row.id))).all()
        assert list(audits).count("goalUpdate") == 1


async def test_indicator_validation_reports_each_field(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    create = """mutation($input: IndicatorCreateInput!) { indicatorCreate(input: $input) { __typename
                ... on ValidationError { fields { field code } }
                ... on IndicatorSuccess { indicator { id } } } }"""
    base = {"goalId": goal["id"], "level1": "OUTPUT", "level2": "数量", "level3": "新增指标", "weight": "10"}
    cases = [
        (
            {"kind": "QUANTITATIVE", "comparator": "GRADE", "unit": ""},
            {("input.comparator", "INVALID"), ("input.targetValue", "REQUIRED"), ("input.unit", "REQUIRED")},
        ),
        (
            {"kind": "QUALITATIVE", "comparator": "GRADE", "targetValue": "3"},
            {("input.targetGrade", "REQUIRED"), ("input.targetValue", "INVALID")},
        ),
        (
            {"kind": "QUANTITATIVE", "comparator": "GE", "targetValue": "3", "unit": "%", "weight": "0"},
            {("input.weight", "OUT_OF_RANGE")},
        ),
    ]
    for extra, expected in cases:
        result = (await gql.data(create, {"input": {**base, **extra}}))["indicatorCreate"]
        assert result["__typename"] == "ValidationError"
        assert {(f["field"], f["code"]) for f in result["fields"]} == expected
    existing = (
        await gql.data(
            "query($id: ID!) { goal(id: $id) { ... on Goal { indicators { level3 } } } }", {"id": goal["id"]}
        )
    )["goal"]["indicators"][0]["level3"]
    duplicate = await gql.data(
        create,
        {
            "input": {
                **base,
                "level3": existing,
                "kind": "QUALITATIVE",
                "comparator": "GRADE",
                "targetGrade": "ACHIEVED",
            }
        },
    )
    assert duplicate["indicatorCreate"]["fields"] == [{"field": "input.level3", "code": "DUPLICATE"}]
    async with sessionmaker() as s:
        count = (
            await s.exec(
                select(func.count()).select_from(Indicator).where(Indicator.goal_id == int(goal["id"]))
            )
        ).one()
    assert count == 4  # nothing refused was written


async def test_adjustment_yields_a_new_version_and_supersedes_the_old(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await prefecture_draft(gql, sessionmaker)
    goal = await step(gql, "goalSubmit", goal)
    await gql.login_as(ActorType.MEDICAL_SECURITY, "510100", MED)
    goal = await step(gql, "goalPreliminaryReview", goal)
    await gql.login_as(ActorType.FINANCE, "510100")
    goal = await step(gql, "goalReview", goal)
    goal = await step(gql, "goalIssue", goal)

    await gql.login_as(ActorType.AGENCY, "510100", MED)
    update = """mutation($input: GoalUpdateInput!) { goalUpdate(input: $input) { __typename
                ... on InvalidTransitionError { currentStatus } } }"""
    refused = await gql.data(
        update, {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"], "title": "x"}}
    )
    assert refused["goalUpdate"] == {"__typename": "InvalidTransitionError", "currentStatus": "ISSUED"}

    adjusted = await gql.data(
        ADJUST,
        {
            "input": {
                "id": goal["id"],
                "rowVersion": goal["rowVersion"],
                **ASSESS,
                "reason": "参保人数大幅变化",
            }
        },
    )
    v2 = adjusted["goalAdjustmentRequest"]["goal"]
    assert (v2["version"], v2["status"], v2["adjustmentReason"]) == (2, "DRAFT", "参保人数大幅变化")
    assert [v["version"] for v in v2["versions"]] == [1, 2] and v2["weightTotal"] == "90.00"
    again = await gql.data(
        ADJUST,
        {"input": {"id": goal["id"], "rowVersion": goal["rowVersion"] + 1, **ASSESS, "reason": "再次调整"}},
    )
    assert again["goalAdjustmentRequest"]["__typename"] == "ConflictError"

    v2 = await tax_concur(gql, v2, "510100", MED)
    v2 = await step(gql, "goalSubmit", v2)
    await gql.login_as(ActorType.MEDICAL_SECURITY, "510100", MED)
    v2 = await step(gql, "goalPreliminaryReview", v2)
    await gql.login_as(ActorType.FINANCE, "510100")
    v2 = await step(gql, "goalReview", v2)
    v2 = await step(gql, "goalIssue", v2)
    assert [(v["version"], v["status"]) for v in v2["versions"]] == [(1, "SUPERSEDED"), (2, "ISSUED")]


async def test_every_step_is_audited_and_the_trail_is_append_only(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    await step(gql, "goalSubmit", goal)
    await step(
        gql, "goalSubmit", {**goal, "rowVersion": goal["rowVersion"] + 1}, expect="InvalidTransitionError"
    )
    query = """query($filter: AuditFilter) { auditEvents(filter: $filter, first: 100) { totalCount nodes {
               operation targetType targetId changes user { username } organization { actorType } } } }"""
    body = await gql.query(query, {"filter": {"targetType": "Goal"}})
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"  # an agency does not read the trail
    await gql.login_as(ActorType.FINANCE, "510000")
    events = (await gql.data(query, {"filter": {"targetType": "Goal", "targetId": goal["id"]}}))[
        "auditEvents"
    ]
    operations = [e["operation"] for e in events["nodes"]]
    assert operations == ["goalCreate", "goalTaxConcur", "goalSubmit"]  # the refusal left none
    submit = events["nodes"][2]
    assert submit["changes"]["status"] == {"before": "DRAFT", "after": "SUBMITTED"}
    assert submit["organization"] == {"actorType": "AGENCY"}
    indicator_events = (await gql.data(query, {"filter": {"operation": "indicatorAddFromTemplates"}}))[
        "auditEvents"
    ]
    assert indicator_events["totalCount"] == 4

    async with sessionmaker() as s:
        from sqlalchemy import text
        from sqlalchemy.exc import DBAPIError

        for statement in ("UPDATE audit_event SET operation = 'forged'", "DELETE FROM audit_event"):
            with pytest.raises(DBAPIError, match="append-only"):
                await (await s.connection()).execute(text(statement))
            await s.rollback()


async def test_goal_create_validation(gql: GraphQLClient) -> None:
    create = """mutation($input: GoalCreateInput!) { goalCreate(input: $input) { __typename
      ... on ValidationError { fields { field code } } ... on NotFoundError { entity key }
      ... on ConflictError { message }
      ... on GoalSuccess { goal { id title drafterOrganization { actorType } } } } }"""
    base = {
        "fundTypeCode": "EMPLOYEE_MEDICAL",
        "regionCode": "510104",
        "horizon": "ANNUAL",
        "startYear": 2027,
        "endYear": 2028,
        "title": " ",
    }
    await gql.login_as(ActorType.AGENCY, "510104", MED)
    refused = (await gql.data(create, {"input": base}))["goalCreate"]
    assert refused["__typename"] == "ValidationError"
    assert {(f["field"], f["code"]) for f in refused["fields"]} == {
        ("input.title", "REQUIRED"),
        ("input.endYear", "INVALID"),
        ("input.regionCode", "INVALID"),
    }
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    unknown = await gql.data(create, {"input": {**base, "fundTypeCode": "NOPE", "regionCode": "510100"}})
    assert unknown["goalCreate"] == {"__typename": "NotFoundError", "entity": "险种", "key": "NOPE"}
    await gql.login_as(ActorType.AGENCY, "510000", MED)
    good = {**base, "regionCode": "510000", "endYear": 2027, "title": "四川省2027年度目标"}
    created = (await gql.data(create, {"input": good}))["goalCreate"]
    assert created["__typename"] == "GoalSuccess" and created["goal"]["drafterOrganization"] == {
        "actorType": "AGENCY"
    }
    duplicate = (await gql.data(create, {"input": good}))["goalCreate"]
    assert duplicate["__typename"] == "ConflictError"


CREATE_LINKED = """mutation($input: GoalCreateInput!) { goalCreate(input: $input) { __typename
  ... on GoalSuccess { goal { id } } ... on ValidationError { fields { field message code } } } }"""
OVERALL_AND_ANNUAL = """query($id: ID!) { goal(id: $id) { ... on Goal { horizon startYear endYear
  overallGoal { id title startYear endYear } annualGoals { id startYear } } } }"""


async def test_art8_an_annual_goal_belongs_to_an_overall_goal(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """「年度目标是实现总体目标的年度计划任务」: an annual goal links to an overall goal of its fund and
    region whose period covers its year, and reads back both ways; any other link is a FieldError on
    input.overallGoalId and creates nothing."""
    async with sessionmaker() as s:  # made directly: goalCreate makes only the province's goals (Art. 6)
        chengdu = await make_goal(s, region_code="510100", horizon=GoalHorizon.OVERALL, indicators=0)
        injury = await make_goal(
            s, fund_code="WORK_INJURY", region_code="510000", horizon=GoalHorizon.OVERALL, indicators=0
        )  # an HRSS fund's: the medical agency does not see it
        await s.commit()
    await gql.login_as(ActorType.AGENCY, "510000", MED)

    async def create(**values: Any) -> dict[str, Any]:
        base = {"fundTypeCode": "EMPLOYEE_MEDICAL", "regionCode": "510000", "horizon": "ANNUAL"}
        result: dict[str, Any] = (await gql.data(CREATE_LINKED, {"input": {**base, **values}}))["goalCreate"]
        return result

    title = "四川省2026—2030年职工医保预算绩效总体目标"
    overall = await create(horizon="OVERALL", startYear=2026, endYear=2030, title=title)
    overall_id = overall["goal"]["id"]
    annual = await create(startYear=2027, endYear=2027, title="2027年度目标", overallGoalId=overall_id)
    assert annual["__typename"] == "GoalSuccess", annual
    annual_id = annual["goal"]["id"]
    read = (await gql.data(OVERALL_AND_ANNUAL, {"id": annual_id}))["goal"]
    assert read["overallGoal"] == {"id": overall_id, "title": title, "startYear": 2026, "endYear": 2030}
    read = (await gql.data(OVERALL_AND_ANNUAL, {"id": overall_id}))["goal"]
    assert (read["horizon"], read["overallGoal"]) == ("OVERALL", None)
    assert read["annualGoals"] == [{"id": annual_id, "startYear": 2027}]

    resident = await create(
        fundTypeCode="RESIDENT_MEDICAL", horizon="OVERALL", startYear=2026, endYear=2030, title="居民医保"
    )
    y2028 = {"startYear": 2028, "endYear": 2028}
    refusals: list[tuple[dict[str, Any], str, str, str]] = [
        (
            {"startYear": 2031, "endYear": 2031},
            overall_id,
            "2031年不在总体目标的期间（2026—2030年）内",
            "INVALID",
        ),
        (y2028, resident["goal"]["id"], "总体目标须为同一险种的目标", "INVALID"),
        (y2028, str(chengdu.id), "总体目标须为同一统筹地区的目标", "INVALID"),
        (y2028, annual_id, "所选目标是年度目标；年度目标只能归属总体目标（第八条）", "INVALID"),
        (
            {"horizon": "OVERALL", "startYear": 2031, "endYear": 2035},
            overall_id,
            "只有年度目标归属总体目标（第八条）",
            "INVALID",
        ),
        (y2028, str(injury.id), "总体目标不存在", "NOT_FOUND"),
        (y2028, "999999", "总体目标不存在", "NOT_FOUND"),
    ]
    for period, linked, message, code in refusals:
        refused = await create(**period, title="年度目标", overallGoalId=linked)
        assert refused == {
            "__typename": "ValidationError",
            "fields": [{"field": "input.overallGoalId", "message": message, "code": code}],
        }, (period, linked)
    async with sessionmaker() as s:  # nothing refused was created
        assert (await s.exec(select(func.count()).select_from(Goal))).one() == 5


async def test_goal_delete_only_while_draft(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await prefecture_draft(gql, sessionmaker)
    delete = """mutation($id: ID!, $rowVersion: Int!) {
      goalDelete(id: $id, rowVersion: $rowVersion) { __typename
      ... on GoalDeleteSuccess { deletedId } ... on InvalidTransitionError { currentStatus } } }"""
    submitted = await step(gql, "goalSubmit", goal)
    refused = (await gql.data(delete, {"id": goal["id"], "rowVersion": submitted["rowVersion"]}))[
        "goalDelete"
    ]
    assert refused == {"__typename": "InvalidTransitionError", "currentStatus": "SUBMITTED"}
    await gql.login_as(ActorType.AGENCY, "510000", MED)  # only the province's goals are created
    fresh = await gql.data(
        CREATE,
        {
            "input": {
                "fundTypeCode": "EMPLOYEE_MEDICAL",
                "regionCode": "510000",
                "horizon": "ANNUAL",
                "startYear": 2029,
                "endYear": 2029,
                "title": "待删除",
            }
        },
    )
    target = fresh["goalCreate"]["goal"]
    deleted = (await gql.data(delete, {"id": target["id"], "rowVersion": target["rowVersion"]}))["goalDelete"]
    assert deleted == {"__typename": "GoalDeleteSuccess", "deletedId": target["id"]}
    async with sessionmaker() as s:
        assert await s.get(Goal, int(target["id"])) is None
