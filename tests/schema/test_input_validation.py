"""Bad input is refused at the edge, typed, and changes nothing, on SQLite and on PostgreSQL alike.

Strings: NUL and other control characters, unpaired surrogates, line breaks in one-line values, values longer
than their column or than the hard cap (src/schema/inputs.py). Decimals: NaN, sNaN, Infinity, too many digits
or decimal places for their column. Mutations answer with ValidationError { fields }, login and tokenRefresh
with InvalidCredentials, everything else with a top-level INVALID_ARGUMENT error.
"""

import json
from typing import Any

from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlmodel import col, func, select
from sqlmodel.ext.asyncio.session import AsyncSession

from src.models import AuditEvent, Goal, GoalTransition, Indicator, IndicatorTemplate, RefreshToken
from src.models.enums import ActorType, Administration, IndicatorKind
from src.models.types import FREE_TEXT_MAX_LENGTH
from src.schema.inputs import MAX_STRING_LENGTH
from tests.schema.conftest import GraphQLClient
from tests.schema.test_goal_workflow import draft_goal, prefecture_draft, step, template_ids

MED = Administration.MEDICAL_SECURITY
REFUSED = """__typename
  ... on UserError { code message }
  ... on ValidationError { fields { field code message } }"""


def mutation(name: str, input_type: str, success: str = "") -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {REFUSED} {success} }} }}"


GOAL_CREATE = mutation("goalCreate", "GoalCreateInput", "... on GoalSuccess { goal { id title } }")
GOAL_UPDATE = mutation(
    "goalUpdate", "GoalUpdateInput", "... on GoalSuccess { goal { id rowVersion title content } }"
)
GOAL_RETURN = mutation("goalReturn", "GoalReasonInput", "... on GoalSuccess { goal { status } }")
GOAL_ADJUST = mutation(
    "goalAdjustmentRequest", "GoalAdjustmentRequestInput", "... on GoalSuccess { goal { status } }"
)
# The rest of an adjustment's assessment (Art. 14), around the reason each case varies.
ASSESS = {"whatChanged": "参保人数变化", "fundEffect": "收入减少", "targetEffect": "目标下调"}
INDICATOR = "id level2 level3 unit definition weight targetValue rowVersion"
INDICATOR_CREATE = mutation(
    "indicatorCreate", "IndicatorCreateInput", f"... on IndicatorSuccess {{ indicator {{ {INDICATOR} }} }}"
)
INDICATOR_UPDATE = mutation(
    "indicatorUpdate", "IndicatorUpdateInput", f"... on IndicatorSuccess {{ indicator {{ {INDICATOR} }} }}"
)
INDICATOR_ADD = mutation(
    "indicatorAddFromTemplates",
    "IndicatorAddFromTemplatesInput",
    f"... on IndicatorsAddSuccess {{ indicators {{ {INDICATOR} }} }}",
)
GOAL_SUBMIT = f"""mutation($id: ID!, $rowVersion: Int!) {{
  goalSubmit(id: $id, rowVersion: $rowVersion) {{ {REFUSED} }} }}"""


async def post(gql: GraphQLClient, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
    """The request as a client may send it: json.dumps escapes unpaired surrogates (\\ud800). (It writes float
    NaN and Infinity as bare tokens, which are not JSON: tests/app/test_malformed_requests.py.)"""
    body = json.dumps({"query": query, "variables": variables or {}})
    response = await gql.http.post(
        "/graphql", content=body.encode(), headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 200, response.text[:500]
    result: dict[str, Any] = response.json()
    return result


async def refused_fields(
    gql: GraphQLClient, query: str, variables: dict[str, Any], expected: str = "ValidationError"
) -> list[tuple[str, str]]:
    """The (field, code) pairs of the mutation's ValidationError; fails on any other answer."""
    body = await post(gql, query, variables)
    assert "errors" not in body, body["errors"]
    [result] = body["data"].values()
    assert result["__typename"] == expected, result
    assert result["code"] == "VALIDATION_FAILED"
    assert all(f["message"] for f in result["fields"])
    return [(f["field"], f["code"]) for f in result["fields"]]


async def top_level_codes(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> list[str]:
    body = await post(gql, query, variables)
    assert not any((body.get("data") or {}).values()), body  # null, or the nullable field null
    return [e["extensions"]["code"] for e in body["errors"]]


async def stored(sessionmaker: async_sessionmaker[AsyncSession]) -> dict[str, Any]:
    """Everything a refused request could have changed."""
    async with sessionmaker() as s:
        goals = (await s.exec(select(Goal).order_by(col(Goal.id)))).all()
        indicators = (await s.exec(select(Indicator).order_by(col(Indicator.id)))).all()
        counts = {
            model.__name__: (await s.exec(select(func.count()).select_from(model))).one()
            for model in (GoalTransition, AuditEvent, RefreshToken)
        }
        return {
            "goals": [g.model_dump() for g in goals],
            "indicators": [i.model_dump() for i in indicators],
            **counts,
        }


def quantitative(goal: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return {
        "input": {
            "goalId": goal["id"],
            "level1": "OUTPUT",
            "level2": "数量指标",
            "level3": "新增指标",
            "kind": "QUANTITATIVE",
            "comparator": "GE",
            "weight": "10",
            "targetValue": "3",
            "unit": "%",
            **changes,
        }
    }


async def first_indicator(gql: GraphQLClient, goal: dict[str, Any]) -> dict[str, Any]:
    query = "query($id: ID!) { goal(id: $id) { ... on Goal { indicators { id rowVersion } } } }"
    indicator: dict[str, Any] = (await gql.data(query, {"id": goal["id"]}))["goal"]["indicators"][0]
    return indicator


async def test_control_characters_in_mutation_inputs_are_invalid_fields(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    indicator = await first_indicator(gql, goal)
    new_goal = {
        "fundTypeCode": "EMPLOYEE_MEDICAL",
        "regionCode": "510000",
        "horizon": "ANNUAL",
        "startYear": 2028,
        "endYear": 2028,
        "title": "2028年度目标",
    }
    update = {"id": goal["id"], "rowVersion": goal["rowVersion"]}
    adding = {"goalId": goal["id"], "rowVersion": goal["rowVersion"]}
    pick = {"templateId": str((await template_ids(sessionmaker, "EMPLOYEE_MEDICAL"))[5]), "weight": "1"}
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
        (GOAL_CREATE, {"input": {**new_goal, "title": "年度\x00目标"}}, [("input.title", "INVALID")]),
        (GOAL_CREATE, {"input": {**new_goal, "regionCode": "5100\x0000"}}, [("input.regionCode", "INVALID")]),
        (GOAL_CREATE, {"input": {**new_goal, "title": "年度\n目标"}}, [("input.title", "INVALID")]),
        (GOAL_CREATE, {"input": {**new_goal, "content": "\ud800"}}, [("input.content", "INVALID")]),
        (GOAL_UPDATE, {"input": {**update, "content": "正文\x00"}}, [("input.content", "INVALID")]),
        (GOAL_UPDATE, {"input": {**update, "content": "\x1b[31m红色"}}, [("input.content", "INVALID")]),
        (GOAL_UPDATE, {"input": {**update, "title": "\u0085标题"}}, [("input.title", "INVALID")]),
        (
            INDICATOR_CREATE,
            quantitative(goal, level3="指标\x00", unit="%\t"),
            [("input.level3", "INVALID"), ("input.unit", "INVALID")],
        ),
        (
            INDICATOR_UPDATE,
            {"input": {**indicator, "definition": "\x7f", "level2": "二级\r"}},
            [("input.level2", "INVALID"), ("input.definition", "INVALID")],
        ),
        (
            INDICATOR_ADD,
            {"input": {**adding, "items": [pick, {**pick, "templateId": "1\x00"}]}},
            [("input.items.1.templateId", "INVALID")],
        ),
        (GOAL_RETURN, {"input": {**update, "reason": "理由\x00"}}, [("input.reason", "INVALID")]),
        (GOAL_ADJUST, {"input": {**update, **ASSESS, "reason": "\x00"}}, [("input.reason", "INVALID")]),
        (GOAL_SUBMIT, {"id": f"{goal['id']}\x00", "rowVersion": goal["rowVersion"]}, [("id", "INVALID")]),
    ]
    before = await stored(sessionmaker)
    for query, variables, expected in cases:
        assert await refused_fields(gql, query, variables) == expected, variables
    assert await stored(sessionmaker) == before

    # Free text keeps its line breaks and tabs.
    text = "第一段\n第二段：\t缩进\r\n第三段"
    updated = (await gql.data(GOAL_UPDATE, {"input": {**update, "content": text}}))["goalUpdate"]
    assert updated["goal"]["content"] == text
    async with sessionmaker() as s:
        row = await s.get(Goal, int(goal["id"]))
        assert row is not None and row.content == text


async def test_too_long_strings_are_out_of_range(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await prefecture_draft(gql, sessionmaker)
    indicator = await first_indicator(gql, goal)
    update = {"id": goal["id"], "rowVersion": goal["rowVersion"]}
    new_goal = {
        "fundTypeCode": "EMPLOYEE_MEDICAL",
        "regionCode": "510100",
        "horizon": "ANNUAL",
        "startYear": 2028,
        "endYear": 2028,
        "title": "2028年度目标",
    }
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
        (GOAL_CREATE, {"input": {**new_goal, "title": "x" * 500_000}}, [("input.title", "OUT_OF_RANGE")]),
        (GOAL_CREATE, {"input": {**new_goal, "title": "目" * 201}}, [("input.title", "OUT_OF_RANGE")]),
        (
            GOAL_CREATE,
            {"input": {**new_goal, "fundTypeCode": "X" * 49, "regionCode": "5" * 13}},
            [("input.fundTypeCode", "OUT_OF_RANGE"), ("input.regionCode", "OUT_OF_RANGE")],
        ),
        (
            GOAL_UPDATE,
            {"input": {**update, "content": "文" * (FREE_TEXT_MAX_LENGTH + 1)}},
            [("input.content", "OUT_OF_RANGE")],
        ),
        (
            INDICATOR_CREATE,
            quantitative(goal, level2="二" * 65, level3="三" * 129, unit="u" * 17, definition="d" * 10_001),
            [
                ("input.level2", "OUT_OF_RANGE"),
                ("input.level3", "OUT_OF_RANGE"),
                ("input.unit", "OUT_OF_RANGE"),
                ("input.definition", "OUT_OF_RANGE"),
            ],
        ),
        (
            INDICATOR_UPDATE,
            {"input": {**indicator, "level3": "三" * 129, "definition": "d" * (MAX_STRING_LENGTH + 1)}},
            [("input.definition", "OUT_OF_RANGE")],  # over the hard cap: refused before the model's check
        ),
    ]
    before = await stored(sessionmaker)
    for query, variables, expected in cases:
        assert await refused_fields(gql, query, variables) == expected, str(variables)[:200]
    assert await stored(sessionmaker) == before

    # Reasons: a returned goal, then an issued one for the adjustment request.
    goal = await step(gql, "goalSubmit", goal)
    await gql.login_as(ActorType.MEDICAL_SECURITY, "510100", MED)
    reason = {"id": goal["id"], "rowVersion": goal["rowVersion"]}
    before = await stored(sessionmaker)
    for text in ("x" * 1_000_000, "理" * (FREE_TEXT_MAX_LENGTH + 1)):
        fields = await refused_fields(gql, GOAL_RETURN, {"input": {**reason, "reason": text}})
        assert fields == [("input.reason", "OUT_OF_RANGE")]
    assert await stored(sessionmaker) == before
    goal = await step(gql, "goalPreliminaryReview", goal)
    await gql.login_as(ActorType.FINANCE, "510100")
    goal = await step(gql, "goalReview", goal)
    goal = await step(gql, "goalIssue", goal)
    await gql.login_as(ActorType.AGENCY, "510100", MED)
    reason = {"id": goal["id"], "rowVersion": goal["rowVersion"]}
    before = await stored(sessionmaker)
    for text in ("x" * 1_000_000, "理" * (FREE_TEXT_MAX_LENGTH + 1)):
        fields = await refused_fields(gql, GOAL_ADJUST, {"input": {**reason, **ASSESS, "reason": text}})
        assert fields == [("input.reason", "OUT_OF_RANGE")]
    assert await stored(sessionmaker) == before
    longest = "理" * FREE_TEXT_MAX_LENGTH  # the limit itself is accepted
    adjusted = await post(gql, GOAL_ADJUST, {"input": {**reason, **ASSESS, "reason": longest}})
    assert adjusted["data"]["goalAdjustmentRequest"]["goal"]["status"] == "DRAFT"


async def test_bad_query_and_login_arguments_are_refused(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    cases: list[tuple[str, dict[str, Any]]] = [
        ("query($c: String) { region(code: $c) { __typename } }", {"c": "5100\x0000"}),
        ('{ region(code: "5100\\u000000") { __typename } }', {}),  # a NUL in the document itself
        ("query($c: String!) { fundType(code: $c) { __typename } }", {"c": "X" * (MAX_STRING_LENGTH + 1)}),
        ("query($f: GoalFilter) { goals(filter: $f) { totalCount } }", {"f": {"regionCode": "\x00"}}),
        ("query($a: String) { goals(after: $a) { totalCount } }", {"a": "Yzox\x00"}),
        ("query($id: ID!) { goal(id: $id) { __typename } }", {"id": "\ud800"}),
        ("query($c: String) { indicatorTemplates(fundTypeCode: $c) { id } }", {"c": "WORK\nINJURY"}),
        ("query($f: AuditFilter) { auditEvents(filter: $f) { totalCount } }", {"f": {"username": "a\x00"}}),
        ("query($n: String!) { __type(name: $n) { name } }", {"n": "Goal\x00"}),
    ]
    for query, variables in cases:
        assert await top_level_codes(gql, query, variables) == ["INVALID_ARGUMENT"], query
    body = await post(gql, *cases[3])
    assert body["errors"][0]["extensions"]["fields"] == [
        {"field": "filter.regionCode", "message": "不能包含控制字符（包括换行符和制表符）", "code": "INVALID"}
    ]
    assert "\x00" not in body["errors"][0]["message"]
    fine = await post(gql, '{ __type(name: "Goal") { fields(includeDeprecated: true) { name } } }')
    assert "errors" not in fine and fine["data"]["__type"]["fields"]

    # Not logged in: login and tokenRefresh answer as for wrong credentials; nothing reaches the database.
    gql.logout()
    before = await stored(sessionmaker)
    answer = "__typename ... on UserError { code message }"
    login = f"mutation($u: String!, $p: String!) {{ login(username: $u, password: $p) {{ {answer} }} }}"
    for username, password in (
        ("fin\x00_510000", "fundperf-demo"),
        ("fin_510000", "\ud800"),
        ("u" * (MAX_STRING_LENGTH + 1), "x"),
        ("fin_510000\n", "x"),
    ):
        body = await post(gql, login, {"u": username, "p": password})
        assert body["data"]["login"]["__typename"] == "InvalidCredentials", body
        assert body["data"]["login"]["code"] == "INVALID_CREDENTIALS"
    refresh = f"mutation($t: String!) {{ tokenRefresh(refreshToken: $t) {{ {answer} }} }}"
    for token in ("\x00", "\ud800"):
        body = await post(gql, refresh, {"t": token})
        assert body["data"]["tokenRefresh"]["__typename"] == "InvalidCredentials", body
    logout = "mutation($t: String!) { logout(refreshToken: $t) }"
    assert await top_level_codes(gql, logout, {"t": "\ud800"}) == ["INVALID_ARGUMENT"]
    assert await stored(sessionmaker) == before


async def test_decimals_that_do_not_fit_their_column_are_field_errors(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    indicator = await first_indicator(gql, goal)
    pick = {"templateId": str((await template_ids(sessionmaker, "EMPLOYEE_MEDICAL"))[5]), "weight": "1"}
    weight: list[tuple[Any, str]] = [
        ("NaN", "INVALID"),
        ("sNaN", "INVALID"),
        ("Infinity", "INVALID"),
        ("-Infinity", "INVALID"),
        ("1e30", "OUT_OF_RANGE"),
        (1e30, "OUT_OF_RANGE"),
        ("1e16", "OUT_OF_RANGE"),
        ("10000", "OUT_OF_RANGE"),  # NUMERIC(6, 2)
        ("10.001", "INVALID"),  # more places than the column keeps
    ]
    target: list[tuple[Any, str]] = [
        ("NaN", "INVALID"),
        ("sNaN", "INVALID"),
        ("Infinity", "INVALID"),
        ("1e30", "OUT_OF_RANGE"),
        ("1e16", "OUT_OF_RANGE"),
        ("1e14", "OUT_OF_RANGE"),  # 14 integer digits: what a scaled BIGINT on SQLite holds as well
        ("1.23456789", "INVALID"),
    ]
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = []
    for value, code in weight:
        cases.append((INDICATOR_CREATE, quantitative(goal, weight=value), [("input.weight", code)]))
        cases.append((INDICATOR_UPDATE, {"input": {**indicator, "weight": value}}, [("input.weight", code)]))
    for value, code in target:
        cases.append((INDICATOR_CREATE, quantitative(goal, targetValue=value), [("input.targetValue", code)]))
        cases.append(
            (
                INDICATOR_ADD,
                {
                    "input": {
                        "goalId": goal["id"],
                        "rowVersion": goal["rowVersion"],
                        "items": [pick, {**pick, "targetValue": value}],
                    }
                },
                [("input.items.1.targetValue", code)],
            )
        )
    before = await stored(sessionmaker)
    for query, variables, expected in cases:
        assert await refused_fields(gql, query, variables) == expected, variables
    literal = f"""mutation {{ indicatorCreate(input: {{goalId: "{goal["id"]}", level1: OUTPUT, level2: "数量",
        level3: "新增", kind: QUANTITATIVE, comparator: GE, unit: "%", weight: "NaN", targetValue: 1e30}})
        {{ {REFUSED} }} }}"""
    assert await refused_fields(gql, literal, {}) == [("input.weight", "INVALID")]
    assert await stored(sessionmaker) == before

    # Nothing was stored: the goal still has its four indicators, weights total 100, and it submits.
    submitted = await step(gql, "goalSubmit", goal)
    assert submitted["status"] == "SUBMITTED"


async def test_replies_show_the_stored_decimals(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    goal = await draft_goal(gql, sessionmaker)
    read = f"query($id: ID!) {{ indicator(id: $id) {{ ... on Indicator {{ {INDICATOR} }} }} }}"

    async def check(reply: dict[str, Any], weight: str, target: str | None) -> None:
        assert (reply["weight"], reply["targetValue"]) == (weight, target)
        assert (await gql.data(read, {"id": reply["id"]}))["indicator"] == reply
        async with sessionmaker() as s:
            row = await s.get(Indicator, int(reply["id"]))
            assert row is not None
            assert (str(row.weight), None if row.target_value is None else str(row.target_value)) == (
                weight,
                target,
            )

    created = (await gql.data(INDICATOR_CREATE, quantitative(goal, weight="12.5", targetValue="1E+3")))[
        "indicatorCreate"
    ]["indicator"]
    await check(created, "12.50", "1000.0000")
    async with sessionmaker() as s:
        event = (
            await s.exec(
                select(AuditEvent).where(
                    AuditEvent.operation == "indicatorCreate", AuditEvent.target_id == int(created["id"])
                )
            )
        ).one()
    assert event.changes["weight"]["after"] == "12.50"  # the audit trail records the stored value too

    largest = "99999999999999.9999"
    updated = (
        await gql.data(
            INDICATOR_UPDATE,
            {"input": {"id": created["id"], "rowVersion": created["rowVersion"], "targetValue": largest}},
        )
    )["indicatorUpdate"]["indicator"]
    await check(updated, "12.50", largest)
    # Negative: a ≤ percentage may be (Art. 9, src/services/goals/units.py).
    negative = {"comparator": "LE", "targetValue": "-0.5"}
    updated = (
        await gql.data(
            INDICATOR_UPDATE,
            {"input": {"id": created["id"], "rowVersion": updated["rowVersion"], **negative}},
        )
    )["indicatorUpdate"]["indicator"]
    await check(updated, "12.50", "-0.5000")

    unused = (await template_ids(sessionmaker, "EMPLOYEE_MEDICAL"))[4:]  # draft_goal took the first four
    async with sessionmaker() as s:
        template = (
            await s.exec(
                select(IndicatorTemplate.id)
                .where(
                    IndicatorTemplate.kind == IndicatorKind.QUANTITATIVE,
                    col(IndicatorTemplate.id).in_(unused),
                )
                .limit(1)
            )
        ).one()
    pick = {"templateId": str(template)}
    query = "query($id: ID!) { goal(id: $id) { ... on Goal { rowVersion } } }"
    goal_now = (await gql.data(query, {"id": goal["id"]}))["goal"]
    added = (
        await gql.data(
            INDICATOR_ADD,
            {
                "input": {
                    "goalId": goal["id"],
                    "rowVersion": goal_now["rowVersion"],
                    "items": [{**pick, "weight": "7", "targetValue": "0.25"}],
                }
            },
        )
    )["indicatorAddFromTemplates"]["indicators"]
    await check(added[0], "7.00", "0.2500")


async def test_art9_negative_targets_are_refused_by_what_the_unit_measures(
    gql: GraphQLClient, sessionmaker: async_sessionmaker[AsyncSession]
) -> None:
    """A percentage may be below zero only as a ≤ target (支出增长率 ≤ -2%); a count, an amount or a
    duration never (src/services/goals/units.py). Each refusal names its field and stores nothing."""
    goal = await draft_goal(gql, sessionmaker)
    growth = (
        await gql.data(
            INDICATOR_CREATE, quantitative(goal, level3="基金支出增长率", comparator="LE", targetValue="-2")
        )
    )["indicatorCreate"]["indicator"]
    assert growth["targetValue"] == "-2.0000"
    none_yet = (
        await gql.data(INDICATOR_CREATE, quantitative(goal, level3="投诉件数", unit="件", targetValue="0"))
    )["indicatorCreate"]["indicator"]
    assert none_yet["targetValue"] == "0.0000"
    async with sessionmaker() as s:
        insured = (
            await s.exec(select(IndicatorTemplate.id).where(IndicatorTemplate.key == "COMMON:参保人数"))
        ).one()
    query = "query($id: ID!) { goal(id: $id) { ... on Goal { rowVersion } } }"
    version = (await gql.data(query, {"id": goal["id"]}))["goal"]["rowVersion"]
    pick = {"templateId": str(insured), "weight": "1", "targetValue": "-10"}
    target = [("input.targetValue", "OUT_OF_RANGE")]
    cases: list[tuple[str, dict[str, Any], list[tuple[str, str]]]] = [
        (INDICATOR_CREATE, quantitative(goal, targetValue="-5"), target),  # a percentage, ≥
        (INDICATOR_CREATE, quantitative(goal, comparator="EQ", targetValue="-5"), target),
        (INDICATOR_CREATE, quantitative(goal, unit="人次", comparator="LE", targetValue="-1"), target),
        (INDICATOR_CREATE, quantitative(goal, unit="万元", comparator="LE", targetValue="-1"), target),
        (INDICATOR_CREATE, quantitative(goal, unit="工作日", comparator="LE", targetValue="-0.5"), target),
        (INDICATOR_UPDATE, {"input": {"id": growth["id"], "rowVersion": 1, "comparator": "GE"}}, target),
        (INDICATOR_UPDATE, {"input": {"id": none_yet["id"], "rowVersion": 1, "targetValue": "-1"}}, target),
        (
            INDICATOR_ADD,
            {"input": {"goalId": goal["id"], "rowVersion": version, "items": [pick]}},
            [("input.items.0.targetValue", "OUT_OF_RANGE")],
        ),
    ]
    before = await stored(sessionmaker)
    for query, variables, expected in cases:
        assert await refused_fields(gql, query, variables) == expected, variables
    assert await stored(sessionmaker) == before
    body = await post(gql, INDICATOR_CREATE, quantitative(goal, unit="人次", targetValue="-1"))
    assert body["data"]["indicatorCreate"]["fields"] == [
        {
            "field": "input.targetValue",
            "code": "OUT_OF_RANGE",
            "message": "数量类指标（单位“人次”）的目标值不能为负数",
        }
    ]
